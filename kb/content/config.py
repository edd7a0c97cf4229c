"""The site's own settings (`kb.yml`), read without MkDocs so the CLI and the plugins agree."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from kb.content.schema import ID_PATTERN, Vocabulary
from kb.content.textfile import read_text
from kb.content.yamltext import Located, parse_yaml
from kb.model import LANGUAGES, Category, Section
from kb.problems import KbError, Problem, did_you_mean

CONFIG_NAME = "kb.yml"
GATE_ON = ("tagged", "answered")
_SEARCH_KEYS = {"contact_url", "engine"}
# The site's search engine: Material's own (the whole index in the browser), Pagefind (an index in chunks), or
# auto: Pagefind from PAGEFIND_FROM articles when it is installed, else Material's (kb.site.session).
SEARCH_ENGINES = ("auto", "material", "pagefind")
_KEYS = {
    "articles",
    "questions",
    "default_lang",
    "categories",
    "coverage",
    "feedback",
    "synonyms",
    "site_name",
    "site_description",
    "search",
}


@dataclass(frozen=True)
class SiteConfig:
    root: Path
    articles_dir: Path
    questions_path: Path
    default_lang: str = "en"
    categories: tuple[Category, ...] = ()
    stale_after_days: int = 180
    fail_under: float = 80.0
    gate_on: str = "tagged"
    # Sentence embeddings fused into the ranking of suggestions: a fastembed model name or a local ONNX folder;
    # None: lexical ranking only.
    embedding_model: str | None = None
    feedback_db: Path | None = None  # the endpoint's SQLite file: the coverage report shows its votes
    synonyms: tuple[tuple[str, ...], ...] = ()  # the help center's own words for the same thing, for matching
    # Per language: the site's name and its <meta name="description"> on that language's pages (else mkdocs.yml's).
    site_names: dict[str, str] = field(default_factory=dict, hash=False)
    site_descriptions: dict[str, str] = field(default_factory=dict, hash=False)
    # Per language: where a search that found nothing sends the reader ("Contact support"); a page of the site
    # (relative to its root) or an absolute address. None: no link.
    contact_urls: dict[str, str] = field(default_factory=dict, hash=False)
    # The site search: Material's (Lunr, the whole index downloaded first) or Pagefind's (an index in fragments).
    search_engine: str = "auto"

    @property
    def vocabulary(self) -> Vocabulary:
        return Vocabulary(frozenset(c.id for c in self.categories), frozenset(LANGUAGES))

    @property
    def cache_dir(self) -> Path:
        """Where builds keep what they can reuse (the article index, related articles, embeddings)."""
        return self.root / ".kb-cache"

    @property
    def index_dir(self) -> Path:
        return self.cache_dir / "index"

    def category(self, category_id: str) -> Category | None:
        return self._categories.get(category_id)

    @cached_property
    def _categories(self) -> dict[str, Category]:
        found: dict[str, Category] = {}
        for category in self.categories:
            found.setdefault(category.id, category)  # the first of a repeated id, as before
        return found

    def relative(self, path: Path) -> str:
        """A path as the user sees it: relative to the current folder when possible."""
        try:
            return str(path.resolve().relative_to(Path.cwd().resolve()))
        except ValueError:
            return str(path)


def find_config(start: Path | None = None) -> Path:
    """The nearest kb.yml in `start` or a parent folder."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
    raise KbError(
        Problem(
            CONFIG_NAME,
            0,
            f"no {CONFIG_NAME} found in {here} or its parents",
            "run kb from the help center's folder or pass --config",
        )
    )


