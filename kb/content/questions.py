"""Common questions made from files: the help center's questions.yml, or any questions file an audit is given
(YAML, or a ticket export as CSV). Every `Question` is made here."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from kb.content.articles import check_fields
from kb.content.periods import EXAMPLE as PERIOD_EXAMPLE
from kb.content.periods import UNNAMED, is_period, latest, ordered
from kb.content.questions_import import DEFAULT_COLUMNS, decode_csv, merge_rows, read_rows
from kb.content.schema import QUESTION_FIELDS, QUESTION_KINDS, Vocabulary
from kb.content.text import question_lang, text_id, unique_id
from kb.content.textfile import read_text
from kb.content.yamltext import Located, parse_yaml
from kb.model import Question
from kb.problems import KbError, Problem, Severity, did_you_mean


def load_questions(
    path: Path, vocabulary: Vocabulary, default_lang: str | None = "en", shown: str | None = None
) -> tuple[list[Question], list[Problem]]:
    """Read questions.yml: either a list of questions or a mapping with a `questions:` list. A question without
    `lang:` is in `default_lang`, or (None) in the language its words are in."""
    shown = shown or str(path)
    located, problems = parse_yaml(read_text(path, shown), shown)
    data = located.value
    items_node = located
    file_period = UNNAMED
    if isinstance(data, dict) and data.get("period") is not None:
        file_period = str(data["period"])
        if not is_period(file_period):
            problems.append(
                Problem(
                    shown,
                    located.line_of("period"),
                    f"period {file_period!r} is not a period; its volumes count as one unnamed period",
                    f"write a year, quarter, half or month, e.g. {PERIOD_EXAMPLE}",
                    Severity.WARNING,
                )
            )
            file_period = UNNAMED
    if isinstance(data, dict):
        if "questions" not in data:
            raise KbError(
                Problem(shown, located.line, "no 'questions' list found", "put the questions under 'questions:'")
            )
        items_node = located.children.get("questions", Located(data["questions"], located.line_of("questions")))
        data = data["questions"]
    if data is None:
        return [], problems
    if not isinstance(data, list):
        raise KbError(
            Problem(shown, items_node.line, "'questions' must be a list", "each item starts with '- id: ...'")
        )
    questions: list[Question] = []
    seen: dict[str, int] = {}
    lines: dict[str, int] = {}  # question id -> line of its translation_of
    for item in items_node.items:
        if not isinstance(item.value, dict):
            problems.append(
                Problem(
                    shown,
                    item.line,
                    "each question must be a mapping with 'id' and 'question'",
                    "e.g. - id: forgot-password",
                )
            )
            continue
        found: list[Problem] = []
        values = check_fields(item.value, item, QUESTION_FIELDS, vocabulary, shown, found)
        problems.extend(found)
        if "id" not in values or "question" not in values or any(p.is_error for p in found):
            continue
        qid = values["id"]
        if qid in seen:
            problems.append(
                Problem(shown, item.line_of("id"), f"duplicate question id '{qid}'", f"first used on line {seen[qid]}")
            )
            continue
        seen[qid] = item.line_of("id")
        kind = values.get("kind", "")
        if kind and kind not in QUESTION_KINDS:
            problems.append(
                Problem(shown, item.line_of("kind"), f"unknown kind '{kind}'", did_you_mean(kind, QUESTION_KINDS))
            )
            kind = ""
        volumes = {file_period: values["volume"]} if "volume" in values else {}
        volumes.update(values.get("volumes", ()))
        questions.append(
            Question(
                id=qid,
                question=values["question"],
                lang=values.get("lang") or default_lang or question_lang(values["question"]),
                category=values.get("category", ""),
                volume=values.get("volume", 0),
                variants=values.get("variants", ()),
                line=item.line,
                not_answered_by=values.get("not_answered_by", ()),
                kind=kind,
                type=values.get("type", ""),
                translation_of=values.get("translation_of", ""),
                volumes=ordered(volumes),
                searches=values.get("searches", 0),
            )
        )
        lines[qid] = item.line_of("translation_of")
    return ranked_by_latest_period(questions), problems + _check_translations(questions, lines, shown)


def _check_translations(questions: list[Question], lines: dict[str, int], shown: str) -> list[Problem]:
    """A question's `translation_of:` names a question in another language (warnings, like unknown covers ids)."""
    by_id = {q.id: q for q in questions}
    problems = []
    for q in questions:
        other = by_id.get(q.translation_of) if q.translation_of else None
        if q.translation_of and other is None:
            message, hint = (
                f"translation_of names no question: '{q.translation_of}'",
                did_you_mean(q.translation_of, by_id),
            )
        elif other is not None and other.lang == q.lang:
            message, hint = (
                f"translation_of '{other.id}' is in the same language ({q.lang})",
                "name the same question in another language",
            )
        else:
            continue
        problems.append(Problem(shown, lines[q.id], message, hint, Severity.WARNING))
    return problems


def ranked_by_latest_period(questions: list[Question]) -> list[Question]:
    """Each question's `volume` is its figure for the latest period of the file: the report ranks by it."""
    last = latest_period(questions)
    return [replace(q, volume=dict(q.volumes).get(last, 0)) if q.volumes else q for q in questions]


def latest_period(questions: list[Question]) -> str:
    """The latest period any question has a figure for ("" when the file names none)."""
    return latest(period for q in questions for period, _ in q.volumes)


def load_any_questions(path: Path, columns: dict[str, str] | None = None) -> tuple[list[Question], list[Problem]]:
    """Our questions YAML, or a CSV with a `question` column (or a ticket export's: Subject, Summary...) and an
    optional `count` (`columns` maps other headers); languages detected."""
    if path.suffix.lower() == ".csv":
        text, _ = decode_csv(path, None)
        skipped: list[Problem] = []
        rows = merge_rows(read_rows(text, str(path), columns or DEFAULT_COLUMNS, skipped))
        taken: set[str] = set()
        questions = []
        for row in rows:
            qid = unique_id(text_id(row.question), taken)
            taken.add(qid)
            questions.append(
                Question(
                    qid,
                    row.question,
                    question_lang(row.question),
                    row.category,
                    row.count,
                    line=row.line,
                    type=row.type,
                )
            )
        return questions, skipped
    if not path.is_file():
        raise KbError(Problem(str(path), 0, "questions file not found"))
    return load_questions(path, Vocabulary(None, None), None)
