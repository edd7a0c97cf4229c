"""MkDocs glue for a help center in several languages: one navigation per language, and each page's search scope.

MkDocs has one `nav` for the whole site; Material renders it on every page. The kb plugin lays out each language
(the default language's home and categories, then a section per other language holding its home and categories)
and here each language gets a navigation of its own: the items whose pages are all in that language (a language's
section unwrapped, so its categories are top-level), with previous/next links that stay within the language.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable

from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page


def _pages(item) -> list[Page]:
    if isinstance(item, Page):
        return [item]
    if isinstance(item, Section):
        return [p for child in item.children for p in _pages(child)]
    return []


def language_navigations(
    nav: Navigation, language_of: Callable[[Page], str], homes: dict[str, str]
) -> dict[str, Navigation]:
    """{language: its navigation}. `homes` maps each language to its landing page's source path. Items with pages
    in several languages (or none, such as links) appear in every language's navigation."""
    langs: list[str] = []
    for page in nav.pages:
        if language_of(page) not in langs:
            langs.append(language_of(page))
    items: dict[str, list] = {lang: [] for lang in langs}
    for item in nav.items:
        found = {language_of(p) for p in _pages(item)}
        if len(found) != 1:
            for lang in langs:
                items[lang].append(item)
            continue
        lang = found.pop()
        home = homes.get(lang)
        if isinstance(item, Section) and any(isinstance(c, Page) and c.file.src_uri == home for c in item.children):
            for child in item.children:  # the language's own section: its home and categories become top-level
                child.parent = None
                items[lang].append(child)
        else:
            items[lang].append(item)
    navs = {}
    for lang in langs:
        pages = [p for p in nav.pages if language_of(p) == lang]
        for previous, page, following in zip([None, *pages[:-1]], pages, [*pages[1:], None]):
            page.previous_page, page.next_page = previous, following
        navigation = Navigation(items[lang], pages)
        navigation.homepage = next((p for p in pages if p.file.src_uri == homes.get(lang)), navigation.homepage)
        navs[lang] = navigation
    return navs


# Loaded before Material's bundle on pages of a language other than the default: Material fetches
# search/search_index.json from the site root; such a page fetches its own language's index instead.
_SCOPE_SCRIPT = (
    "<script>(function(){{var open=XMLHttpRequest.prototype.open;"
    "XMLHttpRequest.prototype.open=function(method,url){{var args=[].slice.call(arguments);"
    'if(typeof url==="string"&&/\\/search\\/search_index\\.json$/.test(url)){{'
    "args[1]=url.replace(/search_index\\.json$/,{name})}}return open.apply(this,args)}}}})()</script>"
)

# Under the search box: a link that searches the other language's articles (its home, with ?q= the query, which
# Material's search opens with). Hidden until the reader types.
# The links' spacing is set from the script (CSSOM), not a style attribute: the endpoint's Content-Security-Policy
# allows no inline styles, and the links sit beside Material's result count whatever the site's CSS.
_ELSEWHERE_SCRIPT = (
    "<script>document.querySelectorAll('.kb-search-elsewhere__list').forEach(function(d){"
    "d.style.padding='0.4rem 0.8rem';d.style.fontSize='0.7rem'});"
    "if(!window.__kbElsewhere){window.__kbElsewhere=true;"
    'document.addEventListener("input",function(e){var t=e.target;'
    'if(!t||!t.matches||!t.matches("input.md-search__input"))return;var q=t.value.trim();'
    'document.querySelectorAll("a.kb-search-elsewhere").forEach(function(a){a.hidden=!q;'
    'a.href=a.dataset.home+(q?"?q="+encodeURIComponent(q):"")})})}</script>'
)


# Each page's own language and every language's home (<meta name="kb-lang">, <link rel="kb-home">), and a script that
# makes a link into another language load that page in full. Material's instant navigation would otherwise swap the
# page in place and keep the first page's language: its search index, its search scope and <html lang>. Material
# only leaves such a link alone when its check of the other language's address has answered first, which is a race
# between two requests. A link counts as going elsewhere by its hreflang, or else by the language home it lies
# under (the longest one); should instant navigation still swap in a page of another language (an article whose
# `lang:` differs from its folder's), the page is loaded again in full. The script is the same on every page, so
# the site's Content-Security-Policy allows it with one hash.
_LANGUAGE_SCRIPT = (
    "<script>(function(){if(window.__kbLanguages)return;window.__kbLanguages=true;"
    "function now(){var m=document.querySelector('meta[name=\"kb-lang\"]');return m?m.content:''}"
    "var loaded=now();"
    "function under(url){var best='',size=-1;"
    "document.querySelectorAll('link[rel=\"kb-home\"]').forEach(function(l){"
    "if(url.indexOf(l.href)===0&&l.href.length>size){best=l.hreflang;size=l.href.length}});return best}"
    "document.addEventListener('click',function(e){"
    "if(e.defaultPrevented||e.button!==0||e.metaKey||e.ctrlKey||e.shiftKey||e.altKey)return;"
    "var a=e.target&&e.target.closest?e.target.closest('a[href]'):null;"
    "if(!a||a.target||a.origin!==location.origin)return;"
    "var to=(a.getAttribute('hreflang')||under(a.href)).split('-')[0].toLowerCase();"
    "if(to&&loaded&&to!==loaded)a.target='_self'},true);"
    "document.addEventListener('DOMContentLoaded',function(){var d=window.document$;"
    "if(d&&d.subscribe)d.subscribe(function(){var lang=now();if(lang&&loaded&&lang!==loaded)location.reload()})})"
    "})()</script>"
)


def language_loads(output: str, lang: str, homes: list[tuple[str, str]]) -> str:
    """The page's HTML marking its language and each language's home (relative to the page), with the script that
    loads a page of another language in full."""
    marks = f'<meta name="kb-lang" content="{html.escape(lang)}">' + "".join(
        f'<link rel="kb-home" hreflang="{html.escape(other)}" href="{html.escape(home)}">' for other, home in homes
    )
    return output.replace("</head>", marks + _LANGUAGE_SCRIPT + "</head>", 1)


def scope_search(output: str, index_name: str) -> str:
    """The page's HTML loading `search/<index_name>` rather than Material's default index."""
    script = _SCOPE_SCRIPT.format(name=json.dumps(index_name))
    return output.replace("</head>", script + "</head>", 1)


def search_elsewhere(output: str, links: list[tuple[str, str, str]]) -> str:
    """Links under the search box to search other languages: (language, its home relative to the page, label)."""
    if not links or '<div class="md-search__output">' not in output:
        return output
    anchors = "".join(
        f'<a class="kb-search-elsewhere" hidden lang="{lang}" hreflang="{lang}" data-home="{html.escape(home)}"'
        f' href="{html.escape(home)}">{html.escape(label)}</a>'
        for lang, home, label in links
    )
    block = f'<div class="kb-search-elsewhere__list">{anchors}</div>{_ELSEWHERE_SCRIPT}'
    return output.replace('<div class="md-search__output">', '<div class="md-search__output">' + block, 1)
