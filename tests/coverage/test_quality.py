"""Floors on the coverage engine's quality, measured on the labelled evaluation set (benchmarks/data).

The figures themselves, and how they were reached, are in BENCHMARKS.md; these floors catch a change that makes
matching worse.
"""

import pytest

from benchmarks.coverage_eval import LIKELY_THRESHOLD, evaluate, sample_untagged, scores


@pytest.fixture(scope="module")
def figures():
    return scores(evaluate(), LIKELY_THRESHOLD)


def test_suggestions_find_the_answer_in_the_top_three(figures):
    assert figures["recall_at_3"] >= 0.85


def test_gaps_are_told_apart_from_answered_questions(figures):
    assert figures["gap_recall"] >= 0.70
    assert figures["gap_precision"] >= 0.52


def test_the_sample_report_names_its_real_gaps():
    # The sample's 44 untagged questions, with their variants, as its report judges them (labels in benchmarks/data).
    sample = sample_untagged()
    assert sample["gap_precision"] >= 0.85
    assert sample["gap_recall"] >= 0.62
    assert sample["likely_with_right_article"] >= 0.7
