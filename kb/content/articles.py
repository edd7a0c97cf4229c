"""Loading articles and common questions into the model, collecting every problem on the way."""

from __future__ import annotations

import html
import os
import re
import tomllib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from kb.content.mkdocs_nav import nav_titles
from kb.content.schema import ARTICLE_FIELDS, Field, Vocabulary, check_value
from kb.content.text import detect_lang
from kb.content.textfile import looks_like_gbk, read_text
from kb.content.yamltext import Located, parse_yaml
from kb.model import LANGUAGES, Article, Question
from kb.problems import KbError, Problem, Severity, did_you_mean

_FENCE = re.compile(r"^(---|\.\.\.)\s*$")
_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_HTML = re.compile(r"<[A-Za-z/!?]|&(#[0-9]+|#x[0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]*);")  # a tag, a comment or an entity
_CODE_FENCE = re.compile(r"^\s*(```|~~~)")


@dataclass
class Content:
    articles: list[Article] = field(default_factory=list)  # published: what the site, coverage and search hold
    questions: list[Question] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    drafts: list[Article] = field(default_factory=list)  # `draft: true`: checked and previewed, never published


# The placeholder text `kb new` writes: a warning (failing `kb check --strict` and the build) until replaced.
PLACEHOLDERS = {
    "en": ("Answer the question in one or two sentences first.", "1. First step.", "2. Second step."),
    "zh": ("先用一两句话直接回答问题。", "1. 第一步。", "2. 第二步。"),
}
_PLACEHOLDER_LINES = {line for lines in PLACEHOLDERS.values() for line in lines}


@dataclass(frozen=True)
class ArticleRules:
    """How strict loading is: our own help center requires front matter; someone else's folder may have none."""

    vocabulary: Vocabulary = Vocabulary()
    default_lang: str = "en"
    require_front_matter: bool = True


def split_front_matter(text: str, shown: str) -> tuple[Located | None, str, int, list[Problem]]:
    """Split `---` front matter from the body. Returns (front matter, body, body's first line, problems)."""
    lines = text.splitlines(keepends=True)
    if not lines or not _FENCE.match(lines[0]) or lines[0].startswith("..."):
        return None, text, 1, []
    for index in range(1, len(lines)):
        if _FENCE.match(lines[index]):
            located, problems = parse_yaml("".join(lines[1:index]), shown, first_line=2)
            return located, "".join(lines[index + 1 :]), index + 2, problems
    raise KbError(Problem(shown, 1, "front matter is not closed", "add a line with '---' after the front matter"))


def headings_of(body: str) -> tuple[str, ...]:
    found, in_code = [], False
    for line in body.splitlines():
        if _CODE_FENCE.match(line):
            in_code = not in_code
        elif not in_code and (match := _HEADING.match(line)):
            found.append(match.group(2))
    return tuple(found)


def _title_from_body(body: str) -> str:
    for line in body.splitlines():
        match = _HEADING.match(line)
        if match and len(match.group(1)) == 1:
            return match.group(2)
    return ""


def parse_article(text: str, relpath: str, shown: str, rules: ArticleRules) -> tuple[Article | None, list[Problem]]:
    """The article and every problem found in it; None when one of them is an error."""
    article, problems = parse_article_any(text, relpath, shown, rules)
    return (None if any(p.is_error for p in problems) else article), problems


