"""Stage 2: boilerplate inside a line cut off, the article's words kept: caption toggles (`Vis
mere`) at a line's end or between two copies of a caption, datelines that start a line (`Vilnius
(dpa) -`), and credits and agency marks that end one after a finished sentence (`Foto: Ritzau
Scanpix`)."""

from __future__ import annotations

import re

from index.clean.rules import Kind, content_key
from index.clean.text import Line, Page
from index.clean.thresholds import T
from index.prefilter import FilteredPattern

_LEFT_CONTEXT_OK = re.compile(r"(?:^|[.!?…»«\"”“)\]])$")
_SPACE = re.compile(r"\s+")


def cut(page: Page) -> None:
    for line in page.lines:
        cut_toggles(page, line)
        if line.kept:
            cut_edges(page, line)


def cut_toggles(page: Page, line: Line) -> None:
    """Remove caption toggles at a line's end or between two copies of the same caption."""
    toggle = page.rules.toggle
    if toggle is None or not page.rules.may_have_toggle(line.text):
        return
    parts = toggle.split(line.text)
    if len(parts) == 1:
        return
    labels = toggle.findall(line.text)
    kept = [parts[0].strip()]
    for label, segment in zip(labels, parts[1:]):
        segment = segment.strip()
        previous = kept[-1]
        if not segment:
            page.drop(label, "caption_toggle", line.index)
        elif same_caption(previous, segment):
            page.drop(label, "caption_toggle", line.index)
            longer, shorter = (segment, previous) if len(segment) > len(previous) else (previous, segment)
            page.drop(shorter, "duplicate_caption", line.index)
            kept[-1] = longer
        else:
            kept[-1] = f"{previous} {label}".strip()
            kept.append(segment)
    line.text, line.cut = " ".join(k for k in kept if k), True
    if not line.text:
        line.reason = "caption_toggle"


def cut_edges(page: Page, line: Line) -> None:
    """Cut datelines that start a line, and credits and agency marks that end it after a finished sentence."""
    for kind, pattern in page.rules.leading:
        m = pattern.match(line.text)
        if m and m.end() < len(line.text):
            page.drop(m.group(0), kind.name, line.index)
            line.text, line.cut = line.text[m.end() :], True
    while True:
        found = trailing_cut(page, line.text)
        if found is None or found[1] == 0:
            return  # a whole line of credit or agency marks is left to the line classification
        kind, start = found
        page.drop(line.text[start:], kind.name, line.index)
        line.text, line.cut = line.text[:start].rstrip(), True


def trailing_cut(page: Page, text: str) -> tuple[Kind, int] | None:
    """The first trailing pattern that ends `text`, and where its match starts (remembered per text:
    the cut and the line classification both ask about a line's final text)."""
    if text not in page.cuts:
        page.cuts[text] = _find_trailing_cut(page, text)
    return page.cuts[text]


def _find_trailing_cut(page: Page, text: str) -> tuple[Kind, int] | None:
    first = max(0, len(text) - T.trailing_chars)
    for kind, pattern in page.rules.trailing_candidates(text[first:].lower()):
        start = _trailing_start(pattern, text, first)
        if start is not None:
            return kind, start
    return None


def _trailing_start(pattern: FilteredPattern, text: str, first: int) -> int | None:
    """Where a match of `pattern` that ends the line begins (not before `first`), at the line's start
    or after a finished sentence."""
    if not pattern.regex.search(text, first):
        return None
    for start in [0] + [m.end() for m in _SPACE.finditer(text)]:
        if start < first:
            continue
        if start and text[start] not in "([" and not _LEFT_CONTEXT_OK.search(text[:start].rstrip()):
            continue
        m = pattern.match(text, start)
        if m and m.end() >= len(text.rstrip()):
            return start
    return None


def same_caption(a: str, b: str) -> bool:
    """Two caption copies: equal, or one a truncated start of the other."""
    ka, kb = content_key(a), content_key(b)
    if not ka or not kb:
        return False
    short, long = sorted((ka, kb), key=len)
    return long.startswith(short) and len(short) >= 0.5 * len(long) or short == long
