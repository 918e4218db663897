"""How well cleaning does, measured on labelled pages; used by scripts/eval_cleaning.py and by the
quality gate (tests/test_quality.py).

Sets:
- `real`: the real pages of `../shared/eval/cleaning_real/` (when ../shared is beside the checkout),
  a label for every line, scored as its `score.py` scores a running server: `keep` — a labelled
  article line is in the document (title or text); `drop` — a labelled boilerplate line is gone (a
  copy: no more copies than the article has; a short one: no paragraph is exactly it); `mixed` — a
  glued line's article part is there and its boilerplate part gone; `empty` — a page with no
  article text was skipped; `indexed` — an article page was not skipped.
- `eval`, `holdout`: the project's written pages (tests/eval/cleaning) with keep and drop snippets:
  `keep` — an article snippet is there exactly once; `drop` — a boilerplate snippet is gone;
  `empty` — a page with no article text was skipped.
- `lines`, `lines_holdout`: the project's written pages labelled line by line
  (tests/eval/cleaning_lines, tests/eval/cleaning_lines_holdout), scored as the real pages are.
- `seeds`: the five real seed pages, by line number (tests/eval/cleaning/seeds.toml).

The line model is fitted on the real pages, the written pages (`eval`, `holdout`, `lines`) and the
sample, so their figures come from leave-site-out cross-validation: each page cleaned by a model
fitted without its site. The seeds and `lines_holdout` were never fitted on: the shipped model
cleans them.
"""

from __future__ import annotations

import gc
import html
import re
import statistics
import time
import tomllib
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from index.clean import RULES_ONLY, clean
from index.clean import training as fitting
from index.clean.rules import Rules, load_rules, word_count
from index.documents import CleanDocument, RawDocument
from index.repeated import NO_REPEATED_LINES, RepeatedLines
from index.sources import read_corpus

EVAL_DIR = fitting.PROJECT_PAGES
SEEDS = fitting.REPO.parent / "shared" / "seeds"
HOLDOUT_LABELS = "holdout.toml"
GROUPS = {"da": "da", "de": "de", "nb": "no/sv", "nn": "no/sv", "no": "no/sv", "sv": "no/sv"}
FIGURES = ("keep", "drop", "mixed", "empty", "indexed", "soft kept")
JUSTEXT_STOPLISTS = {"da": "Danish", "de": "German", "en": "English", "no": "Norwegian_Bokmal", "nb": "Norwegian_Bokmal", "nn": "Norwegian_Nynorsk", "sv": "Swedish"}
FOLDS = 10
TIMING_WORDS = 5_000
TIMING_RUNS = 20


def norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", html.unescape(text)).replace("\u00ad", "")
    return " ".join(text.split())


# -- line labels (the real pages) ------------------------------------------------------------
@dataclass
class Tally:
    """[passed, total] per figure, and per boilerplate kind for `drop`; what was scored wrong."""

    figures: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    kinds: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    misses: list[str] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        for mine, theirs in ((self.figures, other.figures), (self.kinds, other.kinds)):
            for key, (passed, total) in theirs.items():
                mine[key][0] += passed
                mine[key][1] += total
        self.misses += other.misses

    def ratio(self, figure: str) -> float | None:
        passed, total = self.figures.get(figure, (0, 0))
        return passed / total if total else None


def score_page(page: fitting.LabelledPage, doc: CleanDocument | None) -> Tally:
    """The figures of one page with line labels; `doc` None: the page was skipped as no article."""
    tally = Tally()

    def count(figure: str, ok: bool, what: str, kind: str | None = None) -> None:
        tally.figures[figure][0] += bool(ok)
        tally.figures[figure][1] += 1
        if kind is not None:
            tally.kinds[kind][0] += bool(ok)
            tally.kinds[kind][1] += 1
        if not ok:
            tally.misses.append(f"{page.id} {figure}{f' [{kind}]' if kind else ''}: {what[:100]}")

    if not page.article:
        count("empty", doc is None, "page with no article text was indexed")
        return tally
    count("indexed", doc is not None, "article page not indexed")
    out = norm((doc.title if doc else None) or "") + "\n" + "\n".join(norm(p) for p in (doc.text if doc else "").split("\n"))
    paragraphs = {p for p in out.split("\n") if p}
    lines = page.raw.text.split("\n")
    texts = {n: norm(lines[n]) for n in page.labels if n < len(lines)}
    keep_texts: dict[str, int] = defaultdict(int)
    for n, (label, _) in page.labels.items():
        if label == "keep":
            keep_texts[texts.get(n, "")] += 1
    for n, (label, kind) in sorted(page.labels.items()):
        text = texts.get(n, "")
        if not text:
            continue
        if label == "keep":
            count("keep", text in out, text)
        elif label == "drop":
            if kind == "duplicate":
                count("drop", out.count(text) <= keep_texts[text], text, kind)
            elif keep_texts[text]:
                continue  # the same words are also article text elsewhere on the page
            elif len(text) >= 25:
                count("drop", text not in out, text, kind or "unlabelled")
            else:
                count("drop", text not in paragraphs, text, kind or "unlabelled")
        elif label == "mixed":
            junk = norm(page.mixed.get(n, ""))
            rest = norm(text.replace(junk, " ", 1))
            ok = (rest in out or not rest) and (junk not in out if len(junk) >= 6 else junk not in paragraphs)
            count("mixed", ok, f"{junk!r} in {text}")
        elif label == "soft":
            tally.figures["soft kept"][0] += text in out
            tally.figures["soft kept"][1] += 1
    return tally


