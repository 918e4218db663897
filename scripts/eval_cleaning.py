#!/usr/bin/env python3
"""Boilerplate cleaning, measured: our cleaner beside jusText on the same labelled pages.

    python scripts/eval_cleaning.py [--misses]

Sets:
  eval     tests/eval/cleaning/pages with tests/eval/cleaning/labels/*.toml: pages written for this
           evaluation, modelled on Danish, German, Austrian and Swiss news sites
  holdout  the pages of labels/holdout.toml: written afterwards for sites in none of the others,
           measured but never tuned against
  seeds    ../shared/seeds with tests/eval/cleaning/seeds.toml (line numbers), when ../shared exists

Per set and language: `keep` is the share of article snippets present exactly once after cleaning,
`drop` the share of boilerplate snippets gone, `empty` the share of pages with no article text
that are skipped. jusText gets each line of the same pages as a <p> and the stop list of the page's
labelled language; its good paragraphs are its output. Each set is cleaned as one corpus, so lines
repeated across its pages count (index.repeated), as in a build; `page by page` is ours without
that signal. Also printed: the time to
clean a 5,000-word article (the page with the most boilerplate, its body grown to that length).
tests/test_quality.py holds the figures to tests/eval/floors.toml.
"""

from __future__ import annotations

import html
import re
import statistics
import sys
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from index.clean.rules import load_rules, word_count  # noqa: E402
from index.build import measure_corpus  # noqa: E402
from index.clean import clean, has_article_text  # noqa: E402
from index.documents import RawDocument  # noqa: E402
from index.repeated import NO_REPEATED_LINES  # noqa: E402
from index.sources import read_corpus  # noqa: E402

EVAL_DIR = REPO / "tests" / "eval" / "cleaning"
PAGES = EVAL_DIR / "pages"
HOLDOUT_LABELS = "holdout.toml"
SEEDS = REPO.parent / "shared" / "seeds"
JUSTEXT_STOPLISTS = {"da": "Danish", "de": "German"}
TIMING_WORDS = 5_000
TIMING_RUNS = 20


@dataclass
class Case:
    """One labelled page: its raw document and what must survive and go."""

    raw: RawDocument
    lang: str
    keep: list[str]
    drop: list[str]
    empty: bool = False


@dataclass
class Tally:
    keep: list[int] = field(default_factory=lambda: [0, 0])
    drop: list[int] = field(default_factory=lambda: [0, 0])
    empty: list[int] = field(default_factory=lambda: [0, 0])

    def add(self, metric: str, ok: bool) -> None:
        getattr(self, metric)[0] += ok
        getattr(self, metric)[1] += 1

    def ratio(self, metric: str) -> float:
        return ratio(*getattr(self, metric))


def ratio(good: int, total: int) -> float:
    return good / total if total else 1.0


def norm(text: str) -> str:
    """Whitespace runs as one space: how snippets and output lines are compared."""
    return " ".join(text.split())


def occurrences(snippet: str, lines: list[str]) -> int:
    """How often a snippet is in the cleaned lines: as a whole line if it is one, else as a substring."""
    snippet = norm(snippet)
    whole = sum(line == snippet for line in lines)
    return whole or sum(line.count(snippet) for line in lines)


def left_over(snippet: str, lines: list[str]) -> int:
    """How much of a `drop` snippet is left: its occurrences, or else the lines that are most of it
    (a cut that took a button off a prompt and left the prompt)."""
    snippet = norm(snippet)
    return occurrences(snippet, lines) or sum(2 * len(line) >= len(snippet) and line in snippet for line in lines)


def eval_cases(held_out: bool = False) -> list[Case]:
    """The labelled pages: those we develop against, or (`held_out`) those of labels/holdout.toml,
    written later for sites not in the others and measured, not tuned against."""
    labels: dict[str, dict] = {}
    for path in sorted((EVAL_DIR / "labels").glob("*.toml")):
        if (path.name == HOLDOUT_LABELS) == held_out:
            labels.update(tomllib.loads(path.read_text(encoding="utf-8")))
    cases = []
    for raw in read_corpus(PAGES):
        if isinstance(raw, RawDocument) and raw.id in labels:
            label = labels.pop(raw.id)
            cases.append(Case(raw, label["lang"], label.get("keep", []), label.get("drop", []), label.get("skip", False)))
    if labels:
        raise SystemExit(f"labels without a page: {', '.join(sorted(labels))}")
    return cases


