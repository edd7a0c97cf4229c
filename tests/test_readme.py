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