def group_of(page: fitting.LabelledPage) -> str:
    return GROUPS.get(page.lang, page.lang or "?")


# -- snippet labels (the written pages and the seeds) ------------------------------------------
@dataclass
class Case:
    """One page with snippet labels: its raw document and what must survive and go."""

    raw: RawDocument
    lang: str
    keep: list[str]
    drop: list[str]
    empty: bool = False
    site: str = ""


@dataclass
class SnippetTally:
    keep: list[int] = field(default_factory=lambda: [0, 0])
    drop: list[int] = field(default_factory=lambda: [0, 0])
    empty: list[int] = field(default_factory=lambda: [0, 0])

    def add(self, metric: str, ok: bool) -> None:
        getattr(self, metric)[0] += ok
        getattr(self, metric)[1] += 1


def ratio(good: int, total: int) -> float:
    return good / total if total else 1.0


def occurrences(snippet: str, lines: list[str]) -> int:
    """How often a snippet is in the cleaned lines: as a whole line if it is one, else as a substring."""
    snippet = fitting.spaced(snippet)
    whole = sum(line == snippet for line in lines)
    return whole or sum(line.count(snippet) for line in lines)


def left_over(snippet: str, lines: list[str]) -> int:
    """How much of a `drop` snippet is left: its occurrences, or else the lines that are most of it
    (a cut that took a button off a prompt and left the prompt)."""
    snippet = fitting.spaced(snippet)
    return occurrences(snippet, lines) or sum(2 * len(line) >= len(snippet) and line in snippet for line in lines)


def snippet_cases(held_out: bool = False) -> list[Case]:
    """The written pages: those developed against, or (`held_out`) those of labels/holdout.toml."""
    labels: dict[str, dict] = {}
    for path in sorted((EVAL_DIR / "labels").glob("*.toml")):
        if (path.name == HOLDOUT_LABELS) == held_out:
            labels.update(tomllib.loads(path.read_text(encoding="utf-8")))
    cases = []
    for raw in read_corpus(EVAL_DIR / "pages"):
        if isinstance(raw, RawDocument) and raw.id in labels:
            label = labels.pop(raw.id)
            cases.append(Case(raw, label["lang"], label.get("keep", []), label.get("drop", []), label.get("skip", False), label.get("site", "")))
    if labels:
        raise SystemExit(f"labels without a page: {', '.join(sorted(labels))}")
    return cases


def sample_cases() -> list[Case]:
    """The labelled pages of the bundled sample corpus (data/sample, tests/labels)."""
    labels: dict[str, dict] = {}
    for path in sorted(fitting.SAMPLE_LABELS.glob("sample_*.toml")):
        labels.update(tomllib.loads(path.read_text(encoding="utf-8")))
    return [
        Case(raw, labels[raw.id]["lang"], labels[raw.id].get("keep", []), labels[raw.id].get("drop", []))
        for raw in read_corpus(fitting.SAMPLE_PAGES)
        if isinstance(raw, RawDocument) and raw.id in labels
    ]


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


def score_cases(cases: list[Case], outputs: list[list[str] | None], key=lambda case: case.lang, misses: list[str] | None = None) -> dict[str, float]:
    """Figures per `key` of a case (its language by default) and for `all`: {"da_keep": 1.0, ...}."""
    tallies: dict[str, SnippetTally] = {}
    for case, lines in zip(cases, outputs):
        keeps = [(s, occurrences(s, lines or [])) for s in case.keep]
        drops = [(s, left_over(s, lines or [])) for s in case.drop]
        for tally in (tallies.setdefault(key(case), SnippetTally()), tallies.setdefault("all", SnippetTally())):
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
        f"{name}_{metric}": ratio(*getattr(tally, metric))
        for name, tally in tallies.items()
        for metric in ("keep", "drop", "empty")
        if getattr(tally, metric)[1]
    }