def seed_cases() -> list[Case]:
    spec = tomllib.loads((EVAL_DIR / "seeds.toml").read_text(encoding="utf-8"))
    inline = [re.compile(p) for p in spec.pop("inline")]
    raws = {raw.id: raw for raw in read_corpus(SEEDS) if isinstance(raw, RawDocument)}
    cases = []
    for doc_id, label in spec.items():
        lines = (SEEDS / f"{doc_id}.txt").read_text(encoding="utf-8").splitlines()
        keep, drop = [], [lines[n - 1] for n in label["boilerplate"]]
        for number in label["article"]:
            line = lines[number - 1]
            for pattern in inline:
                drop += [m.group("drop") for m in pattern.finditer(line)]
                line = pattern.sub("", line)
            keep.append(line)
        cases.append(Case(raws[doc_id], label["lang"], keep, drop))
    return cases


def ours(cases: list[Case], corpus: Path | None) -> list[list[str] | None]:
    """Our cleaned lines (title first) per case, None for a page skipped as having no article text.
    With a `corpus` folder, the cases' pages are one corpus: lines repeated across them count."""
    rules = load_rules()
    files = [corpus / case.raw.source_path for case in cases] if corpus else []
    repeated = measure_corpus(corpus, rules, files) if corpus else NO_REPEATED_LINES
    results = []
    for case in cases:
        doc = clean(case.raw, rules, repeated)
        results.append([norm(x) for x in doc.content] if has_article_text(doc.paragraphs) else None)
    return results


def justext_output(cases: list[Case]) -> list[list[str] | None]:
    """jusText's good paragraphs per case, each line of the page given to it as a <p>."""
    import justext

    results = []
    for case in cases:
        lines = [html.escape(line) for line in case.raw.text.splitlines() if line.strip()]  # text, as we get it
        page = "<html><body>" + "".join(f"<p>{line}</p>" for line in lines) + "</body></html>"
        stoplist = justext.get_stoplist(JUSTEXT_STOPLISTS[case.lang])
        good = [norm(p.text) for p in justext.justext(page.encode("utf-8"), stoplist, encoding="utf-8") if not p.is_boilerplate]
        results.append(good or None)
    return results


def score(cases: list[Case], outputs: list[list[str] | None], key=lambda case: case.lang, misses: list[str] | None = None) -> dict[str, float]:
    """Figures per `key` of a case (its language by default) and for `all`: {"da_keep": 1.0, ...}."""
    tallies: dict[str, Tally] = {}
    for case, lines in zip(cases, outputs):
        keeps = [(s, occurrences(s, lines or [])) for s in case.keep]
        drops = [(s, left_over(s, lines or [])) for s in case.drop]
        for tally in (tallies.setdefault(key(case), Tally()), tallies.setdefault("all", Tally())):
            if case.empty:
                tally.add("empty", lines is None)
            for _, found in keeps:
                tally.add("keep", found == 1)
            for _, found in drops:
                tally.add("drop", found == 0)
        if misses is not None:
            if case.empty and lines is not None:
                misses.append(f"{case.raw.id}: not skipped")
            misses += [f"{case.raw.id}: keep x{found}: {s[:80]}" for s, found in keeps if found != 1]
            misses += [f"{case.raw.id}: drop left: {s[:80]}" for s, found in drops if found]
    return {
        f"{name}_{metric}": tally.ratio(metric)
        for name, tally in tallies.items()
        for metric in ("keep", "drop", "empty")
        if getattr(tally, metric)[1]
    }


def cleaned_sets(with_justext: bool, page_by_page: bool = False) -> dict[str, tuple[list[Case], dict[str, list[list[str] | None]]]]:
    """Per set (`eval`, `holdout`, `seeds`): its cases and each cleaner's output (`cleaning`, with
    `justext`, and with `page_by_page`: ours without the corpus-level signal)."""
    sets = {"eval": (eval_cases(), PAGES), "holdout": (eval_cases(held_out=True), PAGES)}
    if SEEDS.is_dir():
        sets["seeds"] = (seed_cases(), SEEDS)
    results = {}
    for name, (cases, corpus) in sets.items():
        if not cases:
            continue
        outputs = {"cleaning": ours(cases, corpus)}
        if with_justext:
            outputs["justext"] = justext_output(cases)
        if page_by_page:
            outputs["page_by_page"] = ours(cases, None)
        results[name] = (cases, outputs)
    return results


