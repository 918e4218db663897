"""The evaluation gate: every figure of scripts/evaluate.py, eval_actors.py, eval_search.py and the
cleaning evaluation (index/clean/evaluation.py, printed by scripts/eval_cleaning.py) at or above its
floor in tests/eval/floors.toml, our cleaning ahead of jusText on the same pages, and our search ahead
of plain Whoosh on the judged queries."""

import tomllib
from pathlib import Path

import eval_actors
import eval_search
import evaluate
import pytest
from conftest import SHARED

from index.clean import evaluation as eval_cleaning

FLOORS = tomllib.loads((Path(__file__).parent / "eval" / "floors.toml").read_text(encoding="utf-8"))
CASES = [(group, metric) for group, metrics in FLOORS.items() for metric in metrics]


@pytest.fixture(scope="module")
def cleaning():
    return eval_cleaning.cleaning_scores(with_justext=True, with_rules=False)  # the rules alone have no floor


@pytest.fixture(scope="module")
def relevance():
    return eval_search.relevance_scores()


@pytest.fixture(scope="module")
def scores(cleaning, relevance):
    figures = evaluate.all_scores()
    figures["relevance"] = {k: v for k, v in relevance["ours"].items() if k.startswith("all_") or k.endswith("_ndcg")}
    for group, metrics in cleaning.items():  # per group of the real pages: the figures with a floor
        if group.startswith("cleaning_"):
            figures[group] = {k: v for k, v in metrics.items() if group not in ("cleaning_real", "cleaning_lines", "cleaning_lines_holdout") or k in FLOORS[group]}
    for group, case_set in (("actors", "eval"), ("actors_holdout", "holdout")):
        figures[group] = {k: v for k, v in eval_actors.actor_scores(case_set=case_set).items() if k.count("_") == 1}  # per language
    return figures


@pytest.mark.parametrize("group, metric", CASES, ids=[f"{g}.{m}" for g, m in CASES])
def test_figure_meets_its_floor(scores, group, metric):
    if group not in scores:
        pytest.skip(f"{SHARED} is not beside this checkout")
    assert scores[group][metric] >= FLOORS[group][metric]


def test_every_figure_has_a_floor(scores):
    for group, metrics in scores.items():
        assert set(metrics) == set(FLOORS[group]), group


@pytest.mark.parametrize("group", ["real", "lines", "lines_holdout", "eval", "holdout", "seeds"])
@pytest.mark.parametrize("metric", ["all_keep", "all_drop"])
def test_cleaning_beats_justext(cleaning, group, metric):
    if f"cleaning_{group}" not in cleaning:
        pytest.skip(f"{SHARED} is not beside this checkout")
    assert cleaning[f"cleaning_{group}"][metric] > cleaning[f"justext_{group}"][metric]


def test_search_leads_plain_whoosh_overall_and_for_every_query_type(relevance):
    ours, plain = relevance["ours"], relevance["plain"]
    assert ours["all_ndcg"] >= plain["all_ndcg"] + 0.15
    for key in (k for k in ours if k.endswith("_ndcg")):
        assert ours[key] > plain[key], key
