"""The coverage report as data: what the analysis finds for each question and for the help center as a whole."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from feedback_widget.summary import ArticleFeedback, FeedbackSummary
from kb.content.kinds import question_kind
from kb.content.periods import period_key
from kb.content.translations import OutOfDate
from kb.model import Article, Question

FINDABLE_RANK = 3  # a covering article further down the results than this is "hard to find"
STRONG, MEDIUM = 0.85, 0.6  # confidence tiers of suggestions; MEDIUM is also where "likely" starts


@dataclass(frozen=True)
class Candidate:
    article: Article
    score: float
    rank: int | None
    coverage: float = 0.0
    matched: tuple[str, ...] = ()  # the question's words the article has (as the customer typed them)
    passage: str = ""  # the article's sentence that holds most of them


@dataclass(frozen=True)
class QuestionResult:
    question: Question
    status: str  # covered | likely | gap | product (a bug report or feature request no article answers)
    candidates: tuple[Candidate, ...]
    confidence: float = 0.0
    ranks: tuple[tuple[str, int | None], ...] = ()  # for covered questions: (wording, rank of its article)

    @property
    def hard_to_find(self) -> bool:
        if self.status != "covered" or not self.ranks:
            return False
        misses = [rank for _, rank in self.ranks if rank is None or rank > FINDABLE_RANK]
        own = self.ranks[0][1]
        return own is None or own > FINDABLE_RANK or len(misses) * 2 > len(self.ranks)

    @property
    def kind(self) -> str:
        return question_kind(self.question.question, self.question.kind)

    @property
    def answered(self) -> bool:
        return self.status in ("covered", "likely")

    @property
    def suggestion(self) -> str:
        """The line a writer adds to the suggested article for a likely-covered question."""
        if self.status != "likely" or not self.candidates:
            return ""
        return f"covers: [{', '.join((*self.candidates[0].article.covers, self.question.id))}]"

    @property
    def tier(self) -> str:
        """How sure a suggestion is, in words (the share of the question's meaning its article holds)."""
        return "strong" if self.confidence >= STRONG else "medium" if self.confidence >= MEDIUM else "weak"


@dataclass(frozen=True)
class Figures:
    questions: int
    volume: int
    covered: int
    likely: int
    gaps: int
    covered_volume: int
    likely_volume: int
    gap_volume: int
    product: int = 0  # bug reports and feature requests no article answers: the product team's, not gaps
    product_volume: int = 0

    @property
    def kb_questions(self) -> int:
        return self.questions - self.product

    @property
    def kb_volume(self) -> int:
        """The volume the knowledge base is measured on: everything but the product team's questions."""
        return self.volume - self.product_volume

    @property
    def by_count(self) -> float | None:
        return None if not self.kb_questions else 100.0 * (self.covered + self.likely) / self.kb_questions

    @property
    def by_volume(self) -> float | None:
        return None if not self.kb_volume else 100.0 * (self.covered_volume + self.likely_volume) / self.kb_volume

    @property
    def tagged_by_volume(self) -> float | None:
        return None if not self.kb_volume else 100.0 * self.covered_volume / self.kb_volume

    @classmethod
    def of(cls, results: Iterable[QuestionResult]) -> Figures:
        counts: dict[str, int] = defaultdict(int)
        volumes: dict[str, int] = defaultdict(int)
        total = n = 0
        for r in results:
            n += 1
            total += r.question.volume
            counts[r.status] += 1
            volumes[r.status] += r.question.volume
        return cls(
            n,
            total,
            counts["covered"],
            counts["likely"],
            counts["gap"],
            volumes["covered"],
            volumes["likely"],
            volumes["gap"],
            counts["product"],
            volumes["product"],
        )


@dataclass(frozen=True)
class ArticleHealth:
    """An article of this help center with what its readers said of it."""

    article: Article
    votes: ArticleFeedback


@dataclass(frozen=True)
class Report:
    results: tuple[QuestionResult, ...]
    overall: Figures
    by_category: dict[str, Figures]
    by_lang: dict[str, Figures]
    fail_under: float
    gate_on: str = "tagged"  # the gate counts confirmed answers ("tagged") or tagged + suggested ("answered")
    by_type: dict[str, Figures] = field(default_factory=dict)  # by the support team's own `type:` when set
    duplicates: tuple[tuple[Question, tuple[Article, ...]], ...] = ()
    orphans: tuple[Article, ...] = ()
    stale: tuple[tuple[Article, int], ...] = ()  # (article, days since review)
    warnings: tuple[str, ...] = ()
    feedback: tuple[ArticleHealth, ...] = ()
    semantic: str = "off"  # whether suggestions were ranked with sentence embeddings too, and why not
    audit: str = ""  # for an audit of another folder: how many files were read and skipped, and why
    skipped: tuple[tuple[str, str], ...] = ()  # (path, reason) of each file an audit skipped
    readers: FeedbackSummary | None = None  # votes, latest comments and missed searches, when there is a database
    min_votes: int = 10
    target_rate: float = 0.85  # the share of helpful votes an article should reach
    outdated_translations: tuple[OutOfDate, ...] = ()  # translations older than their source (kb.coverage.languages)
    # Questions only an article in another language answers (kb.coverage.languages.AnsweredElsewhere), most
    # tickets first: the translations to write. Their status stays what it is (a gap in their own language).
    answered_elsewhere: tuple = ()
    period: str = ""  # the latest period of the questions' volumes, which the figures and ranking count

    @property
    def periods(self) -> tuple[str, ...]:
        """Every named period any question has a figure for, oldest first."""
        named = {p for r in self.results for p, _ in r.question.volumes if p}
        return tuple(sorted(named, key=period_key))

    def trend(self, results: Iterable[QuestionResult]) -> tuple[int, ...]:
        """The summed volumes of `results` in each of `periods`."""
        totals = dict.fromkeys(self.periods, 0)
        for r in results:
            for p, n in r.question.volumes:
                if p in totals:
                    totals[p] += n
        return tuple(totals.values())

    def category_trends(self) -> dict[str, tuple[int, ...]]:
        return {
            name: self.trend(r for r in self.results if (r.question.category or "(none)") == name)
            for name in self.by_category
        }

    @property
    def gated(self) -> float | None:
        """The share of ticket volume the gate compares with fail_under."""
        return self.overall.tagged_by_volume if self.gate_on == "tagged" else self.overall.by_volume

    @property
    def passed(self) -> bool:
        return self.gated is None or self.gated >= self.fail_under

    def with_status(self, status: str) -> list[QuestionResult]:
        return sorted(
            (r for r in self.results if r.status == status), key=lambda r: (-r.question.volume, r.question.id)
        )

    @property
    def hard_to_find(self) -> list[QuestionResult]:
        return sorted((r for r in self.results if r.hard_to_find), key=lambda r: (-r.question.volume, r.question.id))

    @property
    def unhelpful(self) -> list[ArticleHealth]:
        """Articles with enough votes whose helpful rate is under the target."""
        weak = (
            h
            for h in self.feedback
            if h.votes.votes >= self.min_votes and h.votes.rate is not None and h.votes.rate < self.target_rate
        )
        return sorted(weak, key=lambda h: h.votes.rate)

    @property
    def answered_only_by_unhelpful(self) -> list[QuestionResult]:
        weak = {h.article.id for h in self.unhelpful}
        found = []
        for r in self.results:
            answering = [c.article.id for c in r.candidates] if r.status == "covered" else []
            if answering and all(a in weak for a in answering):
                found.append(r)
        return sorted(found, key=lambda r: -r.question.volume)

    def failure_message(self, top: int = 5) -> str:
        shortfall = self.fail_under - (self.gated or 0.0)
        gaps = ", ".join(f"{r.question.id} ({r.question.volume})" for r in self.with_status("gap")[:top])
        what = "coverage" if self.gate_on == "tagged" else "coverage with suggestions"
        message = f"{what} {self.gated or 0.0:.1f}% of ticket volume is {shortfall:.1f} points under fail_under {self.fail_under:g}%; top gaps: {gaps or 'none'}"
        likely = self.overall.likely
        if self.gate_on == "tagged" and likely:
            message += f"; {likely} suggestions to review count once accepted (kb coverage accept QUESTION ARTICLE)"
        return message
