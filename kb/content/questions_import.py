"""Import common questions from a ticketing system's CSV export into questions.yml.

Rows that ask the same question (same wording once case, spacing and end punctuation are ignored) are merged and
their counts summed, and so are rows that match a question or variant already in the file. New questions get
generated ids. The file is edited as text, so support leads' comments and ordering survive.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from kb.content.periods import ordered
from kb.content.text import (
    normalise,
    question_core,
    question_key,
    question_lang,
    strip_reply_prefix,
    text_id,
    unique_id,
)
from kb.content.textfile import looks_like_gbk, read_text
from kb.content.yamltext import Located, parse_yaml
from kb.problems import KbError, Problem, Severity, did_you_mean, without_controls

DEFAULT_COLUMNS = {"question": "question", "count": "count", "category": "category", "type": "type"}
# What ticketing systems' exports and support leads' sheets call our columns, in order of preference: used when
# the file has no column of our name and none was named with --columns.
HEADER_NAMES = {
    "question": (
        "questions", "subject", "ticket subject", "summary", "title", "topic", "common question",
        "问题", "常见问题", "标题", "主题", "工单标题",
    ),
    "count": (
        "tickets", "ticket count", "number of tickets", "tickets count", "volume", "ticket volume", "total",
        "occurrences", "frequency", "数量", "工单数", "工单数量", "次数", "总数",
    ),
    "category": ("categories", "分类", "类别"),
    # the team's own sorting of tickets (technical, product use, after-sales): the question's `type:`
    "type": ("ticket type", "question type", "request type", "类型", "工单类型", "问题类型"),
}  # fmt: skip


@dataclass
class ImportedRow:
    question: str
    count: int
    category: str
    line: int
    lang: str = ""  # the row's own language, when it is known
    type: str = ""  # the support team's own sorting, from a `type` column


@dataclass
class ImportResult:
    added: list[tuple[str, str, int]] = field(default_factory=list)  # (id, question, volume)
    updated: list[tuple[str, int | None, int]] = field(default_factory=list)  # (id, figure before or None, after)
    merged: list[tuple[str, str, int]] = field(default_factory=list)  # (wording, id it merged into, CSV line)
    warnings: list[Problem] = field(default_factory=list)
    encoding: str = "utf-8"
    text: str = ""


def parse_columns(spec: str | None) -> dict[str, str]:
    """`question=Subject,count=Tickets` -> our column name to the file's header."""
    columns = dict(DEFAULT_COLUMNS)
    if not spec:
        return columns
    for pair in spec.split(","):
        ours, sep, theirs = pair.partition("=")
        if not sep or ours.strip() not in DEFAULT_COLUMNS or not theirs.strip():
            raise ValueError(
                f"bad column mapping {pair!r}: write ours=theirs with ours one of {', '.join(DEFAULT_COLUMNS)}"
            )
        columns[ours.strip()] = theirs.strip()
    return columns


def decode_csv(path: Path, encoding: str | None) -> tuple[str, str]:
    """The CSV's text and the encoding used: UTF-8, or GB18030 when that is what Excel wrote."""
    if encoding:
        return read_text(path, encoding=encoding), encoding
    data = path.read_bytes() if path.is_file() else None
    if data is not None:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            if looks_like_gbk(data):
                return data.decode("gb18030"), "gb18030"
    return read_text(path), "utf-8"


