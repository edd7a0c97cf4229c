"""Material's sidebar made once per section and reused for the section's other pages.

Material renders every page's sidebar from its navigation: at 10,000 articles with sections that is about 94
entries a page, nearly half of a build's time. The pages of one section in one folder show the same sidebar but for
their own entry: the open page's entry is marked and holds its table of contents, every other entry is a plain link,
the same relative address from each of those pages. So the first page of such a group has its sidebar rendered by
the theme as usual (`partials/nav.html` below kb's own) and kept, with where each page's own entry sits in it;
another page of the group gets that sidebar with two entries made again by the theme's own macro: the first page's,
now a plain link, and its own, now open. The second page of each group is also rendered in full and compared with
what reuse would have given; any difference (a theme or a site that makes the sidebar depend on more than this)
turns reuse off for the group. What the group shares is its key: the page's navigation, section and folder, its
language's label and site name.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page


@dataclass
class _Group:
    html: str  # the sidebar as the theme rendered it for `first`
    first: Page
    first_entry: tuple[int, int]  # where the first page's (open) entry is in `html`
    entries: dict[int, tuple[int, int]]  # id(page) -> where that page's plain entry is in `html`
    first_plain: str | None = None  # the first page's entry as a plain link, made once another page needs it
    checked: bool = False  # reuse was compared with the theme's own sidebar on a second page
    broken: bool = False  # ... and differed: every page of the group is rendered in full


@dataclass
class Sidebars:
    """The sidebars of one build (`clear` before each: pages and navigation are new objects every build)."""

    groups: dict[tuple, _Group] = field(default_factory=dict)
    _nested: dict[int, set[str]] = field(default_factory=dict)  # id(nav) -> addresses that have pages below them
    reused: int = 0  # pages whose sidebar was reused, this build

    def clear(self) -> None:
        self.groups, self._nested, self.reused = {}, {}, 0

    def reuse(self, item, page: Page, nav: Navigation, *shared: object) -> Markup | None:
        """The page's sidebar made from its group's, or None when the theme must render it (`keep` then gets it).
        `item` is the theme's `partials/nav-item.html` imported with the page's context."""
        place = self._place(page, nav)
        group = self.groups.get(self._key(page, nav, place, shared)) if place else None
        if group is None or not group.checked or group.broken or group.first is page:
            return None
        made = _reused(item, page, place, group)
        if made is None:
            return None
        self.reused += 1
        return Markup(made)

    def keep(self, item, page: Page, nav: Navigation, html: str, *shared: object) -> str:
        """The theme's own sidebar for `page`, returned as it is; the first of a group is kept, the second checks
        reuse against it."""
        place = self._place(page, nav)
        if place is None:
            return html
        key = self._key(page, nav, place, shared)
        group = self.groups.get(key)
        if group is None:
            self.groups[key] = _new_group(item, page, place, str(html))
        elif not group.checked and not group.broken and group.first is not page:
            group.checked = _reused(item, page, place, group) == str(html)
            group.broken = not group.checked
        return html

    def _place(self, page: Page, nav: Navigation) -> tuple | None:
        """(parent section, the page's siblings, the page's menu path and level) when its sidebar can be reused."""
        if not isinstance(page, Page):
            return None  # a theme page such as 404.html
        parent = page.parent
        if parent is None or page.is_index or not page.url or page.url in self._nested_urls(nav):
            return None  # top-level pages and index pages are few; a page with pages under its address links apart
        siblings, path = parent.children, _path(parent, nav)
        if page not in siblings or path is None:
            return None
        return parent, siblings, path, _level(parent) + 1

    def _key(self, page: Page, nav: Navigation, place: tuple, shared: tuple) -> tuple:
        url = page.url
        folder, _, last = url.rstrip("/").rpartition("/")
        # Links from a page are relative to its address: `a/b/x/` and `a/b/y/` give every other page the same link.
        return (id(nav), id(place[0]), folder, url.endswith("/") or "." not in last, *map(str, shared))

    def _nested_urls(self, nav: Navigation) -> set[str]:
        nested = self._nested.get(id(nav))
        if nested is None:
            nested = set()
            for other in nav.pages:
                parts = other.url.rstrip("/").split("/")[:-1]
                for end in range(1, len(parts) + 1):
                    nested.add("/".join(parts[:end]) + "/")
            self._nested[id(nav)] = nested
        return nested


def _path(section, nav: Navigation) -> str | None:
    """Material's id for a menu entry's toggle: `__nav_` and the 1-based position at each level; None when the
    section is not in `nav` (a page shown with another language's navigation)."""
    positions = []
    node = section
    while node is not None:
        above = node.parent.children if node.parent is not None else nav.items
        position = next((i for i, other in enumerate(above, 1) if other is node), None)
        if position is None:
            return None
        positions.append(position)
        node = node.parent
    return "__nav_" + "_".join(map(str, reversed(positions)))


def _level(section) -> int:
    level = 1
    while section.parent is not None:
        section, level = section.parent, level + 1
    return level


def _entry(item, page: Page, place: tuple) -> str:
    """One entry of the sidebar as the theme's macro renders it for the page being built."""
    parent, siblings, path, level = place
    position = next(i for i, other in enumerate(siblings, 1) if other is page)
    return str(item.render(page, f"{path}_{position}", level, parent))


def _only(html: str, part: str) -> tuple[int, int] | None:
    start = html.find(part) if part else -1
    if start < 0 or html.find(part, start + 1) >= 0:
        return None
    return start, start + len(part)


def _new_group(item, page: Page, place: tuple, html: str) -> _Group:
    """The first page of a group: where its open entry and each sibling's plain entry are in its sidebar. A group
    where any of them is not found exactly once is never reused."""
    first_entry = _only(html, _entry(item, page, place))
    entries: dict[int, tuple[int, int]] = {}
    for sibling in place[1]:
        if sibling is page or not isinstance(sibling, Page) or sibling.is_index:
            continue
        where = _only(html, _entry(item, sibling, place))
        if where is None:
            first_entry = None
            break
        entries[id(sibling)] = where
    return _Group(html, page, first_entry or (0, 0), entries, broken=first_entry is None)


def _reused(item, page: Page, place: tuple, group: _Group) -> str | None:
    """The group's sidebar with the first page's entry made plain and this page's made open."""
    mine = group.entries.get(id(page))
    if mine is None:
        return None
    if group.first_plain is None:
        group.first_plain = _entry(item, group.first, place)
    swaps = sorted([(group.first_entry, group.first_plain), (mine, _entry(item, page, place))])
    html, pieces, at = group.html, [], 0
    for (start, end), text in swaps:
        pieces += [html[at:start], text]
        at = end
    pieces.append(html[at:])
    return "".join(pieces)