def parse_article_any(text: str, relpath: str, shown: str, rules: ArticleRules) -> tuple[Article | None, list[Problem]]:
    """The article as far as it can be read, even with errors (so the checks that follow still see its `covers:`
    and its body), and every problem found in it. None only when there is no front matter mapping to read."""
    located, body, body_line, problems = split_front_matter(text, shown)
    if located is None:
        if rules.require_front_matter:
            return None, [
                Problem(shown, 1, "article has no front matter", "start the file with '---', 'title: ...', '---'")
            ]
        located = Located({}, 1)
    meta = located.value if located.value is not None else {}
    if not isinstance(meta, dict):
        return None, problems + [
            Problem(shown, 2, "front matter must be a mapping of keys to values", "e.g. title: Reset your password")
        ]
    values = check_fields(
        meta, located, ARTICLE_FIELDS, rules.vocabulary, shown, problems, enforce_required=rules.require_front_matter
    )
    title = values.get("title")
    if title is None and not rules.require_front_matter:
        title = _title_from_body(body) or Path(relpath).stem.replace("-", " ").replace("_", " ").capitalize()
    if "title" in located.key_lines and isinstance(title, str) and _HTML.search(title):
        problems.append(
            Problem(
                shown,
                located.line_of("title"),
                "the title contains HTML; readers see it as text, tags and all",
                "write the title as plain words",
                Severity.WARNING,
            )
        )
    problems.extend(_placeholders(body, body_line, shown))
    stem = relpath[:-3] if relpath.endswith(".md") else relpath
    article = Article(
        id=values.get("id") or stem,
        path=relpath,
        title=title or "",
        lang=values.get("lang") or rules.default_lang,
        body=body,
        summary=values.get("summary", ""),
        category=values.get("category", ""),
        section=values.get("section", ""),
        covers=values.get("covers", ()),
        tags=values.get("tags", ()),
        reviewed=values.get("reviewed"),
        owner=values.get("owner", ""),
        headings=headings_of(body),
        translation_of=values.get("translation_of", ""),
        line_of={**located.key_lines, "body": body_line},
        draft=values.get("draft", False),
    )
    return article, problems


def _placeholders(body: str, body_line: int, shown: str) -> list[Problem]:
    found = []
    for offset, line in enumerate(body.splitlines()):
        if line.strip() in _PLACEHOLDER_LINES:
            found.append(
                Problem(
                    shown,
                    body_line + offset,
                    f"placeholder text from kb new: {line.strip()!r}",
                    "replace it with the article's own text",
                    Severity.WARNING,
                )
            )
    return found


def check_fields(
    meta: dict,
    located: Located,
    fields: tuple[Field, ...],
    vocabulary: Vocabulary,
    shown: str,
    problems: list[Problem],
    enforce_required: bool = True,
) -> dict:
    by_name = {f.name: f for f in fields}
    values = {}
    for key in meta:
        if key not in by_name:
            problems.append(
                Problem(
                    shown,
                    located.line_of(str(key)),
                    f"unknown key '{key}'",
                    did_you_mean(str(key), by_name),
                    Severity.WARNING,
                )
            )
    for f in fields:
        if f.name not in meta or meta[f.name] is None:
            if f.required and enforce_required:
                problems.append(
                    Problem(shown, located.line, f"missing required key '{f.name}'", f"add '{f.name}: {f.example}'")
                )
            continue
        value, message, hint = check_value(f, meta[f.name], vocabulary)
        if message:
            problems.append(Problem(shown, located.line_of(f.name), message, hint))
        else:
            values[f.name] = value
    return values


def is_landing_page(relpath: str) -> bool:
    """`index.md` files are landing pages (home, language homes), not articles."""
    return relpath == "index.md" or relpath.endswith("/index.md")


def landing_files(folder: Path) -> set[str]:
    """The folder's landing pages (`index.md`, among `markdown_files`), as paths relative to it."""
    found = set()
    for where, folders, files in os.walk(folder):
        folders[:] = [name for name in folders if not name.startswith((".", "_"))]
        if "index.md" in files:
            found.add(Path(where, "index.md").relative_to(folder).as_posix())
    return found


def markdown_files(folder: Path) -> list[Path]:
    """The folder's Markdown files, in order of their path's parts; none under a folder, or named, starting with
    '.' or '_'."""
    return [folder / relpath for relpath, _ in _markdown_entries(folder)]


def _markdown_entries(folder: Path, listed: Iterable[str] | None = None) -> list[tuple[str, str]]:
    """`markdown_files` as (path relative to the folder, full path) strings: 10,000 articles are read again on
    every preview rebuild, where making and comparing Path objects cost more than reading what changed. `listed`:
    every file under the folder (full paths, as `os.walk` joins them), when they have just been listed."""
    root = str(folder)
    if listed is not None:
        kept = []
        start, dot, underscore = len(os.path.join(root, "")), os.sep + ".", os.sep + "_"
        for path in listed:
            relpath = path[start:]
            if relpath.endswith(".md") and not relpath.startswith((".", "_")):
                if dot not in relpath and underscore not in relpath:
                    kept.append((relpath.split(os.sep), path))
        kept.sort()
        return [("/".join(parts), path) for parts, path in kept]
    found = []
    for where, folders, files in os.walk(root):
        folders[:] = [name for name in folders if not name.startswith((".", "_"))]
        parts = tuple(os.path.relpath(where, root).split(os.sep)) if where != root else ()
        found += [(*parts, name) for name in files if name.endswith(".md") and not name.startswith((".", "_"))]
    return [("/".join(parts), os.path.join(root, *parts)) for parts in sorted(found)]


