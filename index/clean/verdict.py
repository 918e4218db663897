"""Stage 8: the page verdict. A page with no article text — a consent or paywall wall, a login or
sign-up page, comment rules, an index page listing other articles, an error page — is skipped and
reported with what it is, instead of being indexed as an article. What the rules and the line model
leave is judged by its shape:

1. no finished sentence of some length and fewer than `min_article_words` words: what the page was
   is told by what was removed from it, most words first;
2. a list of other articles: headlines each over a single lead (`index_teasers` of them, at least
   half its leads), and no run of article paragraphs an article's body has.
"""

from __future__ import annotations

from collections import Counter

from index.clean.rules import word_count
from index.clean.shapes import ends_article, is_article_paragraph, is_teaser
from index.clean.text import Page
from index.clean.thresholds import T


def has_article_text(paragraphs: list[str]) -> bool:
    """Whether cleaning left an article by shape alone: one finished sentence of some length (a brief
    may be no more), or a few short lines."""
    return any(ends_article(p) for p in paragraphs) or sum(word_count(p) for p in paragraphs) >= T.min_article_words


def no_article(paragraphs: list[str], page: Page) -> str | None:
    """What the page is when what cleaning left of it is no article; None for an article."""
    if not has_article_text(paragraphs):
        return reason(page)
    teasers = teaser_count(paragraphs)
    if teasers:
        return f"a list of other articles ({teasers} headlines, each over one lead)"
    return None


def teaser_count(paragraphs: list[str]) -> int:
    """The headlines over a single lead when they make the page a list of other articles, else 0. An
    interview (its headlines mostly questions) and a page with an article's body are no list."""
    leads = [ends_article(p) for p in paragraphs]
    teasers = questions = 0
    for i, line in enumerate(paragraphs[:-1]):
        alone = i + 2 == len(paragraphs) or not leads[i + 2]
        if alone and leads[i + 1] and word_count(paragraphs[i + 1]) <= T.index_lead_words and is_teaser(line):
            teasers += 1
            questions += line.rstrip().endswith("?")
    if teasers < T.index_teasers or 2 * teasers < sum(leads) or 2 * questions >= teasers:
        return 0
    run = 0
    for paragraph in paragraphs:
        run = run + 1 if is_article_paragraph(paragraph) else 0
        if run >= T.index_body_run:
            return 0
    return teasers


def reason(page: Page) -> str:
    """What a page without article text is, by what was removed from it (most words first)."""
    removed: Counter[str] = Counter()
    for line in page.lines:
        if line.reason is not None:
            removed[line.reason] += len(line.text.split())
    if not removed:
        return "no text at all"
    kind, count = removed.most_common(1)[0]
    total = sum(removed.values())
    return f"{kind} ({count} of {total} words removed)"
