"""Floors on real help centers (benchmarks/real: public docs and their users' own questions, labelled by hand).

The figures are what `python -m benchmarks.real_eval` prints (BENCHMARKS.md); the floors sit a little under them,
so a change that loses ground on customers' real words fails here even when the sample's own figures hold.
"""

from __future__ import annotations

import pytest

from benchmarks.real_eval import LIKELY_THRESHOLD, figures, has_articles, lexical, load_set, set_folders

FLOORS = {  # set: (recall@3, recall@1)
    "en-bitwarden": (0.74, 0.57),
    "en-jellyfin": (0.81, 0.59),
    "en-joplin": (0.80, 0.53),
    "zh-1panel": (0.75, 0.47),
    "zh-jumpserver": (0.51, 0.39),
}


@pytest.mark.parametrize("folder", set_folders(), ids=lambda folder: folder.name)
def test_lexical_suggestions_on_real_sets(folder, tmp_path):
    if not has_articles(folder):
        pytest.skip(f"{folder.name}: articles not present (run its fetch.sh, see its SOURCE.md)")
    real = load_set(folder)
    ranked, confidence = lexical(real, tmp_path / "index")
    result = figures(real, ranked, confidence, LIKELY_THRESHOLD)
    at3, at1 = FLOORS[real.name]
    assert result["answered"] >= 30 and result["questions"] - result["answered"] >= 20
    assert result["recall_at_3"] >= at3
    assert result["recall_at_1"] >= at1


def test_every_real_set_has_a_floor():
    assert {folder.name for folder in set_folders()} == set(FLOORS)