def lines_of(doc: CleanDocument) -> list[str] | None:
    """A cleaned document as the snippet scoring sees it, None for a page skipped as no article."""
    return None if doc.no_article else [fitting.spaced(x) for x in doc.content]


# -- the runs -------------------------------------------------------------------------------
@dataclass
class CrossValidation:
    """Each labelled page of the training sets with the model of its fold (fitted without its site)."""

    examples: list[fitting.Example]
    assignment: list[int]
    models: list
    repeated: dict[Path, RepeatedLines]

    def model_of(self, page_id: str):
        """The model of the page's fold; None (the shipped model) for a page not in the folds."""
        return self._by_id.get(page_id)

    def __post_init__(self) -> None:
        self._by_id = {e.page.id: self.models[f] for e, f in zip(self.examples, self.assignment)}


def cross_validation(
    config: fitting.Config | None = None, folds: int = FOLDS, pages: list[fitting.LabelledPage] | None = None, rules: Rules | None = None
) -> CrossValidation:
    config = config or fitting.Config()
    rules = rules or load_rules()
    pages = fitting.training_pages() if pages is None else pages
    reasons = fitting.model_reasons(config, rules)
    examples = fitting.prepare(pages, rules, reasons, config.signals)
    assignment, models = fitting.cross_validate(examples, config, reasons, folds)
    return CrossValidation(examples, assignment.tolist(), models, fitting.corpus_lines(pages, rules))


# the sets with a label on every line: the real pages, the written ones, the written ones never fitted on
LINE_LABELLED = {"real": fitting.REAL_SET, "lines": fitting.LINE_PAGES, "lines_holdout": fitting.LINE_HOLDOUT}
FITTED_ON = {"real", "lines"}


def real_scores(
    cv: CrossValidation | None, with_justext: bool = False, misses: list[str] | None = None, rules: Rules | None = None,
    with_rules: bool = True, origin: str = "real",
) -> dict[str, dict[str, Tally]]:
    """Per cleaner (`cleaning` cross-validated, `rules` alone, `justext`), per group (`da`, `de`,
    `no/sv`, `en`, `all`): the tallies of the real pages (`origin` "lines": of the written pages labelled
    line by line; "lines_holdout": of those never fitted on, cleaned by the shipped model)."""
    folder = LINE_LABELLED[origin]
    if not folder.is_dir():
        return {}
    rules = rules or load_rules()
    if cv and origin in FITTED_ON:  # scored by the fold models, never by the shipped one that saw them
        pages = [e.page for e in cv.examples if e.page.origin == origin]
        repeated = cv.repeated[folder / "pages"]
    else:
        pages = fitting.read_json_set(folder, origin)
        repeated = fitting.repeated_lines([p.raw for p in pages], rules)
    cleaners = {"rules": lambda page: clean(page.raw, rules, repeated, RULES_ONLY)} if with_rules else {}
    if cv:
        cleaners["cleaning"] = lambda page: clean(page.raw, rules, repeated, cv.model_of(page.id))
    if with_justext:
        cleaners["justext"] = _justext_document
    results: dict[str, dict[str, Tally]] = {}
    for name, run in cleaners.items():
        tallies: dict[str, Tally] = defaultdict(Tally)
        for page in pages:
            doc = run(page)
            tally = score_page(page, None if doc is None or doc.no_article else doc)
            tallies[group_of(page)].add(tally)
            tallies["all"].add(tally)
        results[name] = dict(tallies)
        if misses is not None and name == "cleaning":
            misses += tallies["all"].misses
    return results


def snippet_outputs(
    cv: CrossValidation | None, cases: list[Case], corpus_pages: list[RawDocument], with_rules: bool = True, with_justext: bool = True
) -> dict[str, list[list[str] | None]]:
    """Per cleaner, the cleaned lines of each case; the written pages cross-validated (their own
    fold's model), the seeds by the shipped model."""
    rules = load_rules()
    repeated = fitting.repeated_lines(corpus_pages, rules)
    outputs: dict[str, list[list[str] | None]] = {"cleaning": []}
    for case in cases:
        model = cv.model_of(case.raw.id) if cv else None
        outputs["cleaning"].append(lines_of(clean(case.raw, rules, repeated, model)))
        if with_rules:
            outputs.setdefault("rules", []).append(lines_of(clean(case.raw, rules, repeated, RULES_ONLY)))
    if with_justext:
        outputs["justext"] = [_justext_lines(case.raw.text, case.lang) for case in cases]
    return outputs


