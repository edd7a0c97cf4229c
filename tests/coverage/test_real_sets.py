"""Floors on real help centers (benchmarks/real: public docs and their users' own questions, labelled by hand).

The figures are what `python -m benchmarks.real_eval` prints (BENCHMARKS.md); the floors sit a little under them,
so a change that loses ground on customers' real words fails here even when the sample's own figures hold.

A set whose text may not be redistributed (en-bitwarden, zh-halo) keeps its articles out of git: its floor is checked
where its fetch.sh has re-created them, and the sets in git are checked everywhere (`test_the_sets_in_git_are_present`).
"""

from __future__ import annotations

import pytest

from benchmarks.real_eval import LIKELY_THRESHOLD, ROOT, figures, has_articles, lexical, load_set, set_folders

FLOORS = {  # set: (recall@3, recall@1)
    "en-bitwarden": (0.74, 0.57),
    "en-jellyfin": (0.81, 0.59),
    "en-joplin": (0.80, 0.53),
    "mixed-alist": (0.78, 0.55),
    "zh-1panel": (0.75, 0.47),
    "zh-halo": (0.70, 0.46),
    "zh-jumpserver": (0.51, 0.39),
}


@pytest.mark.parametrize("folder", [f for f in set_folders() if has_articles(f)], ids=lambda folder: folder.name)
def test_lexical_suggestions_on_real_sets(folder, tmp_path):
    real = load_set(folder)
    ranked, confidence = lexical(real, tmp_path / "index")
    result = figures(real, ranked, confidence, LIKELY_THRESHOLD)
    at3, at1 = FLOORS[real.name]
    assert result["recall_at_3"] >= at3, result
    assert result["recall_at_1"] >= at1, result


def test_every_real_set_has_a_floor():
    assert {folder.name for folder in set_folders()} == set(FLOORS)


def test_the_sets_in_git_are_present():
    """Only a set that says how to fetch its text may lack it: the others are checked on every clean clone."""
    for folder in set_folders():
        if not has_articles(folder):
            assert (folder / "fetch.sh").is_file() and (folder / ".gitignore").is_file(), folder.name
    assert sum(1 for f in set_folders() if has_articles(f)) >= 4


def test_a_folder_of_translations_suggests_pages_in_each_questions_language(tmp_path):
    """mixed-alist holds AList's English pages and their Chinese translation under zh/: a Chinese question is
    answered from the Chinese pages, an English one from the English pages (22 suggestions crossed over when
    every page was a candidate for every question)."""
    real = load_set(ROOT / "mixed-alist")
    assert real.translated and {q.lang for q in real.questions} == {"en", "zh"}
    ranked, _ = lexical(real, tmp_path / "index")
    for q in real.questions:
        assert ranked[q.id] and all(page.startswith("zh/") == (q.lang == "zh") for page in ranked[q.id]), q
