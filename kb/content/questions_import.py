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

from kb.content.text import normalise, text_id, unique_id
from kb.content.textfile import looks_like_gbk, read_text
from kb.content.yamltext import Located, parse_yaml
from kb.problems import KbError, Problem, Severity, did_you_mean, without_controls

DEFAULT_COLUMNS = {"question": "question", "count": "count", "category": "category"}


@dataclass
class ImportedRow:
    question: str
    count: int
    category: str
    line: int


@dataclass
class ImportResult:
    added: list[tuple[str, str, int]] = field(default_factory=list)  # (id, question, volume)
    updated: list[tuple[str, int]] = field(default_factory=list)  # (id, volume added)
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


def read_rows(text: str, shown: str, columns: dict[str, str]) -> list[ImportedRow]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise KbError(
            Problem(shown, 1, "the CSV file is empty", "the first line must name the columns, e.g. question,count")
        ) from None
    except csv.Error as exc:
        raise KbError(Problem(shown, 1, f"malformed CSV: {exc}")) from None
    index = {name.strip().casefold(): i for i, name in enumerate(header)}
    wanted = {ours: index.get(theirs.casefold()) for ours, theirs in columns.items()}
    if wanted["question"] is None:
        raise KbError(
            Problem(
                shown,
                1,
                f"no '{columns['question']}' column; the header has: {', '.join(h.strip() for h in header)}",
                "name the columns with --columns question=HEADER,count=HEADER",
            )
        )
    rows, problems = [], []
    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            question = _cell(row, wanted["question"])
            if not question:
                problems.append(Problem(shown, line, "empty question", "fill in the question or delete the row"))
                continue
            count_text = _cell(row, wanted["count"]) or "1"
            try:
                count = int(count_text.replace(",", "").replace(" ", ""))
                if count < 0:
                    raise ValueError
            except ValueError:
                problems.append(
                    Problem(
                        shown,
                        line,
                        f"count {count_text!r} is not a whole number of 0 or more",
                        "write the number of tickets, e.g. 42",
                    )
                )
                continue
            rows.append(ImportedRow(question, count, _cell(row, wanted["category"]), line))
    except csv.Error as exc:
        problems.append(Problem(shown, reader.line_num, f"malformed CSV: {exc}"))
    if problems:
        raise KbError(problems)
    return rows


def _cell(row: list[str], index: int | None) -> str:
    # Ticket subjects carry whatever customers pasted: escape sequences and control characters do not come in.
    return without_controls(row[index]).strip() if index is not None and index < len(row) else ""


def merge_rows(rows: list[ImportedRow]) -> list[ImportedRow]:
    """One row per distinct question, counts summed, first wording and category kept."""
    merged: dict[str, ImportedRow] = {}
    for row in rows:
        key = normalise(row.question)
        if key in merged:
            merged[key].count += row.count
            merged[key].category = merged[key].category or row.category
        else:
            merged[key] = ImportedRow(row.question, row.count, row.category, row.line)
    return list(merged.values())


def import_csv(
    csv_path: Path,
    questions_path: Path,
    columns: dict[str, str],
    categories: frozenset[str] | None = None,
    lang: str | None = None,
    encoding: str | None = None,
    shown_questions: str | None = None,
) -> ImportResult:
    """Merge the CSV into the questions file's text. The caller decides whether to write `result.text`."""
    text, used = decode_csv(csv_path, encoding)
    rows = read_rows(text, str(csv_path), columns)
    result = ImportResult(encoding=used)
    for row in rows:
        if row.category and categories is not None and row.category not in categories:
            result.warnings.append(
                Problem(
                    str(csv_path),
                    row.line,
                    f"category '{row.category}' is not declared in kb.yml; imported without a category",
                    did_you_mean(row.category, categories),
                    Severity.WARNING,
                )
            )
            row.category = ""
    return merge_into(rows, questions_path, lang, shown_questions, result)


def merge_into(
    rows: list[ImportedRow],
    questions_path: Path,
    lang: str | None = None,
    shown_questions: str | None = None,
    result: ImportResult | None = None,
    original: str | None = None,
) -> ImportResult:
    """Merge imported rows (from a CSV, or missed searches) into the questions file's text (or `original`)."""
    rows = merge_rows(rows)
    result = result or ImportResult()
    shown_q = shown_questions or str(questions_path)
    if original is None:
        original = read_text(questions_path, shown_q) if questions_path.exists() else "questions:\n"
    located, _ = parse_yaml(original, shown_q)
    items = _question_items(located, shown_q)
    by_wording: dict[str, Located] = {}
    for item in items:
        if isinstance(item.value, dict):
            for wording in [item.value.get("question"), *(item.value.get("variants") or [])]:
                if isinstance(wording, str):
                    by_wording.setdefault(normalise(wording), item)
    taken = {str(i.value.get("id")) for i in items if isinstance(i.value, dict)}
    lines = original.splitlines(keepends=True)
    edits: dict[int, int] = {}  # item line -> volume to add
    new_entries: list[str] = []
    indent = _item_indent(lines, items)
    for row in rows:
        match = by_wording.get(normalise(row.question))
        if match is not None:
            edits[match.line] = edits.get(match.line, 0) + row.count
            result.updated.append((str(match.value.get("id")), row.count))
            continue
        qid = unique_id(text_id(row.question), taken)
        taken.add(qid)
        new_entries.append(_entry(qid, row, lang, indent))
        result.added.append((qid, row.question, row.count))
    for item in sorted((i for i in items if i.line in edits), key=lambda i: -i.line):
        _add_volume(lines, item, edits[item.line])
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


def _entry(qid: str, row: ImportedRow, lang: str | None, indent: str) -> str:
    pad = indent + "  "
    parts = [f"{indent}- id: {qid}\n", f"{pad}question: {_scalar(row.question)}\n"]
    if row.category:
        parts.append(f"{pad}category: {_scalar(row.category)}\n")
    parts.append(f"{pad}volume: {row.count}\n")
    if lang:
        parts.append(f"{pad}lang: {lang}\n")
    return "".join(parts)


def _scalar(text: str) -> str:
    """A YAML scalar for the text, quoted only when it needs to be."""
    return (
        yaml.safe_dump(text, allow_unicode=True, default_flow_style=True, width=10_000).removesuffix("\n...\n").strip()
    )


_VOLUME = re.compile(r"^(\s*volume:\s*)(\d+)(.*)$")


def _add_volume(lines: list[str], item: Located, extra: int) -> None:
    volume_line = item.key_lines.get("volume")
    if volume_line is not None:
        match = _VOLUME.match(lines[volume_line - 1].rstrip("\n"))
        if match:
            total = int(match.group(2)) + extra
            lines[volume_line - 1] = f"{match.group(1)}{total}{match.group(3)}\n"
            return
    id_line = item.key_lines.get("id", item.line)
    text = lines[id_line - 1]
    key_col = text.index("id:")
    lines.insert(id_line, " " * key_col + f"volume: {extra}\n")
