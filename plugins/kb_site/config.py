from mkdocs.config import config_options as opt
from mkdocs.config.base import Config


class KbSiteConfig(Config):
    # Where the help center's own settings live (categories, questions file), relative to mkdocs.yml.
    config_file = opt.Type(str, default="kb.yml")

    # Navigation by category, built from the articles; off keeps the site's own `nav`.
    navigation = opt.Type(bool, default=True)

    # Related articles at the end of each article (same language, from the search index); 0 turns them off.
    related = opt.Type(int, default=5)

    # Other forms of English title and heading words in the search index, so "passwords" finds "password".
    word_forms = opt.Type(bool, default=True)

    # Material's labels and <html lang> in each page's language (a Chinese article in an English site gets them
    # in Chinese); off keeps the theme's language on every page.
    page_language = opt.Type(bool, default=True)
