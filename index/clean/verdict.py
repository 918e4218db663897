"""Stage 8: the page verdict. A page with no article text — a consent or paywall wall, a login or
sign-up page, comment rules, an index page listing other articles, an error page — is skipped and
reported with what it is, instead of being indexed as an article.

The verdict weighs a few figures of the cleaned page (what is left, how much of it reads as
paragraphs of one story, how much of it addresses the reader) with the page model of
index/clean/model.py; with no model, what is left must hold a finished sentence of some length or
MIN_ARTICLE_WORDS words.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from index.clean.features import OWN, POSITION, PageFeatures
from index.clean.shapes import ends_article
from index.clean.text import Page

MIN_ARTICLE_WORDS = 40
FIGURES = (
    "kept_words", "kept_share", "kept_paragraphs", "longest_kept", "paragraph_probability", "kept_cohesion",
    "teaser_pairs", "kept_you", "kept_ellipses", "finished_sentence", "removed_by_rules",
)
_COLUMN = {name: i for i, name in enumerate(OWN)} | {name: len(OWN) + i for i, name in enumerate(POSITION)}
_REMOVED = len(OWN) + len(POSITION)  # index.clean.model.REMOVED


def has_article_text(paragraphs: list[str]) -> bool:
    """Whether cleaning left an article by shape alone: one finished sentence of some length (a brief
    may be no more), or a few short lines."""
    return any(ends_article(p) for p in paragraphs) or sum(len(p.split()) for p in paragraphs) >= MIN_ARTICLE_WORDS


def page_figures(features: PageFeatures, probabilities: np.ndarray, threshold: float) -> tuple[tuple[str, ...], np.ndarray]:
    """The figures the page model weighs, from a page's features and its lines' final probabilities."""
    d = features.dense.astype(np.float64)
    n = len(d)
    if n == 0:
        return FIGURES, np.zeros(len(FIGURES))
    words = np.expm1(d[:, _COLUMN["words"]])
    removed = d[:, _REMOVED] > 0
    kept = ~removed & (probabilities <= threshold)
    paragraph = d[:, _COLUMN["paragraph"]] > 0
    sentence_end = d[:, _COLUMN["sentence_end"]] > 0
    headline = (d[:, _COLUMN["upper_start"]] > 0) & ~sentence_end & (d[:, _COLUMN["colon_end"]] == 0) & (words >= 3) & (words <= 25)
    next_paragraph = np.r_[paragraph[1:], False]
    kept_words = words[kept].sum()
    kept_paragraphs = (kept & paragraph).sum()
    finished = (kept & sentence_end & (words >= 8)).any() or kept_words >= MIN_ARTICLE_WORDS
    values = np.array([
        np.log1p(kept_words),
        kept_words / max(words.sum(), 1.0),
        np.log1p(kept_paragraphs),
        np.log1p(words[kept].max() if kept.any() else 0.0),
        probabilities[paragraph].mean() if paragraph.any() else 1.0,
        d[kept & paragraph, _COLUMN["cohesion"]].mean() if kept_paragraphs else 0.0,
        (kept & headline & next_paragraph).sum() / max(kept_paragraphs, 1),
        (d[kept, _COLUMN["you"]] * words[kept]).sum() / max(kept_words, 1.0),
        d[kept, _COLUMN["ellipsis_end"]].mean() if kept.any() else 0.0,
        float(finished),
        removed.mean(),
    ])
    return FIGURES, values


def reason(page: Page) -> str:
    """What a page without article text is, by what was removed from it (most words first)."""
    words: Counter[str] = Counter()
    for line in page.lines:
        if line.reason is not None:
            words[line.reason] += len(line.text.split())
    if not words:
        return "no text at all"
    kind, count = words.most_common(1)[0]
    total = sum(words.values())
    return f"{kind} ({count} of {total} words removed)"
