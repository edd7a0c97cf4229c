"""Whole-site checks: everything `kb check` and the build plugin report, in one pass."""

from __future__ import annotations

import dataclasses

from kb.content.articles import ArticleRules, Content, is_landing_page, load_articles
from kb.content.config import SiteConfig
from kb.content.landing import landing_places, page_url
from kb.content.links import check_links
from kb.content.questions import load_questions
from kb.content.translations import check_translations
from kb.model import Article, Question
from kb.problems import KbError, Problem, Severity, did_you_mean


def article_rules(config: SiteConfig) -> ArticleRules:
    return ArticleRules(config.vocabulary, config.default_lang, require_front_matter=True)


def load_site(
    config: SiteConfig, parsed: dict | None = None, sectioned: dict | None = None, found: dict | None = None
) -> Content:
    """Load and cross-check the site's articles and questions, collecting every problem. `parsed` and `sectioned`:
    the articles as read and as given their sections last time, for the live preview (`load_articles`,
    `assign_sections`); `found`: the articles folder's files with their status, as the preview has just read them."""
    content = Content()
    shown_root = config.relative(config.articles_dir)
    broken: list[Article] = []  # articles with errors, read as far as they go: their other problems count too
    files: set[str] = set()  # every page's source file, as MkDocs will find them
    try:
        rules = article_rules(config)
        loaded, problems = load_articles(config.articles_dir, rules, shown_root, broken, parsed, found, files)
        content.problems.extend(problems)
        # Drafts too: `kb check` reports their sections' problems, and `kb serve` shows them in their sections.
        loaded, problems = assign_sections(loaded, config, shown_root, sectioned)
        content.problems.extend(problems)
        content.problems.extend(check_addresses(loaded, files, config, shown_root))
        content.articles = [a for a in loaded if not a.draft]
        content.drafts = [a for a in loaded if a.draft]
    except KbError as exc:
        content.problems.extend(exc.problems)
    drafts = {a.path for a in content.drafts}
    links = check_links(config.articles_dir, content.articles + content.drafts + broken, drafts, shown_root)
    try:
        content.questions, found = load_questions(
            config.questions_path, config.vocabulary, config.default_lang, config.relative(config.questions_path)
        )
        content.problems.extend(found)
    except KbError as exc:
        # Without the questions no `covers:` id can be checked: saying each one is unknown would bury the one
        # problem that matters under a line per article.
        content.problems.extend(exc.problems)
        content.problems.extend(links)
        return content
    content.problems.extend(check_covers(content.articles + content.drafts + broken, content.questions, shown_root))
    content.problems.extend(links)
    content.problems.extend(check_translations(content.articles + content.drafts, shown_root))
    return content


def check_covers(articles: list[Article], questions: list[Question], shown_root: str) -> list[Problem]:
    """Every id in `covers:` must name a common question."""
    known = {q.id for q in questions}
    problems = []
    for article in articles:
        for qid in article.covers:
            if qid not in known:
                problems.append(
                    Problem(
                        f"{shown_root}/{article.path}",
                        article.line_of.get("covers", 1),
                        f"unknown question id '{qid}' in covers",
                        did_you_mean(qid, known),
                        Severity.WARNING,
                    )
                )
    return problems


def assign_sections(
    articles: list[Article], config: SiteConfig, shown_root: str, kept: dict | None = None
) -> tuple[list[Article], list[Problem]]:
    """Each article's section: its `section:` (which must be one of its category's sections in kb.yml), else the
    folder it is in when that folder is named after one (`<category>/<section>/x.md`, also under a language
    folder), else none. `kept` (the live preview's, between rebuilds): each article given its section from a
    folder last time, so an unchanged article stays the same object from one rebuild to the next."""
    result, problems = [], []
    section_ids: dict[str, set[str]] = {}
    for category in config.categories:  # the first of a repeated id, as config.category() finds
        section_ids.setdefault(category.id, {s.id for s in category.sections})
    for article in articles:
        if article.section:
            category = config.category(article.category)
            if category is not None and category.section(article.section) is None:
                known = [s.id for s in category.sections]
                hint = did_you_mean(article.section, known) if known else f"declare it under '{category.id}' in kb.yml"
                problems.append(
                    Problem(
                        f"{shown_root}/{article.path}",
                        article.line_of.get("section", 1),
                        f"unknown section '{article.section}' in category '{article.category}'",
                        hint,
                    )
                )
            result.append(article)
            continue
        folder = article.path.rsplit("/", 2)[-2] if "/" in article.path else ""
        found = folder if folder in section_ids.get(article.category, ()) else ""
        if not found:
            result.append(article)
            continue
        was = kept.get(id(article)) if kept is not None else None
        if was is None or was[0] is not article or was[1] != found:
            was = (article, found, dataclasses.replace(article, section=found))
            if kept is not None:
                kept[id(article)] = was
        result.append(was[2])
    if kept is not None and len(kept) > len(articles):  # let go of edited and removed articles
        live = {id(a) for a in articles}
        for key in [key for key in kept if key not in live]:
            del kept[key]
    return result, problems


def check_addresses(articles: list[Article], files: set[str], config: SiteConfig, shown_root: str) -> list[Problem]:
    """An article at the address of another page: a landing page kb generates (where the site has no file of its
    own) or one of the site's own `index.md` pages (`account/profile.md` and `account/profile/index.md` are both
    `account/profile/`). MkDocs writes one page over the other without a word, and the article's text would appear
    on no page. `articles`: the published ones and the drafts, as the preview lists them; a draft is checked as it
    will be once published, and the landing pages they make together include every one a build makes."""
    generated = {
        page_url(path): (path, place) for path, place in landing_places(articles, config).items() if path not in files
    }
    own = {page_url(path): path for path in files if is_landing_page(path)}
    problems = []
    for article in articles:
        url, shown = article.url, f"{shown_root}/{article.path}"
        if url in generated:
            path, place = generated[url]
            folder = f"{shown_root}/{path.rsplit('/', 1)[0]}/"
            if place.section:
                what = f"section '{place.section}' of category '{place.category}'"
                hint = f"rename the file, move it into {folder} to put it in the section, or rename the section"
            else:
                what = f"category '{place.category}'"
                hint = f"rename the file, or move it into {folder}"
            message = (
                f"the address {url} is also that of the landing page kb generates for {what} ({path}), "
                "which replaces this article: its text would appear on no page"
            )
            problems.append(Problem(shown, 1, message, hint))
        elif url in own:
            message = (
                f"the address {url} is also that of {shown_root}/{own[url]}: MkDocs publishes only one of the two pages"
            )
            problems.append(Problem(shown, 1, message, "rename one of the two files"))
    return problems
