import os

from mkdocs.config import config_options as opt
from mkdocs.config.base import Config

from feedback_widget.widget import DEFAULT_ENDPOINT

ENDPOINT_ENV = "KB_FEEDBACK_ENDPOINT"  # kb.site.build.ENDPOINT_ENV: kb serve sets it


class KbFeedbackConfig(Config):
    # Off builds the site without the widget (e.g. a preview with no endpoint behind it).
    enabled = opt.Type(bool, default=True)

    # Where the widget sends votes: same origin by default, so `kb feedback serve` serves pages and API together.
    # A full URL sends them elsewhere; that endpoint must then allow this site's origin (--allow-origin).
    # `kb serve` runs an endpoint beside the live preview and names it through KB_FEEDBACK_ENDPOINT, the
    # default here when set.
    endpoint = opt.Type(str, default=os.environ.get(ENDPOINT_ENV) or DEFAULT_ENDPOINT)
