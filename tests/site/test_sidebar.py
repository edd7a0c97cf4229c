"""Material's sidebar rendered once per section and folder and reused for the section's other pages
(plugins/kb_site/sidebar.py): the site is byte for byte the one rendering every sidebar in full makes, with Material's
navigation features on or off, in both languages, and when a theme override makes the sidebar depend on the page."""

from __future__ import annotations

import shutil
from pathlib import Path

import material
import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from tests.conftest import REPO
from tests.site.test_sections import sectioned as sectioned  # noqa: F401  (the fixture)


def _build(root: Path, out: Path, reuse: bool, features: list[str] | None = None, custom_dir: str = ""):
    """A full build of the site at `root` into `out`, with the sidebar reused or not; the kb plugin after it."""
    text = (root / "mkdocs.yml").read_text(encoding="utf-8")
    text = text.replace("  - kb\n", f"  - kb:\n      reuse_sidebar: {str(reuse).lower()}\n")
    text = text.replace(
        "  - kb:\n      config_file", f"  - kb:\n      reuse_sidebar: {str(reuse).lower()}\n      config_file"
    )
    if features is not None:
        text = text.replace("  features: [navigation.sections]\n", f"  features: [{', '.join(features)}]\n")
    if custom_dir:
        text = text.replace("  name: material\n", f"  name: material\n  custom_dir: {custom_dir}\n")
    assert f"reuse_sidebar: {str(reuse).lower()}" in text
    config_file = root / f"mkdocs-{reuse}.yml"
    config_file.write_text(text, encoding="utf-8")
    config = load_config(str(config_file), site_dir=str(out))
    build(config)
    return config.plugins["kb"]


def _pages(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*.html"))}


def _same_site(root: Path, tmp_path: Path, **options) -> int:
    """Builds the site both ways; asserts every page is the same; how many pages had their sidebar reused."""
    plugin = _build(root, tmp_path / "reused", True, **options)
    reused = plugin.sidebars.reused
    _build(root, tmp_path / "full", False, **options)
    full, fast = _pages(tmp_path / "full"), _pages(tmp_path / "reused")
    assert sorted(fast) == sorted(full)
    differing = [name for name in full if full[name] != fast[name]]
    assert differing == []
    return reused


@pytest.mark.parametrize(
    "features",
    [
        ["navigation.sections"],
        ["navigation.prune"],
        ["navigation.indexes", "navigation.tabs", "navigation.sections"],
        ["toc.integrate", "navigation.expand"],
    ],
)
def test_a_help_center_with_sections_is_the_same_with_its_sidebars_reused(sectioned, tmp_path, features):
    reused = _same_site(sectioned.root, tmp_path, features=features)
    # 120 articles in one section and folder: all but the first and the one compared with it are reused
    assert reused >= 118


def test_the_sample_help_center_in_two_languages_is_the_same(tmp_path):
    root = tmp_path / "sample"
    root.mkdir()
    for name in ("mkdocs.yml", "kb.yml", "questions.yml"):
        shutil.copy(REPO / name, root / name)
    shutil.copytree(REPO / "articles", root / "articles")
    reused = _same_site(root, tmp_path)
    assert reused > 20


def test_a_sidebar_that_depends_on_the_page_is_rendered_in_full(sectioned, tmp_path):
    """A theme override whose entries show the open page's title: reuse would show the first page's title in every
    page's sidebar; the comparison on each group's second page turns it off instead."""
    overrides = sectioned.root / "overrides" / "partials"
    overrides.mkdir(parents=True)
    source = (Path(material.__file__).parent / "templates" / "partials" / "nav-item.html").read_text(encoding="utf-8")
    marked = source.replace('class="md-nav__link">', 'class="md-nav__link"><i>{{ page.title }}</i>')
    assert marked != source
    (overrides / "nav-item.html").write_text(marked, encoding="utf-8")
    reused = _same_site(sectioned.root, tmp_path, custom_dir="overrides")
    assert reused == 0
    page = (tmp_path / "reused" / "account" / "sign-in" / "signin-005" / "index.html").read_text(encoding="utf-8")
    assert "<i>Sign-in topic 005</i>" in page
