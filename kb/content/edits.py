"""Small edits to writers' and leads' files made as text, so their formatting, order and comments stay:
a question id added to an article's `covers:`, an article added to a question's `not_answered_by:`."""

from __future__ import annotations

import re
from pathlib import Path

from kb.content.articles import split_front_matter
from kb.content.textfile import write_text_atomically
from kb.content.yamltext import parse_yaml
from kb.problems import KbError, Problem

_FLOW = re.compile(r"^(?P<head>\s*(?P<key>[\w-]+):\s*)\[(?P<items>[^\]]*)\](?P<tail>\s*(#.*)?)$")
_SCALAR = re.compile(r"^(?P<head>\s*(?P<key>[\w-]+):\s*)(?P<value>[^\s#\[][^#]*?)(?P<tail>\s*(#.*)?)$")
_BLOCK_ITEM = re.compile(r"^(?P<indent>\s*)-\s+")


def add_to_list(lines: list[str], key_line: int, key: str, value: str, item_indent: str, end: int) -> list[str]:
    """Add `value` to the list `key:` whose key is on `key_line` (0-based) within lines[..end], or, when
    key_line is None, add `key: [value]` as a new line before `end` with `item_indent`."""
    if key_line is None:
        return [*lines[:end], f"{item_indent}{key}: [{value}]\n", *lines[end:]]
    line = lines[key_line].rstrip("\n")
    flow = _FLOW.match(line)
    if flow:
        items = [i.strip() for i in flow["items"].split(",") if i.strip()]
        new = f"{flow['head']}[{', '.join([*items, value])}]{flow['tail']}"
        return [*lines[:key_line], new + "\n", *lines[key_line + 1 :]]
    scalar = _SCALAR.match(line)
    if scalar and scalar["value"].strip():
        new = f"{scalar['head']}[{scalar['value'].strip()}, {value}]{scalar['tail']}"
        return [*lines[:key_line], new + "\n", *lines[key_line + 1 :]]
    last, indent = key_line, None  # a block list: the items below the key
    for n in range(key_line + 1, end):
        item = _BLOCK_ITEM.match(lines[n])
        if item:
            last, indent = n, item["indent"]
        elif lines[n].strip() and not lines[n].lstrip().startswith("#"):
            break
    if indent is None:  # `key:` with nothing after it
        return [*lines[:key_line], f"{line.rstrip()} [{value}]\n", *lines[key_line + 1 :]]
    return [*lines[: last + 1], f"{indent}- {value}\n", *lines[last + 1 :]]


def add_cover(text: str, covers_line: int | None, question_id: str) -> str:
    """The article with `question_id` added to `covers:` (1-based line of the key, or None to add the key)."""
    lines = text.splitlines(keepends=True)
    closing = next(n for n in range(1, len(lines)) if lines[n].strip() in ("---", "..."))
    key_line = covers_line - 1 if covers_line else None
    return "".join(add_to_list(lines, key_line, "covers", question_id, "", closing))


def add_rejection(text: str, item_line: int, article_id: str) -> str:
    """questions.yml with `article_id` added to the `not_answered_by:` of the question item starting on
    `item_line` (1-based, the line of its `- `)."""
    lines = text.splitlines(keepends=True)
    start = item_line - 1
    dash = _BLOCK_ITEM.match(lines[start])
    item_indent = " " * (len(dash.group(0)) if dash else len(lines[start]) - len(lines[start].lstrip()))
    end = start + 1
    while end < len(lines):
        stripped = lines[end].strip()
        current = len(lines[end]) - len(lines[end].lstrip())
        if stripped and current < len(item_indent):
            break
        end += 1
    while end > start + 1 and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
        end -= 1  # blank lines and comments after the item stay after the new line
    key_line = next(
        (n for n in range(start, end) if re.match(rf"^(\s*-\s+|{item_indent})not_answered_by:", lines[n])), None
    )
    return "".join(add_to_list(lines, key_line, "not_answered_by", article_id, item_indent, end))


def write_edited(path: Path, text: str, shown: str, front_matter_only: bool = False) -> None:
    """Write an edit made as text, once the YAML it touched still reads (a one-line `{...}` entry, say, cannot
    take a new line): else a clear error and the file left as it was."""
    try:
        if front_matter_only:
            split_front_matter(text, shown)
        else:
            parse_yaml(text, shown)
    except KbError:
        raise KbError(
            Problem(shown, 0, "cannot edit this entry as text", "write it as a block, one key per line, then again")
        ) from None
    write_text_atomically(path, text)
