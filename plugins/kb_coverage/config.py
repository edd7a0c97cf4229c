from mkdocs.config import config_options as opt
from mkdocs.config.base import Config

_INTERNAL = "the coverage report is internal and no longer published with the site: build it with `kb report`"


class KbCoverageConfig(Config):
    enabled = opt.Type(bool, default=True)

    # The help center's own settings, relative to mkdocs.yml (default: the kb plugin's `config_file` option).
    config_file = opt.Optional(opt.Type(str))

    # Gate: a build fails when less of the ticket volume is answered (default: kb.yml's coverage.fail_under).
    fail_under = opt.Optional(opt.Type((int, float)))

    # Live preview keeps running below the gate and only warns.
    fail_on_serve = opt.Type(bool, default=False)

    # Options of the published report page, which is gone: a site that still sets them is told so.
    page = opt.Deprecated(message=_INTERNAL)
    feedback_db = opt.Deprecated(message=_INTERNAL)
