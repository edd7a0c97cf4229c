from mkdocs.config import config_options as opt
from mkdocs.config.base import Config

from feedback_widget.widget import DEFAULT_ENDPOINT


class KbFeedbackConfig(Config):
    # Off builds the site without the widget (e.g. a preview with no endpoint behind it).
    enabled = opt.Type(bool, default=True)

    # Where the widget sends votes: same origin by default, so `kb feedback serve` serves pages and API together.
    # A full URL sends them elsewhere; that endpoint must then allow this site's origin (--allow-origin).
    # Under `kb serve` the endpoint it runs beside the live preview wins (KB_FEEDBACK_ENDPOINT,
    # kb.site.build.ENDPOINT_ENV): preview votes never reach the production endpoint named here.
    endpoint = opt.Type(str, default=DEFAULT_ENDPOINT)
