"""Boilerplate glued onto article text, cut at the seam and the article part kept.

A scraper that drops the markup between two elements glues their texts: a label onto a headline
(`PlusDie Regierung …`, `AboKiew meldet …`), a timestamp onto a paragraph (`… kl. 08:15Regeringen
har …`), a site name after a headline (`… Ukraine?nyheder-eksempel.dk`); a link's words end a
paragraph (`… Lesen Sie hier mehr.`). Each seam gives a candidate piece:
the words before a capital that follows a small letter or a figure inside a word, a host name
after a sentence's end, the last short sentence of a paragraph. A piece goes when the rules name
it or the line model's text score finds it boilerplate, and something of the line is left; a word
joined at the seam that is a word of some language (`YouTube`, `LinkedIn`) is no seam.
"""

from __future__ import annotations

import re

import numpy as np

from index.clean.classify import classify
from index.clean.text import Line, Page

# The text model's probability that a piece is boilerplate, for it to go: a piece glued without a
# space is a seam for sure, the last sentence of a paragraph may well be the article's own.
SEAM_PROBABILITY = 0.85
SENTENCE_PROBABILITY = 0.97  # short article sentences get text scores up to about 0.95
MAX_PIECE_WORDS = 8  # a glued label, timestamp or link is short
MIN_REST_WORDS = 2  # what is left of a line cut at a seam must be text (a kicker has two words)
MIN_SENTENCES_WORDS = 3  # and of a paragraph whose last sentence goes

# a small letter, a figure or a closing mark, then a capital and a small letter: inside a token
_SEAM = re.compile(r"[a-zäöüßæøåé0-9:)\]][A-ZÄÖÜÆØÅÉ][a-zäöüßæøåé]")
SEAM_CHARS = 80  # a glued label or timestamp opens the line
TAIL_CHARS = 100  # a glued host name or link ends it
_HOST = re.compile(r"(?<=[.!?…»«\"”“])\s*((?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:dk|de|at|ch|no|se|com|net|org))$", re.I)
_LAST_SENTENCE = re.compile(r"(?<=[.!?…»\"”])\s+([^.!?…]{2,80}[.!?…]?|\[[^\]]{2,40}\])$")


def candidates(text: str) -> list[tuple[str, str, float]]:
    """(piece, rest, probability needed) for each seam of a line: the glued part, what the line would
    keep, and how sure the text model must be that the piece is boilerplate (0: a host name glued
    after a sentence needs no model)."""
    found = []
    m = _SEAM.search(text, 0, SEAM_CHARS)
    if m and not _is_word(text, m.start() + 1):
        found.append((text[: m.start() + 1], text[m.start() + 1 :], SEAM_PROBABILITY))
    start = max(0, len(text) - TAIL_CHARS)  # what is glued at the end is short: look at the tail only
    m = _HOST.search(text, start)
    if m:
        found.append((m.group(1), text[: m.start(1)], 0.0))
    m = _LAST_SENTENCE.search(text, start)
    if m and len(text[: m.start(1)].split()) >= MIN_SENTENCES_WORDS:
        found.append((m.group(1), text[: m.start(1)], SENTENCE_PROBABILITY))
    return [
        (piece.strip(), rest.strip(), needed)
        for piece, rest, needed in found
        if len(piece.split()) <= MAX_PIECE_WORDS and len(rest.split()) >= MIN_REST_WORDS
    ]


def _is_word(text: str, seam: int) -> bool:
    """Whether the token joined at `seam` is a word of a language we know (YouTube, LinkedIn, iPhone)."""
    from index.letters import _languages

    start = text.rfind(" ", 0, seam) + 1
    end = seam
    while end < len(text) and text[end].isalpha():
        end += 1
    token = re.sub(r"\W", "", text[start:end]).lower()
    return any(token in language.vocabulary for language in _languages())


Seam = tuple[Line, str, str, float]  # the line, the glued piece, what the line keeps, the probability needed


def seams(page: Page) -> list[Seam]:
    """Every seam of the kept lines, found before the line model runs: their pieces are scored in the
    same pass as the page's lines (index.clean.features.extract_with)."""
    found: list[Seam] = []
    for line in page.lines:
        if line.kept and len(line.text.split()) >= MIN_REST_WORDS:
            found += [(line, *seam) for seam in candidates(line.text)]
    return found


def cut(page: Page, found: list[Seam], probabilities: np.ndarray) -> None:
    """Cut the glued boilerplate off each line still kept where the rules name the piece or the text
    model's `probabilities` (one a seam) say it is boilerplate; the cut part is removed as `glued`
    (or as the kind the rules give it)."""
    done: set[int] = set()
    for (line, piece, rest, needed), p in zip(found, probabilities.tolist()):
        if line.index in done or not line.kept:
            continue
        kind = classify(page, piece)
        if kind or p > needed:
            page.drop(piece, kind or "glued", line.index)
            line.text, line.cut = rest, True
            done.add(line.index)