def load_config(path: Path | None = None) -> SiteConfig:
    path = path or find_config()
    shown = str(path)
    located, problems = parse_yaml(read_text(path, shown), shown)
    data = located.value
    if not isinstance(data, dict):
        raise KbError(Problem(shown, 1, "expected a mapping of settings", "see the README's kb.yml section"))
    for key in data:
        if key not in _KEYS:
            name = str(key)
            problems.append(
                Problem(shown, located.line_of(name), f"unknown setting '{name}'", did_you_mean(name, _KEYS))
            )
    default_lang = data.get("default_lang", "en")
    if default_lang not in LANGUAGES:
        problems.append(
            Problem(
                shown,
                located.line_of("default_lang"),
                f"unknown language {default_lang!r}",
                did_you_mean(str(default_lang), LANGUAGES),
            )
        )
    categories = _categories(data.get("categories"), located, shown, problems)
    coverage = data.get("coverage") or {}
    if not isinstance(coverage, dict):
        problems.append(
            Problem(
                shown, located.line_of("coverage"), "'coverage' must be a mapping", "e.g. coverage: {fail_under: 80}"
            )
        )
        coverage = {}
    stale_after_days = _number(coverage, "stale_after_days", 180, int, located, shown, problems)
    fail_under = _number(coverage, "fail_under", 80, float, located, shown, problems)
    gate_on = coverage.get("gate_on", "tagged")
    if gate_on not in GATE_ON:
        line = located.children.get("coverage", located).line_of("gate_on")
        problems.append(
            Problem(
                shown,
                line,
                f"coverage.gate_on must be answered or tagged, got {gate_on!r}",
                did_you_mean(str(gate_on), GATE_ON),
            )
        )
    embedding_model = coverage.get("embedding_model")
    if embedding_model is not None and not (isinstance(embedding_model, str) and embedding_model.strip()):
        line = located.children.get("coverage", located).line_of("embedding_model")
        problems.append(
            Problem(
                shown,
                line,
                "coverage.embedding_model must be a model name or a folder",
                "e.g. embedding_model: intfloat/multilingual-e5-small",
            )
        )
        embedding_model = None
    feedback = data.get("feedback") or {}
    if not isinstance(feedback, dict) or not isinstance(feedback.get("db", ""), str):
        problems.append(
            Problem(
                shown,
                located.line_of("feedback"),
                "'feedback' must be a mapping with a 'db' path",
                "e.g. feedback: {db: feedback.sqlite3}",
            )
        )
        feedback = {}
    synonyms = data.get("synonyms") or []
    if not isinstance(synonyms, list) or not all(
        isinstance(g, list) and len(g) >= 2 and all(isinstance(w, str) and w.strip() for w in g) for g in synonyms
    ):
        problems.append(
            Problem(
                shown,
                located.line_of("synonyms"),
                "'synonyms' must be a list of groups of two or more words",
                "e.g. synonyms: [[refund, money back]]",
            )
        )
        synonyms = []
    site_names = _per_language(data, "site_name", default_lang, located, shown, problems)
    site_descriptions = _per_language(data, "site_description", default_lang, located, shown, problems)
    search = data.get("search") or {}
    if not isinstance(search, dict) or any(key not in _SEARCH_KEYS for key in search):
        problems.append(
            Problem(
                shown,
                located.line_of("search"),
                f"'search' must be a mapping of {', '.join(sorted(_SEARCH_KEYS))}",
                "e.g. search: {contact_url: contact/}",
            )
        )
        search = {}
    contact_urls = _per_language(
        search, "contact_url", default_lang, located.children.get("search", located), shown, problems
    )
    search_engine = search.get("engine", "auto")
    if search_engine not in SEARCH_ENGINES:
        problems.append(
            Problem(
                shown,
                located.children.get("search", located).line_of("engine"),
                f"search.engine must be one of {', '.join(SEARCH_ENGINES)}, got {search_engine!r}",
                did_you_mean(str(search_engine), SEARCH_ENGINES),
            )
        )
    if problems:
        raise KbError(problems)
    root = path.parent
    return SiteConfig(
        root=root,
        articles_dir=root / str(data.get("articles", "articles")),
        questions_path=root / str(data.get("questions", "questions.yml")),
        default_lang=default_lang,
        categories=categories,
        stale_after_days=stale_after_days,
        fail_under=fail_under,
        gate_on=gate_on,
        embedding_model=_model_spec(root, embedding_model),
        feedback_db=root / feedback["db"] if feedback.get("db") else None,
        synonyms=tuple(tuple(w.strip() for w in group) for group in synonyms),
        site_names=site_names,
        site_descriptions=site_descriptions,
        contact_urls=contact_urls,
        search_engine=search_engine,
    )


def _model_spec(root: Path, spec: str | None) -> str | None:
    """A model name as it is; a folder relative to kb.yml made absolute."""
    if spec is None:
        return None
    spec = spec.strip()
    return str(root / spec) if spec.startswith(("./", "../")) else spec


