"""The README's reference tables are the schema's own output: they cannot drift apart."""

from kb.content.schema import ARTICLE_FIELDS, QUESTION_FIELDS, reference_table
from tests.conftest import REPO


def test_readme_documents_the_schemas():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert reference_table(ARTICLE_FIELDS) in readme
    assert reference_table(QUESTION_FIELDS) in readme


def test_readme_shows_the_two_commands():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "make run" in readme and "make test" in readme


def deployment_guide() -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "## Deploying" in readme, "the README has no deployment guide"
    return readme.split("## Deploying", 1)[1].split("\n## ", 1)[0]


def test_the_deployment_guide_covers_what_an_operator_needs():
    guide = deployment_guide()
    for topic in (
        "### The static site, on any web server or CDN",
        "### The endpoint behind nginx or Caddy",
        "### A systemd unit",
        "### Backups",
        "### Upgrades and migrations",
        "### What to monitor",
    ):
        assert topic in guide
    assert "--trusted-proxy" in guide and "--allow-origin" in guide and ".backup" in guide and "/healthz" in guide


def test_the_systemd_units_command_is_one_kb_accepts():
    import shlex

    from kb.cli import build_parser

    guide = deployment_guide()
    unit = guide.split("```ini", 1)[1].split("```", 1)[0]
    exec_start = unit.split("ExecStart=", 1)[1].split("\nRestart", 1)[0].replace("\\\n", " ")
    command = shlex.split(exec_start)
    assert command[0].endswith("/kb")
    args = build_parser().parse_args(command[1:])
    assert args.trusted_proxy == ["127.0.0.1"] and args.host == "127.0.0.1"


def test_the_nginx_example_sends_the_headers_the_endpoint_reads():
    guide = deployment_guide()
    nginx = guide.split("```nginx", 1)[1].split("```", 1)[0]
    for header in ("X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host"):
        assert f"proxy_set_header {header}" in nginx
    assert "access_log off" in nginx  # the proxy must not keep what the endpoint never writes
