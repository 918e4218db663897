"""What a line looks like, whatever its language: a sentence, a heading, a name, a teaser, a label.
Shared by the stages of the cleaner; thresholds come from thresholds.toml."""

from __future__ import annotations

import re

from index.clean.rules import word_count
from index.clean.thresholds import T

SENTENCE_END = re.compile(r"[.!?…][»«\"”“'’)\]]*$")  # a closing quote or bracket may follow
STATEMENT_END = re.compile(r"[.!…][»«\"”“'’)\]]*$")  # a headline may end with a question mark
QUOTES = re.compile(r"[»«„“”\"]")
DIGIT = re.compile(r"\d")
INITIALS = re.compile(r"(?:[A-ZÆØÅÄÖÜ]\.){2,}")  # B.T., F.A.Z.
NAME_LINE = re.compile(r"(?:[A-ZÆØÅÄÖÜ][\w'.-]+\s+){1,3}[A-ZÆØÅÄÖÜ][\w'.-]+(?:,\s*[\w .-]{1,40})?")
BARE_NAME = re.compile(r"[A-ZÆØÅÄÖÜ][\w'-]+(?:\s+[A-ZÆØÅÄÖÜ][\w'-]+){1,2}")
_COUNTER = re.compile(r"\([^()]*\d[^()]*\)")
_NUMBER = re.compile(r"\d[\d.,]*")


_END_CHARS = 12  # a sentence's last mark and the quotes and brackets that close after it


def ends_sentence(text: str) -> bool:
    """Whether the line ends a sentence (a closing quote or bracket may follow); only its end is read."""
    return SENTENCE_END.search(text, max(0, len(text) - _END_CHARS)) is not None


def ends_statement(text: str) -> bool:
    """Like ends_sentence, but a question mark does not count (a headline may ask)."""
    return STATEMENT_END.search(text, max(0, len(text) - _END_CHARS)) is not None


def is_name(text: str) -> bool:
    return bool(NAME_LINE.fullmatch(text)) and word_count(text) <= T.byline_name_words


def ends_article(text: str) -> bool:
    """A line that can be the article's last: a finished sentence of some length."""
    return word_count(text) >= T.last_sentence_words and ends_sentence(text)


def is_long_paragraph(text: str) -> bool:
    """A paragraph too long for a pattern's one or two hits to decide: the line model's to judge."""
    return word_count(text) > T.medium_line_words and ends_sentence(text)


def is_article_paragraph(text: str) -> bool:
    return word_count(text) >= T.article_paragraph_words and ends_sentence(text)


def is_heading_like(text: str) -> bool:
    """A heading's shape, one word up: short, capitalised, no closing full stop, comma or colon."""
    return (
        1 <= word_count(text) <= T.title_max_words
        and text[-1] not in ".,;:"
        and (text[0].isupper() or text[0].isdigit() or text[0] in "»„“\"'")
    )


def is_headline(text: str) -> bool:
    """A first line that reads as a headline: heading-like, of three words or more, not too long."""
    return is_heading_like(text) and word_count(text) >= 3 and len(text) <= T.title_max_chars


def is_teaser(text: str) -> bool:
    """A line shaped like another article's headline: several words, no sentence end, and no row of a
    table (few words with figures)."""
    words = word_count(text)
    return words >= T.teaser_min_words and is_headline(text) and (words >= T.teaser_with_figures_words or not DIGIT.search(text))


def heads_paragraph(text: str, after: str) -> bool:
    """A heading-like line right above an article paragraph: a heading of the article."""
    return is_heading_like(text) and is_article_paragraph(after)


def heads_sentence(text: str, after: str) -> bool:
    """A heading-like line right above a finished sentence, however short: `Kritik` over `Alles begann
    im März 2018.`"""
    return is_heading_like(text) and ends_sentence(after)


def is_subheading(text: str, after: str) -> bool:
    """A short heading over an article paragraph; the headlines of a link box are longer sentences."""
    return word_count(text) <= T.subheading_words and ":" not in text and heads_paragraph(text, after)


def is_topic_line(text: str, after: str) -> bool:
    """A line of several words right above a longer headline: the headline's topic line (Dachzeile)."""
    return word_count(text) >= 2 and is_headline(after) and word_count(after) > word_count(text)


def is_menu_item(text: str) -> bool:
    return word_count(text) <= T.menu_line_words and not ends_sentence(text) and not text.endswith(":")


def strip_counts(text: str) -> str:
    """Text without counters: `Kommentare (214)` -> `Kommentare`, `Gefällt mir 312` -> `Gefällt mir`."""
    if not DIGIT.search(text):
        return text
    return _NUMBER.sub(" ", _COUNTER.sub(" ", text))


def table_rows(texts: list[str], figures: list[bool] | None = None) -> list[bool]:
    """Per line, whether it is one of two or more lines in a row that carry figures (results, a
    table), or the heading right over them. `figures`: per line, whether it has a figure and ends no
    sentence, when known."""
    if figures is None:
        figures = [DIGIT.search(t) is not None and not ends_sentence(t) for t in texts]
    figures = figures + [False, False]
    return [
        (figures[n] and ((n > 0 and figures[n - 1]) or figures[n + 1])) or (figures[n + 1] and figures[n + 2])
        for n in range(len(texts))
    ]