def _justext_lines(text: str, lang: str) -> list[str] | None:
    """jusText's good paragraphs, each line of the page given to it as a <p>, with the stop list of
    the page's language."""
    import justext

    lines = [html.escape(line) for line in text.splitlines() if line.strip()]
    page = "<html><body>" + "".join(f"<p>{line}</p>" for line in lines) + "</body></html>"
    stoplist = justext.get_stoplist(JUSTEXT_STOPLISTS.get(lang, "German"))
    good = [fitting.spaced(p.text) for p in justext.justext(page.encode("utf-8"), stoplist, encoding="utf-8") if not p.is_boilerplate]
    return good or None


def _justext_document(page: fitting.LabelledPage) -> CleanDocument | None:
    good = _justext_lines(page.raw.text, page.lang)
    if good is None:
        return None
    return CleanDocument(id=page.id, title=None, paragraphs=good, removed=[], source_path=page.raw.source_path)


def cleaning_scores(
    with_justext: bool = True, cv: CrossValidation | None = None, misses: list[str] | None = None, with_rules: bool = True,
    real: dict[str, dict[str, Tally]] | None = None, written: dict[str, dict[str, Tally]] | None = None,
    held_out: dict[str, dict[str, Tally]] | None = None,
) -> dict[str, dict[str, float]]:
    """Every figure the quality gate holds to a floor: {"cleaning_real": {"all_keep": …}, "cleaning_lines":
    …, "cleaning_lines_holdout": …, "cleaning_eval": …, "justext_real": …, "rules_real": …};
    `cleaning_*` are cross-validated where the model was fitted on the set. `real`, `written`,
    `held_out`: the tallies of the real pages and of the written pages labelled line by line (fitted
    on, never fitted on), when already counted (real_scores)."""
    cv = cv or cross_validation()
    figures: dict[str, dict[str, float]] = {}
    if real is None:
        real = real_scores(cv, with_justext, misses, with_rules=with_rules)
    if written is None:
        written = real_scores(cv, with_justext, misses, with_rules=with_rules, origin="lines")
    if held_out is None:
        held_out = real_scores(cv, with_justext, misses, with_rules=with_rules, origin="lines_holdout")
    for name, tallies in (("real", real), ("lines", written), ("lines_holdout", held_out)):
        for cleaner, groups in tallies.items():
            figures[f"{cleaner}_{name}"] = {
                f"{group.replace('/', '')}_{figure}": tally.ratio(figure)
                for group, tally in groups.items()
                for figure in ("keep", "drop", "mixed", "empty")
                if tally.ratio(figure) is not None
            }
    sets = {"eval": snippet_cases(), "holdout": snippet_cases(held_out=True), "sample": sample_cases()}
    if SEEDS.is_dir():
        sets["seeds"] = seed_cases()
    for name, cases in sets.items():
        corpus = [c.raw for c in cases] if name != "sample" else [r for r in read_corpus(fitting.SAMPLE_PAGES) if isinstance(r, RawDocument)]
        for cleaner, output in snippet_outputs(cv, cases, corpus, with_rules, with_justext).items():
            figures[f"{cleaner}_{name}"] = score_cases(cases, output, misses=misses if cleaner == "cleaning" else None)
    return figures


def timing_page(cases: list[Case]) -> RawDocument:
    """A TIMING_WORDS-word article: the written page with the most boilerplate, its body grown with
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
    return RawDocument(id="timing", source_path="timing.txt", text="\n".join(lines[:middle] + paragraphs + lines[middle:]))


def clean_milliseconds(page: RawDocument, model=None) -> float:
    """Median wall time of cleaning `page`, after one warm-up run that loads rules, model and word lists.
    What the process already holds (a cross-validation's models and pages) is set aside from the
    garbage collector first: a build's worker holds none of it."""
    rules = load_rules()
    gc.collect()
    gc.freeze()
    try:
        return _median_milliseconds(page, rules, model)
    finally:
        gc.unfreeze()


def _median_milliseconds(page: RawDocument, rules: Rules, model) -> float:
    clean(page, rules, NO_REPEATED_LINES, model)
    times = []
    for _ in range(TIMING_RUNS):
        word_count.cache_clear()  # each run as a page never seen: nothing remembered from the last
        start = time.perf_counter()
        clean(page, rules, NO_REPEATED_LINES, model)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000
