"""Stage 8: the page verdict. A page with no article text — a consent or paywall wall, a login or
sign-up page, comment rules, an index page listing other articles, an error page — is skipped and
reported with what it is, instead of being indexed as an article. What the rules and the line model
leave is judged by its shape:

1. no finished sentence of some length and fewer than `min_article_words` words: what the page was
   is told by what was removed from it, most words first;
2. a list of other articles: headlines each over a single lead (`index_teasers` of them, at least
   half its leads), and no run of article paragraphs an article's body has;
3. a page that talks to its reader: most of its paragraphs address the reader (comment rules, a
   newsletter sign-up, a privacy notice), where an article does so in a quote or a question at most.
   Only after the line model: the rules alone leave prompts that address the reader on articles'
   pages too (paywall and browser notices; 7 of the real articles would be skipped).
"""

from __future__ import annotations

import re
from collections import Counter

from index.clean.rules import Words, word_count
from index.clean.shapes import ends_article, is_article_paragraph, is_teaser
from index.clean.text import Page
from index.clean.thresholds import T

_TOKEN = re.compile(r"\w+|[.!?:;]")  # words, and the marks after which a sentence starts


def has_article_text(paragraphs: list[str]) -> bool:
    """Whether cleaning left an article by shape alone: one finished sentence of some length (a brief
    may be no more), or a few short lines."""
    return any(ends_article(p) for p in paragraphs) or sum(word_count(p) for p in paragraphs) >= T.min_article_words


def no_article(paragraphs: list[str], page: Page, modelled: bool = True) -> str | None:
    """What the page is when what cleaning left of it is no article; None for an article.
    `modelled`: whether the line model cleaned the page (else only the first two tests apply)."""
    if not has_article_text(paragraphs):
        return reason(page)
    teasers = teaser_count(paragraphs)
    if teasers:
        return f"a list of other articles ({teasers} headlines, each over one lead)"
    if not modelled:
        return None
    addressing, counted = address_count(paragraphs, page.rules.words)
    if addressing >= T.address_paragraphs and addressing >= T.address_share * counted:
        return f"addressed to the reader ({addressing} of {counted} paragraphs), not an article"
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


def address_count(paragraphs: list[str], words: Words) -> tuple[int, int]:
    """(paragraphs that address the reader, paragraphs of `address_min_words` or more)."""
    counted = [p for p in paragraphs if word_count(p) >= T.address_min_words]
    return sum(addresses_reader(p, words) for p in counted), len(counted)


def addresses_reader(text: str, words: Words) -> bool:
    """Whether a line addresses its reader: a word of `address.reader` as written; a capitalised one
    (`Sie`, `De`) only inside a sentence, and a lower-case one (`du`) also capitalised at its start."""
    start = True
    for token in _TOKEN.findall(text):
        if token in ".!?:;":
            start = True
            continue
        if token in words.reader and (not start or token.islower()) or start and token.lower() in words.reader:
            return True
        start = False
    return False


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
