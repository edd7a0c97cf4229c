"""What kind of question a ticket or issue title is: a how-to or problem, a bug report, or a feature request."""

import pytest

from kb.content.kinds import question_kind


@pytest.mark.parametrize(
    "title",
    [
        "[Feature Request] run multiple instances of Joplin",
        "Please add a dark mode",
        "It would be great to export to PDF",
        "Enterprise should be able to enforce 2fa of any sort, not just Duo",
        "TV Series Recognition Should Not Require a Parent Folder",
        "Allow Organization Users to See Who Else Has Access To Collection",
        "Consider integrating OCR support",
        "希望增加导出功能",
        "支持托管多个节点吗？",
    ],
)
def test_wishes_are_feature_requests(title):
    assert question_kind(title) == "feature"


@pytest.mark.parametrize(
    "title",
    [
        "How do I reset my password?",
        "show my certificate under licenses on linkedin",  # an order in a ticket is usually a how-to
        "add a second admin to our team",
        "Allow notifications?",  # asked, not wished
        "[BUG] can't log in after the update",  # the tag is a template's, the wording a problem
        "忘记密码怎么办",
    ],
)
def test_how_tos_and_problems_are_questions(title):
    assert question_kind(title) == "question"


def test_crashes_are_bug_reports_and_a_declared_kind_wins():
    assert question_kind("App crashes when opening a lesson") == "bug"
    assert question_kind("打开课程就闪退") == "bug"
    assert question_kind("App crashes when opening a lesson", declared="question") == "question"
