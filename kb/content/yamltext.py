"""YAML parsing that keeps line numbers, so every problem can point at the line to fix."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from kb.problems import KbError, Problem, Severity


@dataclass(frozen=True)
class Located:
    """A parsed YAML value with the 1-based file line of each mapping key (and of each list item)."""

    value: Any
    line: int
    key_lines: dict[str, int] = field(default_factory=dict)
    items: tuple[Located, ...] = ()
    children: dict[str, Located] = field(default_factory=dict)

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser when PyYAML has it: several times faster


class _Loader(_Base):
    """Safe loading that leaves dates as text: the schema parses them and reports bad ones with their line."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


# Values that aliases may add to a document, all aliases together. Front matter and questions files never need
# more; a few lines of nested aliases (an "alias bomb") would otherwise expand to billions of values.
MAX_ALIASED_VALUES = 10_000


def parse_yaml(text: str, shown: str, first_line: int = 1) -> tuple[Located, list[Problem]]:
    """Parse YAML text that starts at `first_line` of file `shown`.

    Malformed YAML raises KbError with the line of the mistake; keys given twice come back as warnings. Aliases
    are bounded: one inside the value it refers to, or aliases adding more than MAX_ALIASED_VALUES values, raise
    KbError with the alias's line.
    """
    if "&" in text:  # without an anchor there is no alias to follow
        _check_aliases(text, shown, first_line)
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            value = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        opened = exc.context or ""
        if exc.context_mark and ("flow" in opened or "quoted" in opened or "stream end" in (exc.problem or "")):
            mark = exc.context_mark  # an unclosed bracket or quote: point at where it opened
        line = first_line + (mark.line if mark else 0)
        what = exc.problem or "malformed YAML"
        raise KbError(
            Problem(
                shown,
                line,
                f"malformed YAML: {what}",
                "check indentation, colons and quotes on this line or the one before",
            )
        ) from None
    except (yaml.YAMLError, ValueError, TypeError) as exc:
        raise KbError(Problem(shown, first_line, f"malformed YAML: {exc}")) from None
    problems: list[Problem] = []
    located = _locate(node, value, first_line, shown, problems) if node is not None else Located(None, first_line)
    return located, problems


def _check_aliases(text: str, shown: str, first_line: int) -> None:
    """Walk the parser's events (no values are built): refuse recursive aliases and aliases that multiply."""
    sizes: dict[str, int] = {}  # anchor -> how many values its node expands to
    open_nodes: list[list] = []  # [anchor or None, size so far] of each collection being read
    added = 0
    try:
        for event in yaml.parse(text, Loader=_Loader):
            size = None
            if isinstance(event, yaml.AliasEvent):
                line = first_line + event.start_mark.line
                if any(anchor == event.anchor for anchor, _ in open_nodes):
                    raise KbError(
                        Problem(
                            shown,
                            line,
                            f"YAML alias *{event.anchor} is inside the value it refers to",
                            "an alias may only repeat a value that ends before it; write the value out",
                        )
                    )
                size = sizes.get(event.anchor, 1)
                added += size
                if added > MAX_ALIASED_VALUES:
                    raise KbError(
                        Problem(
                            shown,
                            line,
                            f"YAML aliases here add more than {MAX_ALIASED_VALUES:,} values",
                            "write the values out instead of nesting aliases",
                        )
                    )
            elif isinstance(event, yaml.ScalarEvent):
                size = 1
                if event.anchor:
                    sizes[event.anchor] = 1
            elif isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                open_nodes.append([event.anchor, 1])
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                anchor, size = open_nodes.pop()
                if anchor:
                    sizes[anchor] = size
            if size is not None and open_nodes:
                open_nodes[-1][1] += size
    except yaml.YAMLError:
        return  # malformed: parse_yaml reports it with its line


def _locate(node: yaml.Node, value: Any, first_line: int, shown: str, problems: list[Problem]) -> Located:
    line = first_line + node.start_mark.line
    if isinstance(node, yaml.MappingNode) and isinstance(value, dict):
        key_lines: dict[str, int] = {}
        children: dict[str, Located] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            key_line = first_line + key_node.start_mark.line
            if key in key_lines:
                problems.append(
                    Problem(
                        shown,
                        key_line,
                        f"key '{key}' is given twice; the last one wins",
                        f"first given on line {key_lines[key]}",
                        Severity.WARNING,
                    )
                )
            key_lines[key] = key_line
            if key in value and isinstance(value_node, (yaml.MappingNode, yaml.SequenceNode)):
                children[key] = _locate(value_node, value[key], first_line, shown, problems)
        return Located(value, line, key_lines, children=children)
    if isinstance(node, yaml.SequenceNode) and isinstance(value, list):
        items = tuple(_locate(n, v, first_line, shown, problems) for n, v in zip(node.value, value))
        return Located(value, line, items=items)
    return Located(value, line)
