"""Where a build's time goes: one strict build of the synthetic help center profiled in process with cProfile.

    python -m benchmarks.profile_build [--articles 1000] [--bare] [--no-sections] [--stats FILE]

Prints the time of the build's main parts (Material's sidebar, templates, Markdown, the search plugin, sitemap,
kb's hooks, kb's index and related articles) and how many navigation items Material rendered. cProfile roughly
doubles the time of Python-heavy code: compare shares and counts, not seconds, with the timed benchmarks.
"""

from __future__ import annotations

import argparse
import cProfile
import logging
import os
import pstats
import sys
import tempfile
from pathlib import Path

from .corpus import write_site

PARTS = {
    "build": ("mkdocs/commands/build.py", "build"),
    "sidebar_nav_html": ("partials/nav.html", "root"),
    "page_templates": ("jinja2/environment.py", "render"),
    "markdown": ("markdown/core.py", "convert"),
    "search_per_page": ("search/plugin.py", "on_page_context"),
    "search_index_written": ("search/plugin.py", "on_post_build"),
    "sitemap_and_404": ("mkdocs/commands/build.py", "_build_theme_template"),
    "kb_load_site": ("kb/content/site.py", "load_site"),
    "kb_on_nav": ("kb_site/plugin.py", "on_nav"),
    "kb_on_page_context": ("kb_site/plugin.py", "on_page_context"),
    "kb_on_page_content": ("kb_site/plugin.py", "on_page_content"),
    "kb_on_post_build": ("kb_site/plugin.py", "on_post_build"),
    "kb_index_and_matcher": ("kb/matching/matcher.py", "build_matcher"),
    "kb_related": ("kb/search/related.py", "related"),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="profile one build of the synthetic help center")
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--bare", action="store_true", help="Material and search only, without kb")
    parser.add_argument("--no-sections", action="store_true", help="the corpus without sections")
    parser.add_argument("--stats", type=Path, default=None, help="also save the pstats file here")
    args = parser.parse_args(argv)
    os.environ["NO_MKDOCS_2_WARNING"] = "1"
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        mkdocs_yml = write_site(root, args.articles, with_coverage=False, with_sections=not args.no_sections)
        if args.bare:
            mkdocs_yml.write_text(mkdocs_yml.read_text(encoding="utf-8").replace("  - kb\n", ""), encoding="utf-8")
        config = load_config(str(mkdocs_yml), site_dir=str(root / "site"))
        config.plugins.on_startup(command="build", dirty=False)
        profile = cProfile.Profile()
        profile.enable()
        build(config)
        profile.disable()
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    if args.stats:
        profile.dump_stats(str(args.stats))

    def total(file: str, function: str) -> float:
        return sum(v[3] for k, v in stats.items() if k[0].endswith(file) and k[2] == function)

    for name, (file, function) in PARTS.items():
        print(f"profile_{name}_s: {total(file, function):.2f}")
    items = sum(v[1] for k, v in stats.items() if k[0].endswith("nav-item.html") and k[2] == "macro" and k[1] == 227)
    print(f"profile_nav_items_rendered: {items}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
