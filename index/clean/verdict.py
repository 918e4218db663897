"""Stage 8: the page verdict. A page with no article text — a consent or paywall wall, a login or
sign-up page, comment rules, an index page listing other articles, an error page — is skipped and
reported with what it is, instead of being indexed as an article: when what the rules and the line
model leave holds no finished sentence of some length and fewer than `min_article_words` words. What
the page was is told by what was removed from it, most words first.
"""

from __future__ import annotations

from collections import Counter

from index.clean.shapes import ends_article
from index.clean.text import Page
from index.clean.thresholds import T


def has_article_text(paragraphs: list[str]) -> bool:
    """Whether cleaning left an article by shape alone: one finished sentence of some length (a brief
    may be no more), or a few short lines."""
    return any(ends_article(p) for p in paragraphs) or sum(len(p.split()) for p in paragraphs) >= T.min_article_words


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
