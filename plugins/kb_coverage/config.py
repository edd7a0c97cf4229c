from mkdocs.config import config_options as opt
from mkdocs.config.base import Config


class KbCoverageConfig(Config):
    enabled = opt.Type(bool, default=True)

    # The help center's own settings, relative to mkdocs.yml (default: the kb plugin's `config_file` option).
    config_file = opt.Optional(opt.Type(str))

    # The report page for support leads; kept out of navigation and search, marked noindex.
    page = opt.Type(str, default="coverage/index.md")

    # Gate: a build fails when less of the ticket volume is answered (default: kb.yml's coverage.fail_under).
    fail_under = opt.Optional(opt.Type((int, float)))

    # Live preview keeps running below the gate and only warns.
    fail_on_serve = opt.Type(bool, default=False)

    # Readers' votes from the feedback endpoint's database, when there is one (default: kb.yml's feedback.db).
    feedback_db = opt.Optional(opt.Type(str))
