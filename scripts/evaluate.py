#!/usr/bin/env python3
"""Quality figures: cleaning, titles, dates, languages and actors on labelled data.

Prints one table; `tests/test_quality.py` holds the same figures to the floors in
`tests/eval/floors.toml`. Evaluation sets:
  sample    data/sample with tests/labels/*.toml (keep/drop snippets, language, date, title, actors)
  fixture   tests/fixtures/corpus with tests/fixtures/corpus_expected.toml
  langid    ../shared/eval/langid sentences (when ../shared is beside the checkout)
  no_actor  ../shared/eval/no_actor_sentences: share of sentences where no actor is found
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from index.actors import load_gazetteer  # noqa: E402
from index.clean.evaluation import ratio  # noqa: E402
from index.clean.rules import load_rules  # noqa: E402
from index.clean.training import spaced  # noqa: E402
from index.build import measure_corpus, prepare  # noqa: E402
from index.documents import CleanDocument, RawDocument  # noqa: E402
from index.language import detect, normalise_code  # noqa: E402
from index.sources import read_corpus  # noqa: E402

from eval_actors import no_actor_mentions  # noqa: E402  (scripts/ is on the path: the script's folder)

SHARED = REPO.parent / "shared"
LABELLED = {
    "sample": (REPO / "data" / "sample", sorted((REPO / "tests" / "labels").glob("*.toml"))),
    "fixture": (REPO / "tests" / "fixtures" / "corpus", [REPO / "tests" / "fixtures" / "corpus_expected.toml"]),
}
LANGID_LANGUAGES = ("da", "de", "en", "nb", "sv", "nl")


def labelled_scores(corpus: Path, label_files: list[Path]) -> tuple[dict[str, float], list[str]]:
    """Scores of the pipeline against labels, and a line per miss."""
    labels: dict = {}
    for path in label_files:
        with path.open("rb") as fh:
            labels.update({k: v for k, v in tomllib.load(fh).items() if isinstance(v, dict) and "lang" in v})
    gazetteer, rules = load_gazetteer(), load_rules()
    repeated = measure_corpus(corpus, rules)
    counts = {k: [0, 0] for k in ("keep", "drop", "lang", "date", "title", "actor_recall")}
    misses: list[str] = []

    def score(metric: str, ok: bool, miss: str) -> None:
        counts[metric][0] += ok
        counts[metric][1] += 1
        if not ok:
            misses.append(miss)

    for raw in read_corpus(corpus):
        if not isinstance(raw, RawDocument) or raw.id not in labels:
            continue
        label = labels[raw.id]
        doc = prepare(raw, gazetteer, rules, repeated)
        if not isinstance(doc, CleanDocument):
            misses.append(f"{raw.id}: skipped ({doc.reason})")
            continue
        text = spaced(doc.text)
        title = spaced(doc.title or "")
        whole = spaced("\n".join(doc.content))
        for keep in label.get("keep", []):
            found = text.count(spaced(keep)) or (spaced(keep) in title)
            score("keep", found == 1, f"{raw.id}: keep x{found}: {keep[:70]}")
        for drop in label.get("drop", []):
            score("drop", spaced(drop) not in whole, f"{raw.id}: drop left: {drop[:70]}")
        score("lang", doc.lang == normalise_code(label["lang"]), f"{raw.id}: lang {doc.lang} != {label['lang']}")
        got = str(doc.date) if doc.date else None
        score("date", got == label.get("date"), f"{raw.id}: date {got} != {label.get('date')}")
        if "title" in label:
            score("title", title == spaced(label["title"]), f"{raw.id}: title {title[:50]!r}")
        found_actors = {m.id for m in doc.actors}
        for actor in label.get("actors", []):
            score("actor_recall", actor in found_actors, f"{raw.id}: actor {actor} not found")
    return {k: ratio(*v) for k, v in counts.items()}, misses


def langid_scores() -> dict[str, float]:
    """Sentence-level accuracy per language on the UD sentences (Norwegian Bokmål counts as `no`)."""
    scores = {}
    for code in LANGID_LANGUAGES:
        path = SHARED / "eval" / "langid" / f"{code}_sentences.txt"
        sentences = [s for s in path.read_text(encoding="utf-8").splitlines() if s.strip()]
        expected = normalise_code(code)
        scores[code] = ratio(sum(detect(s)[0] == expected for s in sentences), len(sentences))
    return scores


def no_actor_scores() -> dict[str, float]:
    """Share of actor-free sentences where no actor is found: by names, and by any word form."""
    scores = {}
    for lang in ("da", "de"):
        mentions = [ms for _, ms in no_actor_mentions(lang)]
        scores[f"{lang}_names"] = ratio(sum(not any(m.kind == "name" for m in ms) for ms in mentions), len(mentions))
        scores[f"{lang}_all_forms"] = ratio(sum(not ms for ms in mentions), len(mentions))
    return scores


def all_scores() -> dict[str, dict[str, float]]:
    results = {name: labelled_scores(*spec)[0] for name, spec in LABELLED.items()}
    if SHARED.is_dir():
        results["langid"] = langid_scores()
        results["no_actor"] = no_actor_scores()
    return results


def main() -> int:
    for name, spec in LABELLED.items():
        scores, misses = labelled_scores(*spec)
        print(f"{name:9s} " + "  ".join(f"{k} {v:.3f}" for k, v in scores.items()))
        for miss in misses:
            print(f"            {miss}")
    if SHARED.is_dir():
        print("langid    " + "  ".join(f"{k} {v:.3f}" for k, v in langid_scores().items()))
        print("no_actor  " + "  ".join(f"{k} {v:.3f}" for k, v in no_actor_scores().items()))
    else:
        print(f"langid, no_actor: skipped ({SHARED} not found)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