def load_articles(
    folder: Path,
    rules: ArticleRules,
    shown_root: str | None = None,
    broken: list[Article] | None = None,
    parsed: dict | None = None,
    found: dict | None = None,
    files: set[str] | None = None,
) -> tuple[list[Article], list[Problem]]:
    """The folder's articles (drafts included) and every problem. Articles with errors are left out, or, when
    `broken` is given, put there as far as they could be read, so later checks report their other problems too.
    `parsed` keeps each file as read last time (the live preview's rebuilds): a file read again only once its
    modification time, change time, size or inode differ. `found`: every file under the folder with its status
    (full path -> `os.stat_result`), when the caller has just listed them (the preview does, to tell whether
    anything changed), so the folder is not listed again. `files`, when given, gets the path (relative to the
    folder) of every Markdown file that is a page, landing pages and articles with errors included."""
    if not folder.is_dir():
        raise KbError(
            Problem(
                shown_root or str(folder),
                0,
                "articles folder not found",
                "check the 'articles' setting in kb.yml or --articles",
            )
        )
    articles: list[Article] = []
    problems: list[Problem] = []
    seen: dict[str, Article] = {}
    seen_files: set[str] = set()
    for relpath, full in _markdown_entries(folder, found):
        if files is not None:
            files.add(relpath)
        if is_landing_page(relpath):
            continue
        shown = f"{shown_root}/{relpath}" if shown_root else full
        seen_files.add(full)
        try:
            article, own = _read_article(full, relpath, shown, rules, parsed, found.get(full) if found else None)
        except KbError as exc:
            problems.extend(exc.problems)
            continue
        problems.extend(own)
        if article is None:
            continue
        if any(p.is_error for p in own):
            if broken is not None:
                broken.append(article)
            continue
        if article.id in seen:
            first = seen[article.id]
            first_shown = f"{shown_root}/{first.path}" if shown_root else str(folder / first.path)
            for here, there, other in ((shown, article, first), (first_shown, first, article)):
                problems.append(
                    Problem(
                        here,
                        there.line_of.get("id", 1),
                        f"duplicate article id '{article.id}'",
                        f"also used by {other.path}"
                        + ("" if "id" in other.line_of else " (its path)")
                        + "; give one of them another 'id'",
                    )
                )
            continue
        seen[article.id] = article
        articles.append(article)
    if parsed is not None:
        for gone in parsed.keys() - seen_files:
            del parsed[gone]
    return articles, problems


def _read_article(
    full: str, relpath: str, shown: str, rules: ArticleRules, parsed: dict | None, stat: os.stat_result | None = None
) -> tuple[Article | None, list[Problem]]:
    if parsed is None:
        return parse_article_any(read_text(Path(full), shown), relpath, shown, rules)
    try:
        stat = stat or os.stat(full)
    except OSError:
        parsed.pop(full, None)
        return parse_article_any(read_text(Path(full), shown), relpath, shown, rules)
    stamp = (stat.st_mtime_ns, stat.st_ctime_ns, stat.st_size, stat.st_ino, relpath, shown, rules)
    kept = parsed.get(full)
    if kept is not None and kept[0] == stamp:
        article, problems = kept[1]
        return article, list(problems)
    result = parse_article_any(read_text(Path(full), shown), relpath, shown, rules)
    parsed[full] = (stamp, result)
    return result[0], list(result[1])


