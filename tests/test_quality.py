"""The evaluation gate: every figure of scripts/evaluate.py at or above its floor in tests/eval/floors.toml."""

import tomllib
from pathlib import Path

import evaluate
import pytest
from conftest import SHARED

FLOORS = tomllib.loads((Path(__file__).parent / "eval" / "floors.toml").read_text(encoding="utf-8"))
CASES = [(group, metric) for group, metrics in FLOORS.items() for metric in metrics]


@pytest.fixture(scope="module")
def scores():
    return evaluate.all_scores()


@pytest.mark.parametrize("group, metric", CASES, ids=[f"{g}.{m}" for g, m in CASES])
def test_figure_meets_its_floor(scores, group, metric):
    if group not in scores:
        pytest.skip(f"{SHARED} is not beside this checkout")
    assert scores[group][metric] >= FLOORS[group][metric]


def test_every_figure_has_a_floor(scores):
    for group, metrics in scores.items():
        assert set(metrics) == set(FLOORS[group]), group
