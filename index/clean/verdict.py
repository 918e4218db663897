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
from functools import lru_cache

from index.clean.rules import Words, word_count
from index.clean.shapes import ends_article, is_article_paragraph, is_teaser
from index.clean.text import Page
from index.clean.thresholds import T

_MARKS = ".,;:!?…»«„“”‚‘’\"'()[]/–—-"  # around a word


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
    address = reader_address(paragraphs, page.rules.words)
    if address:
        return f"addressed to the reader ({address[0]} of {address[1]} paragraphs), not an article"
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


def reader_address(paragraphs: list[str], words: Words) -> tuple[int, int] | None:
    """(paragraphs that address the reader, paragraphs of `address_min_words` or more) when they are
    `address_paragraphs` or more and `address_share` of all, else None. Reading stops as soon as the
    share can no longer be reached (a long article)."""
    counted = [p for p in paragraphs if word_count(p) >= T.address_min_words]
    allowed = (1 - T.address_share) * len(counted)  # paragraphs that may not address the reader
    addressing = 0
    for read, paragraph in enumerate(counted, 1):
        addressing += addresses_reader(paragraph, words)
        if read - addressing > allowed:
            return None
    return (addressing, len(counted)) if addressing >= T.address_paragraphs else None


def addresses_reader(text: str, words: Words) -> bool:
    """Whether a line addresses its reader: a word of `address.reader` as written; a capitalised one
    (`Sie`, `De`) only inside a sentence, and a lower-case one (`du`) also capitalised at its start."""
    pattern, forms = _reader_pattern(words)
    if forms.isdisjoint([word.strip(_MARKS) for word in text.split()]):  # most lines: no such word at all
        return False
    return pattern.search(text) is not None


@lru_cache(maxsize=8)
def _reader_pattern(words: Words) -> tuple[re.Pattern[str], frozenset[str]]:
    """The pattern of addressing words where they address the reader, and every form they take."""
    lower = sorted(w for w in words.reader if w.islower())
    capital = sorted(w for w in words.reader if not w.islower())
    started = [w[:1].upper() + w[1:] for w in lower]

    def any_of(items: list[str]) -> str:
        return "|".join(map(re.escape, items)) or "(?!)"

    return re.compile(
        rf"\b(?:{any_of(lower)})\b"  # `du` anywhere
        rf"|(?:^|[.!?:;]\W*)(?:{any_of(started)})\b"  # `Du` where a sentence starts
        rf"|(?<=[^.!?:;\s] )(?:{any_of(capital)})\b"  # `Sie` after a word inside a sentence
    ), frozenset(lower + capital + started)


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