def read_rows(
    text: str, shown: str, columns: dict[str, str], warnings: list[Problem] | None = None
) -> list[ImportedRow]:
    """The CSV's rows. A row with an empty question or a count that is not a whole number is skipped, and all of
    them are named in one warning appended to `warnings`; only an unreadable file or header is an error."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise KbError(
            Problem(shown, 1, "the CSV file is empty", "the first line must name the columns, e.g. question,count")
        ) from None
    except csv.Error as exc:
        raise KbError(Problem(shown, 1, f"malformed CSV: {exc}")) from None
    index: dict[str, int] = {}
    for i, name in enumerate(header):
        index.setdefault(_folded(name), i)
    wanted = {ours: index.get(_folded(theirs)) for ours, theirs in columns.items()}
    guessed = []
    for ours, names in HEADER_NAMES.items():
        if wanted.get(ours) is None and columns.get(ours, DEFAULT_COLUMNS[ours]) == DEFAULT_COLUMNS[ours]:
            found = next((index[_folded(name)] for name in names if _folded(name) in index), None)
            if found is not None and found not in wanted.values():
                wanted[ours] = found
                guessed.append(f"'{header[found].strip().lstrip(chr(0xFEFF))}' as the {ours}")
    if wanted["question"] is None:
        raise KbError(
            Problem(
                shown,
                1,
                f"no '{columns['question']}' column; the header has: {', '.join(h.strip() for h in header)}",
                "name the columns with --columns question=HEADER,count=HEADER",
            )
        )
    if guessed and warnings is not None:
        warnings.append(
            Problem(
                shown,
                1,
                f"read column {' and '.join(guessed)}",
                "if another column is meant, name it with --columns question=HEADER,count=HEADER",
                Severity.WARNING,
            )
        )
    rows: list[ImportedRow] = []
    skipped: list[str] = []
    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            question = strip_reply_prefix(_cell(row, wanted["question"]))
            if not question:
                skipped.append(f"line {line} (empty question)")
                continue
            count_text = _cell(row, wanted["count"]) or "1"
            try:
                count = int(count_text.replace(",", "").replace(" ", ""))
                if count < 0:
                    raise ValueError
            except ValueError:
                skipped.append(f"line {line} (count {count_text!r} is not a whole number of 0 or more)")
                continue
            category, sorting = _cell(row, wanted.get("category")), _cell(row, wanted.get("type"))
            rows.append(ImportedRow(question, count, category, line, type=sorting))
    except csv.Error as exc:
        raise KbError(Problem(shown, reader.line_num, f"malformed CSV: {exc}")) from None
    if skipped and warnings is not None:
        first = int(skipped[0].split(" ", 2)[1])
        lines = "; ".join(skipped)
        warnings.append(
            Problem(
                shown,
                first,
                f"skipped {len(skipped)} row{'s' if len(skipped) > 1 else ''}: {lines}",
                "fix those rows and import again: rows already imported keep their figures",
                Severity.WARNING,
            )
        )
    return rows


def _folded(header: str) -> str:
    """A header as compared: case, spacing, a byte-order mark and marks like '#', '_' or '-' ignored."""
    return re.sub(r"[\W_]+", "", header.casefold())


def _cell(row: list[str], index: int | None) -> str:
    # Ticket subjects carry whatever customers pasted: escape sequences and control characters do not come in.
    return without_controls(row[index]).strip() if index is not None and index < len(row) else ""


def merge_rows(rows: list[ImportedRow]) -> list[ImportedRow]:
    """One row per distinct question (the same normalised words), counts summed, first wording, category and type
    kept."""
    merged: dict[str, ImportedRow] = {}
    for row in rows:
        key = question_key(row.question)
        if key in merged:
            merged[key].count += row.count
            merged[key].category = merged[key].category or row.category
            merged[key].type = merged[key].type or row.type
        else:
            merged[key] = ImportedRow(row.question, row.count, row.category, row.line, row.lang, row.type)
    return list(merged.values())


def parse_category_map(specs: list[str] | None) -> dict[str, str]:
    """`["Billing=payments", "Login issues=account"]` (or one comma-separated string) -> their name, folded, to ours."""
    mapping: dict[str, str] = {}
    for spec in specs or []:
        for pair in spec.split(","):
            theirs, sep, ours = pair.partition("=")
            if not sep or not theirs.strip() or not ours.strip():
                raise ValueError(f"bad category mapping {pair!r}: write THEIRS=OURS, e.g. Billing=payments")
            mapping[theirs.strip().casefold()] = ours.strip()
    return mapping


def import_csv(
    csv_path: Path,
    questions_path: Path,
    columns: dict[str, str],
    categories: frozenset[str] | None = None,
    lang: str | None = None,
    encoding: str | None = None,
    shown_questions: str | None = None,
    period: str | None = None,
    category_map: dict[str, str] | None = None,
    default_lang: str = "en",
) -> ImportResult:
    """Merge the CSV into the questions file's text. The caller decides whether to write `result.text`.

    Each row's language is detected from its text unless `lang` is given; categories match kb.yml's ids whatever
    their case, or through `category_map` (the ticket system's names, any case, to ours)."""
    text, used = decode_csv(csv_path, encoding)
    result = ImportResult(encoding=used)
    rows = read_rows(text, str(csv_path), columns, result.warnings)
    by_fold = {c.casefold(): c for c in categories} if categories is not None else {}
    mapping = category_map or {}
    unknown: dict[str, tuple[str, list[int]]] = {}  # folded name -> (first spelling, lines)
    for row in rows:
        row.lang = lang or question_lang(row.question)
        if not row.category:
            continue
        folded = row.category.casefold()
        ours = mapping.get(folded, row.category)
        if categories is None:
            row.category = ours
        elif ours in categories or ours.casefold() in by_fold:
            row.category = ours if ours in categories else by_fold[ours.casefold()]
        else:
            unknown.setdefault(folded, (row.category, []))[1].append(row.line)
            row.category = ""
    for folded, (name, lines) in unknown.items():
        mapped = mapping.get(folded)
        what = f"category '{name}'" + (f" (mapped to '{mapped}')" if mapped else "")
        result.warnings.append(
            Problem(
                str(csv_path),
                lines[0],
                f"{what} is not declared in kb.yml: {len(lines)} row{'s' if len(lines) > 1 else ''} imported "
                "without a category",
                f"map it with --category-map '{name}=ID'; "
                + (did_you_mean(mapped or name, categories or ()) or f"ids: {', '.join(sorted(categories or ()))}"),
                Severity.WARNING,
            )
        )
    return merge_into(rows, questions_path, lang, shown_questions, result, period=period, default_lang=default_lang)


def merge_into(
    rows: list[ImportedRow],
    questions_path: Path,
    lang: str | None = None,
    shown_questions: str | None = None,
    result: ImportResult | None = None,
    original: str | None = None,
    period: str | None = None,
    figure: str = "volume",
    default_lang: str | None = None,
) -> ImportResult:
    """Merge imported rows (from a CSV, or missed searches) into the questions file's text (or `original`).

    The rows' counts, summed per question, *set* the question's figure: its volume for `period` (the file's own
    `period:` when None), or with `figure="searches"` its count of missed searches. Importing the same rows
    twice changes nothing, and a corrected export replaces the figures of the questions it names."""
    rows = merge_rows(rows)
    result = result or ImportResult()
    shown_q = shown_questions or str(questions_path)
    if original is None:
        if questions_path.exists():
            original = read_text(questions_path, shown_q)
        else:
            original = f"period: {period}\nquestions:\n" if period else "questions:\n"
    located, _ = parse_yaml(original, shown_q)
    items = _question_items(located, shown_q)
    file_period = (
        str(located.value.get("period")) if isinstance(located.value, dict) and located.value.get("period") else None
    )
    in_volumes = figure == "volume" and period is not None and period != file_period
    by_wording: dict[str, Located] = {}
    by_core: dict[str, Located] = {}  # the looser match: the same words but generic ones ("offer", "app")
    exact: set[str] = set()
    for item in items:
        if isinstance(item.value, dict):
            for wording in [item.value.get("question"), *(item.value.get("variants") or [])]:
                if isinstance(wording, str):
                    by_wording.setdefault(question_key(wording), item)
                    if question_core(wording):
                        by_core.setdefault(question_core(wording), item)
                    exact.add(normalise(wording))
    taken = {str(i.value.get("id")) for i in items if isinstance(i.value, dict)}
    lines = original.splitlines(keepends=True)
    edits: dict[int, int] = {}  # item line -> the figure to set
    matched: dict[int, Located] = {}
    new_entries: list[str] = []
    indent = _item_indent(lines, items)
    for row in rows:
        match = by_wording.get(question_key(row.question)) or by_core.get(question_core(row.question) or "\0")
        if match is not None:
            edits[match.line] = edits.get(match.line, 0) + row.count
            matched[match.line] = match
            if normalise(row.question) not in exact:  # asked in other words: say which question it went to
                result.merged.append((row.question, str(match.value.get("id")), row.line))
            continue
        qid = unique_id(text_id(row.question), taken)
        taken.add(qid)
        row_lang = row.lang or lang
        written_lang = row_lang if (lang or row_lang != default_lang) else None
        new_entries.append(_entry(qid, row, written_lang, indent, figure, period if in_volumes else None))
        result.added.append((qid, row.question, row.count))
    for line in sorted(edits, reverse=True):  # from the bottom up: inserted lines move only what is below them
        item, value = matched[line], edits[line]
        own = item.value.get("volumes")
        if in_volumes or (figure == "volume" and period and isinstance(own, dict) and period in map(str, own)):
            before = _set_period(lines, item, period, value)
        else:
            before = _set_figure(lines, item, figure, value)
        result.updated.append((str(item.value.get("id")), before, value))
    result.updated.reverse()
    body = "".join(lines)
    if body and not body.endswith("\n"):
        body += "\n"
    result.text = body + "".join(new_entries)
    return result


def _question_items(located: Located, shown: str) -> tuple[Located, ...]:
    if isinstance(located.value, dict):
        child = located.children.get("questions")
        return child.items if child else ()
    if isinstance(located.value, list):
        return located.items
    if located.value is None:
        return ()
    raise KbError(Problem(shown, 1, "expected a 'questions:' list", "see the README's questions file section"))


def _item_indent(lines: list[str], items: tuple[Located, ...]) -> str:
    if items:
        first = lines[items[0].line - 1]
        return first[: len(first) - len(first.lstrip())]
    return "  "


def _entry(qid: str, row: ImportedRow, lang: str | None, indent: str, figure: str, period: str | None) -> str:
    pad = indent + "  "
    parts = [f"{indent}- id: {qid}\n", f"{pad}question: {_scalar(row.question)}\n"]
    if row.category:
        parts.append(f"{pad}category: {_scalar(row.category)}\n")
    if row.type:
        parts.append(f"{pad}type: {_scalar(row.type)}\n")
    if period is not None:
        parts.append(f"{pad}volumes: {_flow({period: row.count})}\n")
    else:
        parts.append(f"{pad}{figure}: {row.count}\n")
    if lang:
        parts.append(f"{pad}lang: {lang}\n")
    return "".join(parts)


def _flow(volumes: dict[str, int]) -> str:
    return "{" + ", ".join(f"{p}: {n}" for p, n in ordered(volumes)) + "}"


def _scalar(text: str) -> str:
    """A YAML scalar for the text, quoted only when it needs to be."""
    return (
        yaml.safe_dump(text, allow_unicode=True, default_flow_style=True, width=10_000).removesuffix("\n...\n").strip()
    )


def _figure_line(key: str) -> re.Pattern[str]:
    return re.compile(rf"^(\s*{key}:\s*)(\d+)(.*)$")


def _key_column(lines: list[str], item: Located) -> int:
    id_line = item.key_lines.get("id", item.line)
    return lines[id_line - 1].index("id:")


def _set_figure(lines: list[str], item: Located, key: str, value: int) -> int | None:
    """Set `key: value` in the question's lines (added under its id when missing); returns the value before."""
    key_line = item.key_lines.get(key)
    if key_line is not None:
        match = _figure_line(key).match(lines[key_line - 1].rstrip("\n"))
        if match:
            lines[key_line - 1] = f"{match.group(1)}{value}{match.group(3)}\n"
            return int(match.group(2))
    id_line = item.key_lines.get("id", item.line)
    lines.insert(id_line, " " * _key_column(lines, item) + f"{key}: {value}\n")
    return None


def _set_period(lines: list[str], item: Located, period: str, value: int) -> int | None:
    """Set the question's volume for `period` in its `volumes:` mapping, rewritten as one flow line."""
    existing = item.value.get("volumes")
    volumes = {str(p): n for p, n in existing.items()} if isinstance(existing, dict) else {}
    before = volumes.get(period)
    volumes[period] = value
    text = " " * _key_column(lines, item) + f"volumes: {_flow(volumes)}\n"
    key_line = item.key_lines.get("volumes")
    if key_line is None:
        after = item.key_lines.get("volume", item.key_lines.get("id", item.line))
        lines.insert(after, text)
        return None
    last = key_line
    child = item.children.get("volumes")
    if child is not None and child.key_lines:
        last = max(last, *child.key_lines.values())
    while "{" in lines[key_line - 1] and "}" not in "".join(lines[key_line - 1 : last]) and last < len(lines):
        last += 1  # a flow mapping written over several lines
    lines[key_line - 1 : last] = [text]
    return before
