import os

from mkdocs.config import config_options as opt
from mkdocs.config.base import Config

from kb.site.build import PREVIEW_DIR_ENV


class KbSiteConfig(Config):
    # Where the help center's own settings live (categories, questions file), relative to mkdocs.yml.
    config_file = opt.Type(str, default="kb.yml")

    # Navigation by category, built from the articles; off keeps the site's own `nav`.
    navigation = opt.Type(bool, default=True)

    # Related articles at the end of each article (same language, from the search index); 0 turns them off.
    related = opt.Type(int, default=5)

    # Other forms of English title and heading words in the search index, so "passwords" finds "password".
    word_forms = opt.Type(bool, default=True)

    # Customers' words in the site search: each article's search entry holds the wording of the common questions it
    # covers (questions.yml) with the support synonyms, landing pages rank below articles, and a search worker
    # reads queries as customers type them (filler removed, Chinese segmented as the index is).
    ticket_words = opt.Type(bool, default=True)

    # No dead ends: under a site search that found nothing, "Contact support" (kb.yml search.contact_url) and the
    # feedback endpoint's top suggestions for the same words when it answers.
    no_dead_end = opt.Type(bool, default=True)

    # Material's labels and <html lang> in each page's language (a Chinese article in an English site gets them
    # in Chinese); off keeps the theme's language on every page.
    page_language = opt.Type(bool, default=True)

    # Material's sidebar rendered once per section and folder and reused for the section's other pages, with only
    # their own entries made again (plugins/kb_site/sidebar.py): about a third of a large help center's build.
    # Off renders every page's sidebar in full; the site is the same either way.
    reuse_sidebar = opt.Type(bool, default=True)

    # One help center per language: each language's own navigation, previous/next, search scope, site name and
    # description, and Material's language switcher (extra.alternate) leading to the same article in the other
    # language. Only when the articles are in more than one language.
    languages = opt.Type(bool, default=True)

    # A second folder that receives the article manifest and suggestions snapshot after each build, for an
    # endpoint that serves another folder than the site's. `kb serve` names its endpoint's folder through
    # KB_PREVIEW_DIR, the default here; a site may set the option instead.
    endpoint_data_dir = opt.Type(str, default=os.environ.get(PREVIEW_DIR_ENV, ""))
