"""Search relevance on the judged queries of tests/eval/relevance over data/sample, beside plain Whoosh.

Builds the sample corpus with the full pipeline and, for the baseline, puts the raw files in one
field stemmed by Whoosh's LanguageAnalyzer("de") (default BM25F, no expansion; the same baseline as
scripts/bench.py), then prints nDCG@10, recall@10 and MRR per query type and overall for both.
Filters (language, actor, dates) are applied to both alike from what our build found, so the
figures compare ranking and matching. Our hits are taken with collapse=false: every copy of a story
is judged on its own.

    python scripts/eval_search.py [--queries]     # --queries: the figures of every query
"""

from __future__ import annotations

import math
import sys
import tempfile
import tomllib
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))

from whoosh.index import open_dir  # noqa: E402
from whoosh.qparser import QueryParser  # noqa: E402

from bench import baseline_facts, build_baseline  # noqa: E402
from index.build import build  # noqa: E402
from index.dates import PartialDate  # noqa: E402
from search import SearchRequest, SearchService  # noqa: E402

QUERIES = REPO / "tests" / "eval" / "relevance" / "queries.toml"
SAMPLE = REPO / "data" / "sample"
DEPTH = 10
METRICS = ("ndcg", "recall", "mrr")


def load_queries() -> list[dict]:
    queries = tomllib.loads(QUERIES.read_text(encoding="utf-8"))["query"]
    missing = sorted({f"{q['id']}: {d}" for q in queries for d in q["relevant"] if not (SAMPLE / f"{d}.txt").is_file()})
    if missing:
        raise SystemExit("judged documents that are not in data/sample:\n  " + "\n  ".join(missing))
    return queries


def judge(ranked: list[str], relevant: dict[str, int]) -> dict[str, float]:
    """nDCG@10 (gain 2**grade - 1), recall@10 and reciprocal rank of one ranked list of ids."""
    top = ranked[:DEPTH]
    dcg = sum((2 ** relevant.get(d, 0) - 1) / math.log2(i + 2) for i, d in enumerate(top))
    ideal = sorted(relevant.values(), reverse=True)[:DEPTH]
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    first = next((i for i, d in enumerate(ranked) if d in relevant), None)
    return {
        "ndcg": dcg / idcg,
        "recall": len(set(top) & set(relevant)) / len(relevant),
        "mrr": 0.0 if first is None else 1 / (first + 1),
    }


def ours(service: SearchService, query: dict) -> list[str]:
    request = SearchRequest(
        q=query["q"], lang=query.get("lang", []), actor=query.get("actor", []), date_from=query.get("from"),
        date_to=query.get("to"), size=DEPTH, collapse=False,
    )
    return [hit["id"] for hit in service.search(request)["hits"]]


def plain(searcher, parser: QueryParser, facts: dict[str, dict], query: dict) -> list[str]:
    """The baseline's top ids, restricted to the documents the filters allow (by our facts)."""
    allowed = {doc_id for doc_id, fact in facts.items() if _passes(fact, query)}
    results = searcher.search(parser.parse(query["q"]), limit=None)
    return [hit["id"] for hit in results if hit["id"] in allowed][:DEPTH]


def _passes(fact: dict, query: dict) -> bool:
    if query.get("lang") and fact["lang"] not in query["lang"]:
        return False
    if not set(query.get("actor", [])) <= set(fact["actors"]):
        return False
    if query.get("from") or query.get("to"):
        if not fact["date"]:
            return False
        date = PartialDate.parse(fact["date"])
        if query.get("from") and date.last_day() < PartialDate.parse(query["from"]).first_day():
            return False
        if query.get("to") and date.first_day() > PartialDate.parse(query["to"]).last_day():
            return False
    return True


def relevance_scores(per_query: list | None = None) -> dict[str, dict[str, float]]:
    """{"ours": {"all_ndcg": …, "compound_ndcg": …}, "plain": {…}}: means per query type and overall."""
    queries = load_queries()
    with tempfile.TemporaryDirectory() as tmp:
        index_dir, baseline_dir = Path(tmp) / "index", Path(tmp) / "baseline"
        build(SAMPLE, index_dir)
        facts = baseline_facts(index_dir)
        build_baseline(SAMPLE, baseline_dir, facts)
        service = SearchService(index_dir)
        ix = open_dir(str(baseline_dir))
        parser = QueryParser("text", ix.schema)
        sums: dict[str, dict[str, list[float]]] = {"ours": defaultdict(list), "plain": defaultdict(list)}
        try:
            with ix.searcher() as searcher:
                for query in queries:
                    runs = {"ours": ours(service, query), "plain": plain(searcher, parser, facts, query)}
                    for system, ranked in runs.items():
                        figures = judge(ranked, query["relevant"])
                        for metric in METRICS:
                            sums[system][f"{query['type']}_{metric}"].append(figures[metric])
                            sums[system][f"all_{metric}"].append(figures[metric])
                        if per_query is not None:
                            per_query.append((query["id"], system, figures, ranked))
        finally:
            service.close()
    return {system: {k: sum(v) / len(v) for k, v in figures.items()} for system, figures in sums.items()}


def main() -> int:
    per_query: list | None = [] if "--queries" in sys.argv else None
    scores = relevance_scores(per_query)
    types = sorted({k.rsplit("_", 1)[0] for k in scores["ours"]} - {"all"}) + ["all"]
    counts = defaultdict(int)
    for query in load_queries():
        counts[query["type"]] += 1
        counts["all"] += 1
    print(f"{'query type':14s} {'n':>3s}  {'nDCG@10 ours / plain':>21s}  {'recall@10 ours / plain':>23s}  {'MRR ours / plain':>17s}")
    for kind in types:
        cells = [f"{scores['ours'][f'{kind}_{m}']:.3f} / {scores['plain'][f'{kind}_{m}']:.3f}" for m in METRICS]
        print(f"{kind:14s} {counts[kind]:3d}  {cells[0]:>21s}  {cells[1]:>23s}  {cells[2]:>17s}")
    for query_id, system, figures, ranked in per_query or []:
        print(f"  {query_id:18s} {system:5s} " + " ".join(f"{m} {figures[m]:.2f}" for m in METRICS) + f"  {ranked[:5]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
