"""Boilerplate stripping: a raw page in, the article's title and paragraphs out, every removal with
its reason, and a verdict on pages that hold no article at all. The stages, in the order `clean`
runs them:

1. `text`      characters and markup normalised, the page split into lines
2. `inline`    boilerplate inside a line cut off (caption toggles, credits after a caption)
3. `classify`  whole lines classified by rule (index/rules/*.toml), and code
4. `layout`    blocks: neighbours of one kind, sections after a heading, bylines, runs of menu
               items, lines the corpus repeats, labels around the article, fact boxes
5. `sites`     the site's own name
6. `model`     the learned line classifier decides what the rules left open (`features` says
               what it sees); lines of scrambled letters go (`classify.scrambled`); `glued` cuts
               boilerplate glued onto article text
7. `title`, `dedupe`  the title picked; truncated copies, duplicate paragraphs, repeated articles
8. `verdict`   whether what is left is an article at all, and if not, what the page was

Stages 1-5 are rules: what they remove is removed (a user's own rules folder adds to them). What
the model's file lists as its signals, the layout stages only mark, and the model weighs them.
With RULES_ONLY (NEWSFACET_CLEANER_MODEL=rules) stage 6 is the scrambled letters alone.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from index.clean import classify, dedupe, glued, inline, layout, sites, title, verdict
from index.clean import model as line_model
from index.clean.rules import Rules, content_key, load_rules
from index.clean.shapes import is_headline
from index.clean.text import Page, line_keys
from index.documents import CleanDocument, RawDocument
from index.repeated import NO_REPEATED_LINES, RepeatedLines

__all__ = ["clean", "has_article_text", "is_headline", "line_keys", "removal_reasons", "rule_stages"]

has_article_text = verdict.has_article_text
RULES_ONLY = False  # pass as `model` to clean with the rules alone
RULES = "rules"  # the cleaner model setting that asks for the rules alone

# Removal reasons the cleaner itself gives; every other reason is the name of a rule kind or of a
# kind of boilerplate the model recognises.
CODE_REASONS = frozenset({
    "html", "caption_toggle", "duplicate_caption", "breadcrumb", "menu", "duplicate_paragraph",
    "near_duplicate_paragraph", "repeated_article", "duplicate_title", "scrambled_text", "repeated_line",
    "code", "page_header", "page_footer", "masthead", "related_links", "glued", "boilerplate",
})


def rule_stages(raw: RawDocument, rules: Rules, repeated: RepeatedLines, signals: tuple[str, ...] | frozenset[str] = ()) -> Page:
    """Stages 1-5: the page as the rules leave it (`signals`: findings marked, not removed)."""
    page = Page(raw, rules, frozenset(signals))
    inline.cut(page)
    classify.by_rules(page)
    layout.neighbours(page)
    layout.sections(page)
    layout.bylines(page)
    layout.runs(page)
    layout.repeated(page, repeated)
    sites.names(page)
    layout.edges(page)
    layout.fact_box(page)
    return page


def model_for(path: Path | str | None = None) -> line_model.LineModel | bool:
    """The line classifier in the file `path`, the shipped one for None, or RULES_ONLY for `rules`."""
    if path is not None and str(path) == RULES:
        return RULES_ONLY
    return line_model.load(Path(path) if path else line_model.MODEL_FILE)


def clean(
    raw: RawDocument,
    rules: Rules | None = None,
    repeated: RepeatedLines = NO_REPEATED_LINES,
    model: line_model.LineModel | bool | None = None,
) -> CleanDocument:
    """Clean one raw article; `repeated` are the lines its corpus repeats across articles. `model`:
    the line classifier (default: the shipped one), or RULES_ONLY. The title is the explicit one,
    or the first line when it reads as a headline, or None. A page with no article text comes back
    with `no_article` saying what it is."""
    rules = rules or load_rules()
    fitted = model_for() if model is None else model or None
    page = rule_stages(raw, rules, repeated, fitted.signals if fitted else ())
    if fitted:
        _model_stage(page, fitted, repeated)
    else:
        classify.scrambled(page)
    title.pick(page)
    dedupe.apply(page)
    paragraphs = [" ".join(x.text.split()) for x in page.lines if x.kept and x is not page.headline]
    no_article = verdict.no_article(paragraphs, page)
    return CleanDocument(
        id=raw.id,
        title=page.title,
        paragraphs=paragraphs,
        removed=page.removed,
        source_path=raw.source_path,
        date=raw.date,
        url=raw.url,
        source=raw.source,
        lang=raw.lang or "und",
        no_article=no_article,
    )


def _model_stage(page: Page, fitted: line_model.LineModel, repeated: RepeatedLines) -> None:
    """Stage 6: the line model removes what the rules left open, scrambled letters go, glued
    boilerplate is cut at its seams. The page's likely headline, its first open line shaped like one,
    goes only above the sentence threshold: an article's headline is its title when the page names
    none (cross-validated, the real pages lost one article line fewer this way, and the narrower
    rule of title.pick's line alone lost more). A line that repeats the title, or the kept likely
    headline, is reported as a copy of it."""
    seams = glued.seams(page)
    features, piece_probabilities = fitted.features_with(page, repeated, [piece for _, piece, _, _ in seams])
    classify.scrambled(page, features.dense[:, line_model.FUNCTION_WORDS])
    _, probabilities = fitted.probabilities(features)
    open_ = np.array([line.kept and not line.protected for line in page.lines], dtype=bool)
    removed = fitted.removed(features, probabilities)
    headline = next((i for i, line in enumerate(page.lines) if open_[i] and is_headline(line.text)), None)
    if headline is not None:
        removed[headline] = probabilities[headline] > fitted.paragraph_threshold
    title = page.title or (page.lines[headline].text if headline is not None and not removed[headline] else None)
    title_key = content_key(title) if title else None
    remove = np.flatnonzero(removed & open_)
    for i, kind in zip(remove.tolist(), fitted.kinds.predict(features, remove)):
        line = page.lines[i]  # what the layout found it to be, a copy of the title, else the kind it most resembles
        copy = title_key is not None and content_key(line.text) == title_key
        page.remove(line, min(line.signals) if line.signals else "duplicate_title" if copy else kind, decided=True)
    glued.cut(page, seams, piece_probabilities)


def removal_reasons(rules: Rules | None = None, model: line_model.LineModel | None = None) -> frozenset[str]:
    """Every reason a removal can carry (with `model`, default the shipped one)."""
    return CODE_REASONS | {kind.name for kind in (rules or load_rules()).kinds} | set((model or model_for()).kinds.kinds)