def _per_language(data: dict, key: str, default_lang: str, located, shown: str, problems: list[Problem]) -> dict:
    """A text per language: `key: {en: ..., zh: ...}`, or one text for the default language."""
    value = data.get(key)
    if value is None:
        return {}
    if isinstance(value, str) and value.strip():
        return {default_lang: value.strip()}
    if isinstance(value, dict) and all(
        lang in LANGUAGES and isinstance(text, str) and text.strip() for lang, text in value.items()
    ):
        return {lang: text.strip() for lang, text in value.items()}
    problems.append(
        Problem(
            shown,
            located.line_of(key),
            f"'{key}' must be a text per language ({', '.join(LANGUAGES)})",
            f"e.g. {key}: {{en: ..., zh: ...}}",
        )
    )
    return {}


def _number(section: dict, key: str, default: float, kind: type, located, shown: str, problems: list[Problem]):
    """A number of 0 or more from the `coverage` settings; a problem naming the line when it is anything else."""
    value = section.get(key, default)
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not math.isfinite(value)
        or value < 0
        or (kind is int and value != int(value))
    ):
        what = "a whole number" if kind is int else "a number"
        section_lines = located.children.get("coverage", located)
        problems.append(
            Problem(
                shown,
                section_lines.line_of(key),
                f"coverage.{key} must be {what} of 0 or more, got {value!r}",
                f"e.g. {key}: {default}",
            )
        )
        return kind(default)
    return kind(value)


def _categories(raw: object, located, shown: str, problems: list[Problem]) -> tuple[Category, ...]:
    line = located.line_of("categories")
    if not isinstance(raw, list) or not raw:
        problems.append(
            Problem(
                shown,
                line,
                "'categories' must be a non-empty list",
                "e.g. categories: [{id: account, title: Account and sign-in}]",
            )
        )
        return ()
    entries = _entries(located.children.get("categories"), len(raw), line)
    categories, first_line = [], {}
    for item, where in zip(raw, entries):
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            problems.append(Problem(shown, where.line_of("id"), f"each category needs an 'id', got {item!r}"))
            continue
        if item["id"] in first_line:  # the second would be a category nobody can reach: its articles go to the first
            problems.append(
                Problem(
                    shown,
                    where.line_of("id"),
                    f"category '{item['id']}' is declared twice",
                    f"first declared on line {first_line[item['id']]}; give one of them another id",
                )
            )
            continue
        first_line[item["id"]] = where.line_of("id")
        categories.append(Category(item["id"], _titles(item), _sections(item, where, shown, problems)))
    return tuple(categories)


def _entries(located: Located | None, count: int, line: int) -> list[Located]:
    """A list's `count` entries with their lines in kb.yml, so a problem with one names its line; an entry whose
    place is not known is given `line` (the list's key)."""
    items = located.items if located is not None else ()
    return [items[n] if n < len(items) else Located(None, line) for n in range(count)]


def _titles(item: dict) -> dict[str, str]:
    """A category's or section's title per language: `title` (the default), `title_zh`, ..."""
    titles = {lang: str(item[f"title_{lang}"]) for lang in LANGUAGES if f"title_{lang}" in item}
    titles.setdefault("en", str(item.get("title", item["id"])))
    return titles


def _sections(category: dict, located: Located, shown: str, problems: list[Problem]) -> tuple[Section, ...]:
    """A category's sections (`sections:` under it): each an id and its titles, as categories have. `located`:
    the category's entry in kb.yml, so each problem names the line of the section entry (or key) at fault."""
    raw = category.get("sections")
    if raw is None:
        return ()
    example = "e.g. sections: [{id: sign-in, title: Signing in, title_zh: 登录}]"
    if not isinstance(raw, list):
        problems.append(
            Problem(
                shown,
                located.line_of("sections"),
                f"category '{category['id']}': 'sections' must be a list",
                example,
            )
        )
        return ()
    entries = _entries(located.children.get("sections"), len(raw), located.line_of("sections"))
    sections, first_line = [], {}
    for item, where in zip(raw, entries):
        if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not ID_PATTERN.match(item["id"]):
            problems.append(
                Problem(
                    shown,
                    where.line_of("id"),
                    f"each section needs an 'id' of lowercase letters, got {item!r}",
                    example,
                )
            )
            continue
        if item["id"] in first_line:
            problems.append(
                Problem(
                    shown,
                    where.line_of("id"),
                    f"category '{category['id']}' declares section '{item['id']}' twice",
                    f"first declared on line {first_line[item['id']]}; give one of them another id",
                )
            )
            continue
        first_line[item["id"]] = where.line_of("id")
        sections.append(Section(item["id"], _titles(item)))
    return tuple(sections)