def cleaning_scores(with_justext: bool = False, misses: list[str] | None = None) -> dict[str, dict[str, float]]:
    """Figures per cleaner and set, {"cleaning_eval": {"da_keep": ..., "all_drop": ...}, ...}; jusText's
    groups are `justext_eval` and `justext_seeds`."""
    return {
        f"{cleaner}_{name}": score(cases, output, misses=misses if cleaner == "cleaning" else None)
        for name, (cases, outputs) in cleaned_sets(with_justext).items()
        for cleaner, output in outputs.items()
    }


def _group(case: Case) -> str:
    """The folder of pages a case is in (one writer, one kind of site)."""
    return case.raw.id.split("/")[0]


def _row(label: str, pages: int, mine: dict[str, float], theirs: dict[str, float], key: str) -> str:
    cells = [
        f"{mine[f'{key}_{metric}']:.3f}  {theirs[f'{key}_{metric}']:.3f}" if f"{key}_{metric}" in mine else f"{'-':>13s}"
        for metric in ("keep", "drop", "empty")
    ]
    return f"{label:22s} {pages:5d}   " + "   ".join(cells)


def timing_page(cases: list[Case]) -> RawDocument:
    """A TIMING_WORDS-word article: the labelled page with the most boilerplate, its body grown with
    the article sentences of the other pages, four to a paragraph."""
    page = max(cases, key=lambda c: len(c.drop))
    sentences = [s for c in cases if c is not page for s in c.keep if len(s.split()) >= 8]
    paragraphs, words = [], len(page.raw.text.split())
    for start in range(0, len(sentences), 4):
        if words >= TIMING_WORDS:
            break
        paragraphs.append(" ".join(sentences[start : start + 4]))
        words += len(paragraphs[-1].split())
    lines = page.raw.text.splitlines()
    middle = len(lines) // 2
    text = "\n".join(lines[:middle] + paragraphs + lines[middle:])
    return RawDocument(id="timing", source_path="timing.txt", text=text)


def clean_milliseconds(page: RawDocument) -> float:
    """Median wall time of cleaning `page`, after one warm-up run that loads rules and word lists."""
    rules = load_rules()
    clean(page, rules)
    times = []
    for _ in range(TIMING_RUNS):
        word_count.cache_clear()  # each run as a page never seen: nothing remembered from the last
        start = time.perf_counter()
        clean(page, rules)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> int:
    misses: list[str] | None = [] if "--misses" in sys.argv else None
    print(f"{'set and language':22s} {'pages':>5s}   {'keep':>13s}   {'drop':>13s}   {'empty':>13s}")
    print(f"{'':22s} {'':5s}   {'ours  jusText':>13s}   {'ours  jusText':>13s}   {'ours  jusText':>13s}")
    sets = cleaned_sets(with_justext=True, page_by_page=True)
    for name, (cases, outputs) in sets.items():
        mine = score(cases, outputs["cleaning"], misses=misses)
        theirs = score(cases, outputs["justext"])
        for lang in sorted({c.lang for c in cases}) + ["all"]:
            print(_row(f"{name} {lang}", sum(1 for c in cases if lang in (c.lang, "all")), mine, theirs, lang))
        if name != "seeds":
            alone = score(cases, outputs["page_by_page"])
            print(_row(f"{name} all, page by page", len(cases), alone, theirs, "all"))
    if not SEEDS.is_dir():
        print(f"seeds: skipped ({SEEDS} not found)")
    cases = sets["eval"][0] + sets["holdout"][0] if "holdout" in sets else sets["eval"][0]
    outputs = {k: v + sets["holdout"][1][k] for k, v in sets["eval"][1].items()} if "holdout" in sets else sets["eval"][1]
    mine, theirs = score(cases, outputs["cleaning"], key=_group), score(cases, outputs["justext"], key=_group)
    print("by group of pages:")
    for name in sorted({_group(c) for c in cases}):
        print(_row(f"  {name}", sum(1 for c in cases if _group(c) == name), mine, theirs, name))
    page = timing_page(cases)
    print(f"cleaning a {len(page.text.split()):,}-word article: {clean_milliseconds(page):.1f} ms (median of {TIMING_RUNS})")
    for miss in misses or []:
        print(f"  {miss}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
