"""Stage 3: whole lines classified by rule: the kinds of index/rules (a line list, patterns weighed
by the line's length), rows of items joined by separators, menus of capitalised words, and what no
reader can read (code, scrambled letters)."""

from __future__ import annotations

import re

import numpy as np

from index.clean import inline
from index.clean.rules import line_key, word_count
from index.clean.shapes import QUOTES, is_long_paragraph, strip_counts
from index.clean.text import Page
from index.clean.thresholds import T
from index.letters import is_scrambled

# What joins the items of a share bar, menu or byline line: dots, bars, arrows, emoji, wide gaps.
_SEGMENT_SEPARATOR = re.compile(r"\s*[·•|›»>]\s+|\s+/\s+|\s{2,}|\s*[\U0001F000-\U0001FAFF\u2600-\u27BF]+\s*")
_SEPARATOR_HINT = re.compile(r"[·•|›»>/\U0001F000-\U0001FAFF\u2600-\u27BF]|\s\s")  # cheap test first
_BREADCRUMB_SEPARATOR = re.compile(r"\s[›>/]\s")
_MENU_PUNCTUATION = re.compile(r"[.,:;!?»«\"“”„()]")
_CODE_CHARS = re.compile(r'[{}\[\];=<>"\\|&$]')
_CODE_HINT = re.compile(r'[{}=]|":')  # what prose never has, but code and JSON always do
# A line this much of whose words are function words is language (index.letters: real lines have a
# fifth or more, scrambled ones less; this share counts figures as words too, hence the margin).
SCRAMBLED_FUNCTION_WORDS = 0.3


def by_rules(page: Page) -> None:
    for line in page.lines:
        if line.kept:
            long = word_count(line.text) > T.medium_line_words  # its key is made only if a rule needs it
            reason = classify(page, line.text, None if line.cut or long else line.key) or code(line.text)
            if reason:
                page.remove(line, reason)


def classify(page: Page, text: str, key: str | None = None) -> str | None:
    """The kind of boilerplate a whole line is, or None for article text (remembered per text: pages
    repeat their labels). `key` is its line_key when known."""
    if text not in page.kinds:
        page.kinds[text] = _classify(page, text, key)
    return page.kinds[text]


def _classify(page: Page, text: str, key: str | None) -> str | None:
    rules = page.rules
    words = word_count(text)
    if is_long_paragraph(text):
        return _paragraph_kind(page, text, words)
    key = line_key(text) if key is None else key
    if not key and not any(ch.isalnum() for ch in text):
        return "no_letters"
    found = _kind_of(page, text, words, rules.candidates(text), key)
    if found:
        return found
    cut = inline.trailing_cut(page, text)
    if cut and cut[1] == 0:
        return cut[0].name
    if is_menu_line(page, text):
        return "menu"
    return classify_segments(page, text)


def _paragraph_kind(page: Page, text: str, words: int) -> str | None:
    """A long paragraph that ends a sentence is boilerplate only on three different hits of one kind
    (a consent notice full of its vocabulary); the rest of it is the line model's to judge."""
    candidates = page.rules.candidates(text)
    if not any(_reachable(patterns, 3, words) for patterns in candidates.values()):
        return None
    return _kind_of(page, text, words, candidates)


def _kind_of(page: Page, text: str, words: int, candidates: dict, key: str | None = None) -> str | None:
    """The first kind that lists the line's key, or whose candidate patterns hit it often enough
    (needed_hits; whether it quotes someone is looked at only for a kind that gets that far)."""
    kinds = page.rules.kinds
    listed = page.rules.first_listing.get(key, len(kinds)) if key is not None else len(kinds)
    needed, quoted = _hits_for_length(words), None
    for number in sorted(candidates):
        if number >= listed:
            break
        patterns = candidates[number]
        if not _reachable(patterns, needed, words):
            continue
        hits = kinds[number].hits(text, patterns, words)
        if hits >= needed:
            if quoted is None:
                quoted = _quotes_speech(page, text)
            if hits >= needed + quoted:
                return kinds[number].name
    return kinds[listed].name if listed < len(kinds) else None


def is_menu_line(page: Page, text: str) -> bool:
    """Five or more capitalised words, no punctuation, none of the small words of a Title Case headline."""
    words = text.split()
    return (
        len(words) >= T.menu_line_min_words
        and all(w[:1].isupper() or w[:1].isdigit() for w in words)
        and not _MENU_PUNCTUATION.search(text)
        and not any(w.casefold() in page.rules.title_case_words for w in words)
    )


def needed_hits(page: Page, text: str, words: int | None = None) -> int:
    """Pattern hits that make a line boilerplate: more for longer lines and for quotations."""
    return _hits_for_length(word_count(text) if words is None else words) + _quotes_speech(page, text)


def _hits_for_length(words: int) -> int:
    return 1 if words <= T.short_line_words else 2 if words <= T.medium_line_words else 3


def _quotes_speech(page: Page, text: str) -> bool:
    """Whether the line quotes someone (quotation marks and a verb of saying): harder to call boilerplate."""
    return bool(QUOTES.search(text) and page.rules.speech.search(text))


def classify_segments(page: Page, text: str) -> str | None:
    """A line of items joined by separators (share bar, menu, byline with reading time): boilerplate
    when every item is boilerplate or a short label."""
    if not _SEPARATOR_HINT.search(text):
        return None
    segments = [s for s in _SEGMENT_SEPARATOR.split(text) if s and s.strip(" :·")]
    if len(segments) < 2:
        return None
    for kind in page.rules.kinds:  # a row of widget buttons: Gefällt mir 312 · Traurig 188
        if kind.vocabulary and all(page.label_key(s) in kind.vocabulary for s in segments):
            return kind.name
    kinds = [classify(page, s) for s in segments]
    if not all(k or word_count(strip_counts(s)) <= T.segment_label_words for k, s in zip(kinds, segments)):
        return None
    if _BREADCRUMB_SEPARATOR.search(text):
        return "breadcrumb"
    named = [k for k in kinds if k]
    return max(named, key=named.count) if named else "menu"  # ties: the kind named first


def code(text: str) -> str | None:
    """Code (script, JSON, CSS left in the text): what no reader reads."""
    symbols = len(_CODE_CHARS.findall(text)) if _CODE_HINT.search(text) else 0
    return "code" if symbols >= T.code_min_symbols and symbols >= T.code_symbol_share * len(text) else None


def scrambled(page: Page, function_words: np.ndarray | None = None) -> None:
    """Remove lines of scrambled letters (a paywall's locked paragraphs, shifted or shuffled). A
    quotation with a verb of saying is someone's words, in whatever language. `function_words`:
    per line, the share of its words that are function words of our languages, when known: a line
    with many is language, and needs no closer look."""
    for i, line in enumerate(page.lines):
        if not line.kept or (function_words is not None and function_words[i] >= SCRAMBLED_FUNCTION_WORDS):
            continue
        if is_scrambled(line.text) and not (QUOTES.search(line.text) and page.rules.speech.search(line.text)):
            page.remove(line, "scrambled_text")


def _reachable(patterns, needed: float, words: int) -> bool:
    """Whether these candidate patterns could add up to `needed` hits on a line of `words` words (an
    anchored one decides alone)."""
    total = 0.0
    for pattern in patterns:
        if pattern.applies(words):
            if pattern.decisive:
                return True
            total += pattern.weight
    return total >= needed
