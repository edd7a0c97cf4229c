"""Content problems: what is wrong, where, and how to fix it.

Every user mistake becomes a `Problem`. Loaders collect them instead of stopping at the first, so a writer sees
every mistake in one run, printed as ``path:line: message (hint)``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

# What a terminal or a page would act on rather than show: ANSI escape sequences (colours, cursor moves, window
# titles), then the other C0 and C1 control characters (BEL, ESC, CR, ...; tab and newline stay) and the
# bidirectional overrides that make text read differently from what it is.
_ESCAPE_SEQUENCE = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)?|[@-Z\\-_])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def without_controls(text: str) -> str:
    """`text` without escape sequences and control characters, for printing to a terminal or writing in a page."""
    if text.isprintable():  # the common case, checked in C
        return text
    return _CONTROL.sub("", _ESCAPE_SEQUENCE.sub("", text))


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    message: str
    hint: str = ""
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        # Messages quote the content (a category, a key, a question): printed, it must not drive the terminal.
        text = f"{self.path}:{self.line}: {self.severity.value}: {self.message}"
        return without_controls(f"{text} ({self.hint})" if self.hint else text)

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


class KbError(Exception):
    """A user mistake that stops a command: carries the problems that explain it."""

    def __init__(self, problems: Problem | Iterable[Problem]):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def did_you_mean(value: str, choices: Iterable[str]) -> str:
    """A hint naming the closest valid choice, or listing the valid ones when nothing is close."""
    choices = sorted(set(choices))
    close = difflib.get_close_matches(value, choices, n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    if not choices:
        return "none are declared"
    shown = ", ".join(choices[:8]) + (", ..." if len(choices) > 8 else "")
    return f"expected one of: {shown}"


def has_errors(problems: Iterable[Problem]) -> bool:
    return any(p.is_error for p in problems)
