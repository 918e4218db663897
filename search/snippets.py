"""Highlighted snippets: the passage of a document's cleaned text that best matches the query.

Matches are found with the document's own language analysis (so `droner` marks `dronerne`), raw
prefixes for `prefix*` queries, and the gazetteer for actors the query names (so `Rusland` marks
`Russland` and `Kreml` in a German article). The result is HTML-escaped text whose only markup is
`<mark>…</mark>`.
"""

from __future__ import annotations

import html

from index.actors import Gazetteer
from index.analysis import matching_spans, term_spans
from search.query import Highlight

SNIPPET_CHARS = 240
LEAD_CHARS = 40  # context shown before the first match in a passage
ELLIPSIS = "…"


def _matches(text: str, lang: str, highlight: Highlight, gazetteer: Gazetteer) -> list[tuple[int, int, str]]:
    """(start, end, term) of every match in `text`, sorted and not overlapping."""
    stems = highlight.stems.get(lang, set())
    found: list[tuple[int, int, str]] = []
    if stems:
        found += matching_spans(lang, text, stems, highlight.parts.get(lang, set()))
    if highlight.prefixes:
        prefixes = tuple(highlight.prefixes)
        found += [(start, end, text[start:end].lower()) for start, end, _ in term_spans(lang, text) if text[start:end].lower().startswith(prefixes)]
    if highlight.actors:
        found += [(m.start, m.end, m.actor) for m in gazetteer.find(text) if m.actor in highlight.actors]
    found.sort()
    merged: list[tuple[int, int, str]] = []
    for start, end, term in found:
        if merged and start < merged[-1][1]:
            continue
        merged.append((start, end, term))
    return merged


def _best_window(text: str, matches: list[tuple[int, int, str]], size: int) -> tuple[int, int]:
    """The window of `size` characters that holds the most different terms, then the most matches."""
    best, best_score = (0, min(len(text), size)), (-1, -1)
    for start, _, _ in matches:
        lo = max(0, start - LEAD_CHARS)
        hi = min(len(text), lo + size)
        inside = [m for m in matches if m[0] >= lo and m[1] <= hi]
        score = (len({m[2] for m in inside}), len(inside))
        if score > best_score:
            best, best_score = (lo, hi), score
    return best


def _snap(text: str, lo: int, hi: int) -> tuple[int, int]:
    """Move a window's edges to word boundaries."""
    if lo > 0:
        space = text.find(" ", lo)
        lo = space + 1 if 0 <= space < lo + 30 else lo
    if hi < len(text):
        space = text.rfind(" ", lo, hi)
        hi = space if space > lo else hi
    return lo, hi


def snippet(text: str, lang: str, highlight: Highlight, gazetteer: Gazetteer, size: int = SNIPPET_CHARS) -> str:
    """An HTML snippet of at most about `size` characters of `text` with the query's matches marked."""
    text = " ".join(text.split())
    matches = _matches(text, lang, highlight, gazetteer)
    lo, hi = _snap(text, *_best_window(text, matches, size)) if matches else _snap(text, 0, min(len(text), size))
    parts = [ELLIPSIS + " " if lo > 0 else ""]
    cursor = lo
    for start, end, _ in matches:
        if start < lo or end > hi:
            continue
        parts.append(html.escape(text[cursor:start], quote=False))
        parts.append(f"<mark>{html.escape(text[start:end], quote=False)}</mark>")
        cursor = end
    parts.append(html.escape(text[cursor:hi], quote=False))
    if hi < len(text):
        parts.append(" " + ELLIPSIS)
    return "".join(parts)
