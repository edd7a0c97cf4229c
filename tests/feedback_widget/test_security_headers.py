"""Security headers on every answer of the endpoint, and a Content-Security-Policy that the built sample's pages
keep to in Debian's chromium (feedback_widget/security.py); JSON 404 and 405 on /api/*."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright import sync_api

from feedback_widget.security import API_POLICY, inline_script_hashes, site_policy
from tests.endpoint import Endpoint, serving
from tests.feedback_widget.test_api import client, post, sqlite_settings  # noqa: F401  (fixture)

HEADERS = ("content-security-policy", "referrer-policy", "x-frame-options", "x-content-type-options")


@pytest.fixture
def settings(tmp_path):
    return sqlite_settings(tmp_path)  # these tests are about the web layer: one store is enough


def assert_secured(response, policy: str | None = None) -> None:
    missing = [name for name in HEADERS if name not in response.headers]
    assert not missing, f"{response.request.method} {response.request.url} lacks {missing}"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "same-origin"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    if policy is not None:
        assert response.headers["content-security-policy"] == policy


def test_every_answer_carries_the_security_headers(client):  # noqa: F811
    answers = [
        client.get("/"),
        client.get("/no-such-page/"),
        client.get("/healthz"),
        client.get("/api/feedback/summary"),
        client.get("/api/feedback/export"),
        client.get("/api/nope"),
        client.get("/api/feedback"),
        post(client, {"article": "account/reset-password", "helpful": True}),
        post(client, {"article": "nope", "helpful": True}),
        post(
            client, {"article": "account/reset-password", "helpful": True}, headers={"Origin": "https://evil.example"}
        ),
    ]
    for answer in answers:
        assert_secured(answer)
    assert answers[0].headers["content-security-policy"].startswith("default-src 'self'")
    assert answers[3].headers["content-security-policy"] == API_POLICY


def test_api_404_is_json(client):  # noqa: F811
    for path in ("/api/nope", "/api/feedback/summary/extra", "/api/"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.headers["content-type"] == "application/json"
        assert "error" in response.json()


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("GET", "/api/feedback", "POST"),
        ("PUT", "/api/feedback", "POST"),
        ("GET", "/api/search-miss", "POST"),
        ("POST", "/api/feedback/summary", "GET, HEAD"),
        ("DELETE", "/api/feedback/export", "GET, HEAD"),
        ("POST", "/api/suggest", "GET, HEAD"),
        ("POST", "/healthz", "GET, HEAD"),
    ],
)
def test_api_405_is_json_with_the_routes_allow(client, method, path, allow):  # noqa: F811
    response = client.request(method, path)
    assert response.status_code == 405
    assert set(response.headers["allow"].split(", ")) == set(allow.split(", "))
    assert response.headers["content-type"] == "application/json"
    assert response.headers["allow"] in response.json()["error"]


def test_inline_scripts_are_hashed_and_data_is_not():
    page = (
        b'<script>var a=1</script><script type="application/json" id="x">{"a": 1}</script>'
        b'<script src="app.js"></script><script type="module">b()</script><script>var a=1</script>'
    )
    assert inline_script_hashes([page]) == [
        "'sha256-WazVQOu5lmXfSreSrMJd1CsaQ4c00fUQpJfBYCuMSIw='",
        "'sha256-cf242PFc/kb7xD0Qzhsmd9vvRkc+cWFmbi+k+YvtdKc='",
    ]


def test_the_policy_of_a_site_lists_its_inline_scripts(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_bytes(b"<script>start()</script>")
    policy = site_policy(tmp_path)
    assert re.search(r"script-src 'self' 'sha256-[A-Za-z0-9+/=]+'(;|$)", policy)
    assert "object-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert "'unsafe-inline'" not in policy.split("script-src", 1)[1].split(";", 1)[0]


# The built sample in chromium: no violation of the policy on any kind of page.

COLLECT_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + (e.sourceFile || "") + ":" + e.lineNumber);
});
"""


@pytest.fixture(scope="module")
def endpoint(sample_site, tmp_path_factory) -> Iterator[Endpoint]:
    with serving(sample_site, tmp_path_factory.mktemp("csp") / "votes.db") as running:
        yield running


@pytest.fixture
def page(browser, endpoint):
    context = browser.new_context()
    context.add_init_script(COLLECT_VIOLATIONS)
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    page.console = console
    yield page
    context.close()


def violations(page) -> list[str]:
    reported = page.evaluate("window.__cspViolations")
    logged = [text for text in page.console if "Content Security Policy" in text]
    return reported + logged


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/", 200),
        ("/zh/", 200),
        ("/contact/", 200),
        ("/account/reset-your-password/", 200),
        ("/zh/account/forgot-password/", 200),
        ("/no-such-page/", 404),
    ],
)
def test_the_samples_pages_keep_to_the_policy(page, endpoint, path, status):
    response = page.goto(f"{endpoint.url}{path}")
    assert response.status == status
    assert "script-src 'self' 'sha256-" in response.headers["content-security-policy"]
    page.wait_for_load_state("networkidle")
    assert violations(page) == []


def test_voting_searching_and_the_contact_form_keep_to_the_policy(page, endpoint):
    page.goto(f"{endpoint.url}/account/reset-your-password/")
    page.get_by_role("button", name="No").click()
    sync_api.expect(page.get_by_role("status")).to_have_text("Thank you. You can tell us more below.")
    page.click("input.md-search__input")
    page.fill("input.md-search__input", "password")
    page.press("input.md-search__input", "End")  # Material searches on keyup
    page.wait_for_selector(".md-search-result__item", timeout=15_000)
    page.goto(f"{endpoint.url}/contact/")
    page.fill("#kb-suggest-subject", "I was charged twice this month")
    page.wait_for_selector("#kb-suggestions li a")
    page.get_by_role("button", name="Send").click()
    sync_api.expect(page.locator("#kb-contact-sent")).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert violations(page) == []


def test_an_injected_inline_script_is_blocked(page, endpoint):
    """The policy is not a formality: script the site did not ship does not run."""
    page.goto(f"{endpoint.url}/account/reset-your-password/")
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.__ran = true'; document.body.appendChild(s); }"
    )
    assert page.evaluate("window.__ran === undefined")
    assert any("script-src" in v for v in violations(page))


def test_kb_feedback_csp_prints_the_sites_policy(kb, sample_site):
    result = kb("feedback", "csp", "--site", str(sample_site))
    assert result.code == 0
    assert result.out.strip() == site_policy(sample_site)
    assert "script-src 'self' 'sha256-" in result.out
