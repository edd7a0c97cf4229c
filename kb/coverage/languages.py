"""What the coverage report says about the help center's languages: translations older than their source, and
questions answered only in another language than their own (the translations to write)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path

from kb.content.translations import outdated_translations, translation_groups
from kb.coverage.model import QuestionResult, Report
from kb.model import Article, Question


def with_translations(report: Report, articles: list[Article], articles_dir: Path) -> Report:
    """The report with the out-of-date translations (by reviewed: dates, else git), most behind first."""
    outdated = outdated_translations(articles, articles_dir)
    outdated.sort(key=lambda o: (o.translated - o.source_changed, o.translation.path))
    return replace(report, outdated_translations=tuple(outdated))


@dataclass(frozen=True)
class AnsweredElsewhere:
    """A question that only an article in another language answers: a translation to write."""

    question: Question
    article: Article  # the answer, in another language than the question's
    via: Question | None = None  # the same question in the article's language, when that is how it is known
    translation: Article | None = None  # the article's translation into the question's language, when there is one

    @property
    def action(self) -> str:
        if self.translation is not None:
            return f"add {self.question.id} to covers: in {self.translation.path}"
        return f"kb new --translate {self.article.id} --lang {self.question.lang}"


def _answers(result: QuestionResult) -> list[Article]:
    if result.status == "covered":
        return [c.article for c in result.candidates]
    return [result.candidates[0].article] if result.status == "likely" and result.candidates else []


def answered_in_other_language(report: Report, articles: list[Article]) -> list[AnsweredElsewhere]:
    """Questions no article in their own language answers, but one in another language does: an article of that
    language covers them, or covers the same question in its language (`translation_of:` in questions.yml). Most
    tickets first."""
    results = {r.question.id: r for r in report.results}
    twins: dict[str, list[Question]] = defaultdict(list)
    for r in report.results:
        other = results.get(r.question.translation_of) if r.question.translation_of else None
        if other is not None and other.question.lang != r.question.lang:
            twins[r.question.id].append(other.question)
            twins[other.question.id].append(r.question)
    groups = translation_groups(articles)
    found = []
    for r in report.results:
        q, answers = r.question, _answers(r)
        if any(a.lang == q.lang for a in answers):
            continue
        via = None
        if not answers:
            for twin in twins.get(q.id, []):
                twin_result = results[twin.id]  # only a writer's covers: there: the engine's "likely" can be wrong
                elsewhere = (
                    [a for a in _answers(twin_result) if a.lang != q.lang] if twin_result.status == "covered" else []
                )
                if elsewhere:
                    answers, via = elsewhere, twin
                    break
        if answers:
            article = answers[0]
            found.append(AnsweredElsewhere(q, article, via, groups.get(article.id, {}).get(q.lang)))
    found.sort(key=lambda f: (-f.question.volume, f.question.id))
    return found


def with_other_languages(report: Report, articles: list[Article]) -> Report:
    return replace(report, answered_elsewhere=tuple(answered_in_other_language(report, articles)))