# Front matter that keeps an article off the published site: an audit skips these as a build would.
UNPUBLISHED = (("draft", True), ("published", False), ("hidden", True))
_HTML_TAG = re.compile(r"<[^>]{1,500}>")
_ANCHOR = re.compile(r"\s*\{#[^}]*\}")
_CALLOUT = re.compile(r"^(\s*>\s*)\[!\w+\]\s*", re.MULTILINE)  # GitHub and Zendesk callouts: > [!NOTE]
# Admonition and container markers: MkDocs' `!!! note "Title"` and `??? tip`, Docusaurus' and VuePress'
# `::: tip Title` and `:::tip[Title]` (nested ones with more colons, `:::tabs#name`) and VuePress' `@tab Linux`.
# Their titles are text.
_ADMONITION = re.compile(
    r'^(\s*)(?:(?:!!!|\?\?\?\+?)[ \t]*[\w-]*(?:[ \t]+"([^"\n]*)")?'
    r'|:{3,}[ \t]*[\w-]*(?:#[\w-]+)?(?:\[([^\]\n]*)\]|[ \t]+"?([^"\n]*?)"?)?'
    r"|@tab(?::active)?[ \t]+([^\n]*?))\s*$",
    re.MULTILINE,
)


_HTML_HIDDEN = re.compile(r"<!--.*?-->|<(script|style|template)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_HTML_HEADING = re.compile(r"<h([1-6])\b[^>]*>(.*?)</h\1\s*>", re.IGNORECASE | re.DOTALL)
_HTML_BREAK = re.compile(r"<br\s*/?>|</(?:p|li|div|tr|dd|dt|blockquote|pre|table|ul|ol)\s*>", re.IGNORECASE)


def plain_markup(text: str) -> str:
    """Markdown as a reader sees its words: HTML tags, callout markers, heading ids and admonition markers go,
    their text stays. Help centers exported as HTML (Zendesk, Freshdesk) keep their structure: an `<h2>` is a
    heading, a paragraph or list item ends a line, entities are the characters they stand for, and scripts,
    styles and comments are not text."""
    text = _without_templates(text)
    text = _CALLOUT.sub(r"\1", text)
    text = _ADMONITION.sub(lambda m: m.group(1) + "".join(title or "" for title in m.groups()[1:]), text)
    text = _ANCHOR.sub("", text)
    if "<" not in text and "&" not in text:
        return text
    text = _HTML_HIDDEN.sub(" ", text)
    text = _HTML_HEADING.sub(
        lambda m: "\n" + "#" * int(m.group(1)) + " " + " ".join(_HTML_TAG.sub(" ", m.group(2)).split()) + "\n", text
    )
    text = _HTML_BREAK.sub("\n", text)
    return html.unescape(_HTML_TAG.sub(" ", text))


# Static-site template code is not text: Jekyll's Liquid ({% callout info %}, {{ site.baseurl }}, comments
# dropped whole) and Hugo's shortcodes ({{< note >}}, {{% alert %}}, comments {{/* */}}). The words a shortcode
# wraps stay; code blocks are left as written.
_TEMPLATE_COMMENT = re.compile(
    r"\{%-?\s*comment\s*-?%\}.*?\{%-?\s*endcomment\s*-?%\}|\{\{<?\s*/\*.*?\*/\s*>?\}\}", re.DOTALL
)
_TEMPLATE_TAG = re.compile(r"\{%.{0,500}?%\}|\{\{[<%].{0,500}?[>%]\}\}|\{\{.{0,200}?\}\}", re.DOTALL)


def _without_templates(text: str) -> str:
    if "{%" not in text and "{{" not in text:
        return text
    pieces = re.split(r"(^(?:```|~~~)[^\n]*\n.*?^(?:```|~~~)[ \t]*$)", text, flags=re.MULTILINE | re.DOTALL)
    for n in range(0, len(pieces), 2):  # the even pieces are outside fenced code
        pieces[n] = _TEMPLATE_TAG.sub(" ", _TEMPLATE_COMMENT.sub(" ", pieces[n]))
    return "".join(pieces)


def _as_text(value: object) -> str:
    if isinstance(value, (list, tuple)):
        return " ".join(_as_text(v) for v in value)
    return "" if value is None or isinstance(value, dict) else str(value)


def _decode_any(data: bytes) -> str | None:
    """UTF-8 (with or without a byte-order mark), UTF-16 with a byte-order mark, or GB18030 when it reads as
    Chinese; None when the encoding cannot be told."""
    try:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            return data.decode("utf-16")
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return (
            None if data.startswith((b"\xff\xfe", b"\xfe\xff")) or not looks_like_gbk(data) else data.decode("gb18030")
        )


@dataclass(frozen=True)
class FolderAudit:
    """What reading a folder as it is found: the articles, and each file skipped with the reason."""

    articles: list[Article]
    skipped: list[tuple[str, str]]  # (path relative to the folder, reason)
    titles_from: str = ""  # the MkDocs configuration whose nav titled the pages, if one did

    @property
    def translated(self) -> bool:
        """Whether the folder holds translations: pages in language folders or with language suffixes, and pages in
        more than one language."""
        return any(path_lang(a.path) for a in self.articles) and len({a.lang for a in self.articles}) > 1

    @property
    def summary(self) -> str:
        reasons: dict[str, int] = {}
        for _, reason in self.skipped:
            reasons[reason] = reasons.get(reason, 0) + 1
        why = "; ".join(f"{n} {reason}" for reason, n in sorted(reasons.items()))
        return (
            f"{len(self.articles) + len(self.skipped)} Markdown files: {len(self.articles)} read, {len(self.skipped)} skipped"
            + (f" ({why})" if why else "")
            + (f"; page titles from the nav of {self.titles_from}" if self.titles_from else "")
        )


AUDITED_SUFFIXES = (".md", ".markdown", ".mdx")
# A folder's own page: MkDocs' and Docusaurus' index.md, Hugo's _index.md, GitBook's and GitHub's README.md.
INDEX_NAMES = frozenset({"index", "_index", "readme"})
LANDING_PROSE_WORDS = 40  # an index page with fewer words of its own than this only lists other pages


def read_any_folder(folder: Path) -> FolderAudit:
    """Any folder of Markdown as it is: front matter is read, never judged. The path is the identity (ids in
    front matter may be numbers or anything else); lists and numbers where kb expects text are read as text;
    the title comes from the nav of the MkDocs site whose docs folder this is (as MkDocs titles its pages), else
    the front matter, else the first heading, else the file name; drafts and unpublished pages are skipped and
    counted; a file whose encoding cannot be told is skipped and named.

    MDX pages are read as Markdown: their `import`/`export` lines go, and a partial they import (`import Steps
    from './_steps.md'` ... `<Steps />`) is read in place, as the published page shows it. Partials and files in
    hidden or `_` folders are not articles of their own; they are counted as skipped. The home page (the top
    `index.md`, Hugo's `_index.md`, GitBook's `README.md`, a Docusaurus page with `slug: /`) introduces the
    product and is skipped; a section's index page is a page like any other when it has words of its own, and a
    landing page (skipped) when it only lists other pages, as is GitBook's table of contents (`SUMMARY.md`).
    Hugo's TOML front matter (`+++`) is read like YAML; Jekyll's Liquid tags and Hugo's shortcodes are template
    code, not text. Each page's language: `lang:` (or `language:`, `locale:`), else its path, else its words
    (`_with_languages`)."""
    if not folder.is_dir():
        raise KbError(Problem(str(folder), 0, "articles folder not found", "check --articles"))
    nav = nav_titles(folder)
    texts: dict[str, str] = {}
    skipped: list[tuple[str, str]] = []
    for path in sorted(folder.rglob("*")):
        relpath = path.relative_to(folder).as_posix()
        if path.suffix.lower() not in AUDITED_SUFFIXES or not path.is_file():
            continue
        try:
            text = _decode_any(path.read_bytes())
        except OSError as exc:
            skipped.append((relpath, f"cannot be read ({exc.strerror})"))
            continue
        if text is None:
            skipped.append((relpath, "not UTF-8, UTF-16 or GB18030 text"))
            continue
        texts[relpath] = text
    included: dict[str, int] = {}
    articles: list[Article] = []
    for relpath, text in texts.items():
        parts = relpath.split("/")
        if any(part.startswith((".", "_")) for part in parts[:-1]):
            skipped.append((relpath, "in a hidden or partials folder"))
            continue
        index_page = _is_index_page(parts[-1])
        if parts[-1].startswith((".", "_")) and not index_page:
            continue  # a partial: counted below, once every page had the chance to include it
        text = _with_partials(text, relpath, texts, included)
        article, reason = _read_any_article(text, relpath, nav.title(relpath))
        if article is None:
            pass
        elif index_page and len(parts) == 1:
            article, reason = None, f"home page ({parts[-1]})"
        elif index_page and not _has_prose(article.body):
            article, reason = None, f"landing page ({parts[-1]} that only lists pages)"
        elif parts[-1] == "SUMMARY.md" and not _has_prose(article.body):
            article, reason = None, f"table of contents ({parts[-1]})"
        if article is None:
            skipped.append((relpath, reason))
        else:
            articles.append(article)
    for relpath in texts:
        parts = relpath.split("/")
        if _is_index_page(parts[-1]):
            continue
        if parts[-1].startswith((".", "_")) and not any(part.startswith((".", "_")) for part in parts[:-1]):
            skipped.append(
                (
                    relpath,
                    "partial, read inside the pages that include it"
                    if relpath in included
                    else "partial, included by no page",
                )
            )
    skipped.sort()
    return FolderAudit(_with_languages(articles), skipped, _shown(nav.config, folder) if nav.config else "")


def _with_languages(articles: list[Article]) -> list[Article]:
    """Each page with its language. In a folder with pages in language folders (`zh/`) or with language suffixes
    (`.zh.md`), the pages in none are in the site's default language, the one most of them are written in (a
    Chinese page listing a long configuration file reads as English on its own); elsewhere each page that does not
    say is in the language of its words."""
    told = {a.path: detect_lang(a.title + "\n" + a.body[:4000]) for a in articles if not a.lang}
    marked = any(path_lang(a.path) for a in articles)
    if marked and told:
        default = Counter(told.values()).most_common(1)[0][0]
        told = dict.fromkeys(told, default)
    return [a if a.lang else replace(a, lang=told[a.path]) for a in articles]


_ESM_IMPORT = re.compile(r"""^import\s+(\w+)\s+from\s+['"]([^'"]+)['"];?\s*$""")
_ESM_LINE = re.compile(r"^(?:import|export)\s+\S")
_LINK_TEXT = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")


def _with_partials(
    text: str, relpath: str, texts: dict[str, str], included: dict[str, int], chain: tuple[str, ...] = ()
) -> str:
    """The page as published: MDX `import`/`export` lines dropped (in a `.md` file, only `import X from '...'`
    lines), and each imported Markdown partial's text put where its component is used (nested partials too, three
    deep; a partial already being expanded, the page itself included, is not expanded again)."""
    if "import " not in text and "export " not in text:
        return text
    here = relpath.rsplit("/", 1)[0] if "/" in relpath else ""
    mdx = relpath.lower().endswith(".mdx")  # in plain Markdown only a partial's import is taken as code
    components: dict[str, str] = {}
    kept, fenced = [], False
    for line in text.splitlines():
        if _CODE_FENCE.match(line):
            fenced = not fenced
        if not fenced and (match := _ESM_IMPORT.match(line)):
            target = _join(here, match.group(2).replace("\\_", "_"))
            if target in texts and target != relpath and target not in chain and len(chain) < 3:
                included[target] = included.get(target, 0) + 1
                _, body, _, _ = _split_quietly(texts[target], target)
                components[match.group(1)] = _with_partials(body, target, texts, included, (*chain, relpath))
            continue
        if mdx and not fenced and _ESM_LINE.match(line):
            continue
        kept.append(line)
    page = "\n".join(kept)
    for name, body in components.items():
        page = re.sub(rf"<{name}\s*(?:/>|>\s*</{name}>)", lambda _, body=body: body, page)
    return page


def _join(folder: str, target: str) -> str:
    parts = [] if target.startswith("/") else [p for p in folder.split("/") if p]
    for part in target.split("/"):
        if part == "..":
            if parts:
                parts.pop()
        elif part not in ("", "."):
            parts.append(part)
    return "/".join(parts)


def _split_quietly(text: str, relpath: str) -> tuple[Located | None, str, int, list[Problem]]:
    if _TOML_FENCE.match(text):
        return _split_toml(text)
    try:
        return split_front_matter(text, relpath)
    except KbError:  # front matter never closed: the whole file is the body
        return None, text, 1, []


_TOML_FENCE = re.compile(r"\+\+\+[ \t]*\r?$", re.MULTILINE)


def _split_toml(text: str) -> tuple[Located | None, str, int, list[Problem]]:
    """Hugo's TOML front matter, between `+++` lines: read when it parses; never taken as the page's text."""
    lines = text.splitlines(keepends=True)
    for index in range(1, len(lines)):
        if _TOML_FENCE.fullmatch(lines[index].rstrip("\n")):
            try:
                meta = tomllib.loads("".join(lines[1:index]))
            except tomllib.TOMLDecodeError:
                meta = {}
            return Located(meta, 2), "".join(lines[index + 1 :]), index + 2, []
    return None, text, 1, []


def _is_index_page(name: str) -> bool:
    """Whether a file name is a folder's own page (INDEX_NAMES, any case and Markdown suffix)."""
    return name.rsplit(".", 1)[0].lower() in INDEX_NAMES


def _has_prose(body: str) -> bool:
    """True when the page says something itself: words outside headings, links and list items that are links."""
    words = 0
    for line in body.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if re.match(r"^(?:[-*+]|\d+\.)\s+", line) and _LINK_TEXT.search(line):
            continue
        words += len(re.findall(r"[\u3400-\u9fff]|[^\W\u3400-\u9fff]+", _LINK_TEXT.sub(" ", line)))
    return words >= LANDING_PROSE_WORDS


def _shown(config: Path, folder: Path) -> str:
    try:
        return config.relative_to(folder.resolve().parent).as_posix()
    except ValueError:
        return str(config)


# A language a path names: a folder (`zh/`, `zh-CN/`, Docusaurus' `i18n/zh-Hans/`, Hugo's `content/en/`, and the
# `cn/` many Chinese sites use) or a file-name suffix (`page.zh.md`, as mkdocs-static-i18n and Hugo name them).
_LANG_CODE = re.compile(r"([a-z]{2})(?:[-_][a-z]{2,4})?")
_LANG_ALIASES = {"cn": "zh"}


def path_lang(relpath: str) -> str | None:
    """The language a page's path names, if it names one kb knows."""
    *folders, name = relpath.lower().split("/")
    stem = name.rsplit(".", 1)[0]
    suffix = stem.rsplit(".", 1)[1] if "." in stem else ""
    for part in (suffix, *reversed(folders)):
        found = _LANG_CODE.fullmatch(part)
        lang = _LANG_ALIASES.get(found.group(1), found.group(1)) if found else None
        if lang in LANGUAGES:
            return lang
    return None


def _read_any_article(text: str, relpath: str, nav_title: str = "") -> tuple[Article | None, str]:
    meta: dict = {}
    located, body, _, _ = _split_quietly(text, relpath)
    if located is not None and isinstance(located.value, dict):
        meta = located.value
    for key, value in UNPUBLISHED:
        if meta.get(key) is value or str(meta.get(key)).lower() == str(value).lower():
            return None, f"{key}: {str(value).lower()}"
    if _as_text(meta.get("slug")).strip() == "/":  # Docusaurus' docs home, whatever the file is called
        return None, "home page (slug: /)"
    body = plain_markup(body)
    title = (
        nav_title
        or " ".join(_as_text(meta.get("title")).split())
        or _title_from_body(body)
        or next(iter(headings_of(body)), "")
    )
    title = title or Path(relpath).stem.replace("-", " ").replace("_", " ").capitalize()
    lang = _as_text(meta.get("lang") or meta.get("language") or meta.get("locale")).lower()[:2]
    lang = lang if lang in LANGUAGES else path_lang(relpath) or ""  # "": told by its words, in read_any_folder
    tags = meta.get("tags") or ()
    tags = tuple(_as_text(t) for t in tags) if isinstance(tags, (list, tuple)) else (_as_text(tags),)
    stem = relpath.rsplit(".", 1)[0]
    article = Article(
        id=stem,
        path=relpath,
        title=title,
        lang=lang,
        body=body,
        summary=_as_text(meta.get("summary") or meta.get("description")),
        tags=tags,
        headings=headings_of(body),
    )
    return article, ""
