"""Actor extraction: precision and recall on labelled texts, and false actors in actor-free sentences.

Prints, per language and per actor type, the precision and recall of the actors found in the cases of
`tests/eval/actors/{da,de}.toml` (each a text and every actor a reader would name from it), the same
on `holdout_{da,de}.toml` (written apart from the code and never tuned against), and —
when `../shared` is beside the checkout — in how many of the real news sentences of
`../shared/eval/no_actor_sentences` (where annotators marked no entity at all) an actor is found,
listing those sentences. `--misses` lists every actor missed or found wrongly.

    python scripts/eval_actors.py [--misses]
"""

from __future__ import annotations

import sys
import tomllib
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from index.actors import ACTOR_TYPES, Gazetteer, Mention, load_gazetteer  # noqa: E402

CASES_DIR = REPO / "tests" / "eval" / "actors"
NO_ACTOR_DIR = REPO.parent / "shared" / "eval" / "no_actor_sentences"
LANGUAGES = ("da", "de")


SETS = {"eval": "", "holdout": "holdout_"}  # case set -> file name prefix


def load_cases(gazetteer: Gazetteer, case_set: str = "eval") -> dict[str, list[dict]]:
    """The labelled cases per language; a label naming no actor of the gazetteer is an error."""
    cases = {lang: tomllib.loads((CASES_DIR / f"{SETS[case_set]}{lang}.toml").read_text(encoding="utf-8"))["case"] for lang in LANGUAGES}
    unknown = sorted({f"{c['id']}: {a}" for lang in cases for c in cases[lang] for a in c["actors"] if a not in gazetteer.actors})
    if unknown:
        raise SystemExit("labels name actors the gazetteer does not have:\n  " + "\n  ".join(unknown))
    return cases


def actor_scores(misses: list[str] | None = None, case_set: str = "eval") -> dict[str, float]:
    """{"da_precision": …, "da_recall": …, "da_country_recall": …, "all_precision": …}: per language
    and actor type, over all cases (an actor counts once per case)."""
    gazetteer = load_gazetteer()
    tally: Counter[tuple[str, str, str]] = Counter()  # (language, type, tp|fp|fn)
    for lang, cases in load_cases(gazetteer, case_set).items():
        for case in cases:
            found = {m.actor for m in gazetteer.find(case["text"])}
            gold = set(case["actors"])
            for actor, outcome in [(a, "tp") for a in found & gold] + [(a, "fp") for a in found - gold] + [(a, "fn") for a in gold - found]:
                kind = gazetteer.actors[actor].type
                for key in ((lang, kind), (lang, "all"), ("all", kind), ("all", "all")):
                    tally[(*key, outcome)] += 1
                if misses is not None and outcome != "tp":
                    misses.append(f"{case['id']}: {'missed' if outcome == 'fn' else 'wrongly found'} {actor}: {case['text'][:100]}")
    scores = {}
    for lang in (*LANGUAGES, "all"):
        for kind in (*ACTOR_TYPES, "all"):
            tp, fp, fn = (tally[(lang, kind, o)] for o in ("tp", "fp", "fn"))
            prefix = _prefix(lang, kind)
            if tp + fp:
                scores[prefix + "precision"] = tp / (tp + fp)
            if tp + fn:
                scores[prefix + "recall"] = tp / (tp + fn)
    return scores


def _prefix(lang: str, kind: str) -> str:
    """The start of a figure's name: `da_` for every type, `da_person_` for one."""
    return f"{lang}_" if kind == "all" else f"{lang}_{kind}_"


def no_actor_mentions(lang: str) -> list[tuple[str, list[Mention]]]:
    """Each actor-free sentence of `lang` with the actors found in it (none, ideally)."""
    gazetteer = load_gazetteer()
    sentences = [s for s in (NO_ACTOR_DIR / f"{lang}.txt").read_text(encoding="utf-8").splitlines() if s.strip()]
    return [(sentence, gazetteer.find(sentence)) for sentence in sentences]


def main() -> int:
    misses: list[str] | None = [] if "--misses" in sys.argv else None
    scores = {case_set: actor_scores(misses, case_set) for case_set in SETS}
    print(f"{'language':10s} {'type':14s} {'precision':>9s} {'recall':>7s}   {'holdout':>9s} {'':>7s}")
    for lang in (*LANGUAGES, "all"):
        for kind in (*ACTOR_TYPES, "all"):
            prefix = _prefix(lang, kind)
            figures = [_figure(scores[s].get(prefix + m)) for s in SETS for m in ("precision", "recall")]
            print(f"{lang:10s} {kind:14s} {figures[0]:>9s} {figures[1]:>7s}   {figures[2]:>9s} {figures[3]:>7s}")
    if NO_ACTOR_DIR.is_dir():
        for lang in LANGUAGES:
            sentences = no_actor_mentions(lang)
            hits = [(sentence, mentions) for sentence, mentions in sentences if mentions]
            print(f"\nactor-free sentences, {lang}: an actor found in {len(hits)} of {len(sentences)} ({len(hits) / len(sentences):.2%})")
            for sentence, mentions in hits:
                print("  " + ", ".join(f"{sentence[m.start : m.end]} → {m.actor}" for m in mentions) + f"  |  {sentence}")
    else:
        print(f"\nactor-free sentences: skipped ({NO_ACTOR_DIR} not found)")
    for miss in misses or []:
        print(f"  {miss}")
    return 0


def _figure(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


if __name__ == "__main__":
    sys.exit(main())
