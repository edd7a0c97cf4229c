"""The HTML kb writes into pages (the coverage report, related articles, category listings), as Jinja2 templates.

Autoescaped: every value from articles, questions or readers is escaped by the template engine, not by hand,
and written without control characters.
A site overrides one the way it overrides Material's partials: a file of the same name under `kb/` in its
theme's `custom_dir` (e.g. `overrides/kb/coverage-report.html`) is used instead of the one shipped here.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import jinja2
import markupsafe

from kb.problems import without_controls

SHIPPED = Path(__file__).resolve().parent


def percent(value: float | None, scale: float = 1.0) -> str:
    """`0.853` -> `85.3%` with scale 100; n/a when there is nothing to measure."""
    return "n/a" if value is None else f"{value * scale:.1f}%"


def _shown(value: object) -> object:
    """Every value a template writes, without control characters (questions and comments come from outside)."""
    if isinstance(value, markupsafe.Markup):
        return markupsafe.Markup(without_controls(str(value)))
    return without_controls(value) if isinstance(value, str) else value


@lru_cache(maxsize=8)
def _environment(overrides: tuple[str, ...]) -> jinja2.Environment:
    loader = jinja2.FileSystemLoader([*overrides, str(SHIPPED)])
    env = jinja2.Environment(
        loader=loader,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        finalize=_shown,
    )
    env.filters["percent"] = percent
    return env


def render(name: str, overrides: Sequence[Path | str] = (), **context: object) -> str:
    """Render `kb/<name>`, from the first of `overrides` (theme folders) that has it, else the shipped one."""
    folders = tuple(str(Path(folder)) for folder in overrides if folder and Path(folder).is_dir())
    return _environment(folders).get_template(f"kb/{name}").render(**context)
