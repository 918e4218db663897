#!/usr/bin/env python3
"""Boilerplate cleaning, measured on labelled pages, beside the rules alone and jusText.

    python scripts/eval_cleaning.py [--misses] [--ablate]

Real pages (../shared/eval/cleaning_real, when ../shared is beside the checkout): article lines
kept, boilerplate lines removed, glued lines separated, pages with no article text skipped, per
language group and per kind of boilerplate. The line model is fitted on these pages and on the
project's written pages, so every figure of ours comes from leave-site-out cross-validation: each
page cleaned by a model fitted without its site (10 folds of whole sites). `rules` is the cleaner
with no model; jusText 3.0.2 gets each line of the same page as a <p>, with the stop list of the
page's language.

Written pages labelled line by line (tests/eval/cleaning_lines): the same figures, cross-validated
the same way; and on the written pages never fitted on (tests/eval/cleaning_lines_holdout), by the
shipped model. Written pages with snippets
(tests/eval/cleaning; `holdout` written later for sites in none of the others): the share of article
snippets there exactly once and of boilerplate snippets gone, cross-validated the same way. Seeds
(../shared/seeds): cleaned by the shipped model, which never saw them.

`--ablate` also prints what each kind of rule adds on top of the model (the real pages cleaned by the
same fold models with that kind's rules taken away) and what each layout signal would do as a rule
(refitted). Also printed: the time to clean a 5,000-word article, beside the rules alone in the same
run. tests/test_quality.py holds the figures to tests/eval/floors.toml.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from index.clean import evaluation as ev  # noqa: E402
from index.clean import training  # noqa: E402
from index.clean.rules import load_rules  # noqa: E402

GROUPS = ("da", "de", "no/sv", "en", "all")


def cell(tally: ev.Tally | None, figure: str) -> str:
    if tally is None or figure not in tally.figures:
        return "-"
    passed, total = tally.figures[figure]
    return f"{passed}/{total} {passed / total:.3f}"


def real_tables(scores: dict[str, dict[str, ev.Tally]], title: str = "Real pages, leave-site-out") -> None:
    cleaners = [c for c in ("cleaning", "rules", "justext") if c in scores]
    print(f"{title} (ours | rules alone | jusText)")
    print(f"{'group':7} {'pages':>5}  " + "  ".join(f"{f:^44}" for f in ("keep", "drop", "mixed", "empty")))
    for group in GROUPS:
        if group not in scores["cleaning"]:
            continue
        tally = scores["cleaning"][group]
        pages = tally.figures["indexed"][1] + tally.figures.get("empty", [0, 0])[1]
        cells = ["  ".join(f"{cell(scores[c].get(group), f):>14}" for c in cleaners) for f in ("keep", "drop", "mixed", "empty")]
        print(f"{group:7} {pages:5d}  " + "  ".join(cells))
    print("\nBoilerplate removed by kind (ours | rules alone | jusText)")
    kinds = scores["cleaning"]["all"].kinds
    for kind in sorted(kinds, key=lambda k: -kinds[k][1]):
        row = []
        for c in cleaners:
            passed, total = scores[c]["all"].kinds.get(kind, (0, 0))
            row.append(f"{passed:3d}/{total:<3d} {passed / total if total else 0:.2f}")
        print(f"  {kind:12} " + "   ".join(row))


def snippet_tables(scores: dict[str, dict[str, float]]) -> None:
    print("\nWritten pages (cross-validated) and seeds (shipped model): ours | rules alone | jusText")
    print(f"{'set':20} {'keep':>22} {'drop':>22} {'empty':>22}")
    for name in ("eval", "holdout", "sample", "seeds"):
        if f"cleaning_{name}" not in scores:
            continue
        for lang in ("da", "de", "all"):
            row = []
            for metric in ("keep", "drop", "empty"):
                values = [scores.get(f"{c}_{name}", {}).get(f"{lang}_{metric}") for c in ("cleaning", "rules", "justext")]
                row.append(" ".join("  -  " if v is None else f"{v:.3f}" for v in values))
            print(f"{name + ' ' + lang:20} " + " ".join(f"{r:>22}" for r in row))


def ablation(cv: ev.CrossValidation) -> None:
    """What each kind of rule adds on top of the model: the real pages cleaned by the same fold models
    with that kind's rules taken away (its lines then left to the model, which no longer sees the
    rule's finding); and what the two layout signals would do as rules (refitted: 10 folds each)."""
    base_rules = load_rules()
    full = ev.real_scores(cv, with_rules=False)["cleaning"]["all"]
    keep, drop = full.ratio("keep"), full.ratio("drop")
    print(f"\nWhat each rule kind adds on top of the model (real pages; with every rule: keep {keep:.3f} drop {drop:.3f})")
    rows = []
    for kind in sorted(k.name for k in base_rules.kinds):
        rules = dataclasses.replace(base_rules, kinds=tuple(k for k in base_rules.kinds if k.name != kind))
        tally = ev.real_scores(cv, rules=rules, with_rules=False)["cleaning"]["all"]
        rows.append((kind, keep - tally.ratio("keep"), drop - tally.ratio("drop")))
    for kind, k, d in sorted(rows, key=lambda row: (-row[2], row[0])):
        print(f"  {kind:22} keep {k:+.3f}  drop {d:+.3f}")
    config = training.Config()
    for signal in config.signals:
        refitted = ev.cross_validation(dataclasses.replace(config, signals=tuple(s for s in config.signals if s != signal)))
        tally = ev.real_scores(refitted, with_rules=False)["cleaning"]["all"]
        print(f"  {signal} as a rule, not a signal (refitted): keep {tally.ratio('keep') - keep:+.3f}  drop {tally.ratio('drop') - drop:+.3f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list every line scored wrong")
    parser.add_argument("--ablate", action="store_true", help="what each signal and rule kind adds (slow)")
    args = parser.parse_args()
    cv = ev.cross_validation()
    misses: list[str] | None = [] if args.misses else None
    real = ev.real_scores(cv, with_justext=True, misses=misses)
    if real:
        real_tables(real)
    else:
        print(f"real pages: skipped ({training.REAL_SET} not found)")
    written = ev.real_scores(cv, with_justext=True, misses=misses, origin="lines")
    held_out = ev.real_scores(cv, with_justext=True, misses=misses, origin="lines_holdout")
    for tallies, title in ((written, "Written pages labelled line by line (tests/eval/cleaning_lines), leave-site-out"),
                           (held_out, "Written pages never fitted on (tests/eval/cleaning_lines_holdout), shipped model")):
        if tallies:
            print()
            real_tables(tallies, title)
    snippet_tables(ev.cleaning_scores(with_justext=True, cv=cv, misses=misses, real=real, written=written, held_out=held_out))
    page = ev.timing_page(ev.snippet_cases() + ev.snippet_cases(held_out=True))
    print(f"\ncleaning a {len(page.text.split()):,}-word article: {ev.clean_milliseconds(page):.1f} ms (median of {ev.TIMING_RUNS}),"
          f" rules alone {ev.clean_milliseconds(page, ev.RULES_ONLY):.1f} ms")
    if args.ablate:
        ablation(cv)
    for miss in misses or []:
        print(f"  {miss}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
