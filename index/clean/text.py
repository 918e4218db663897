"""Stage 1: characters and markup normalised, the page split into lines.

The unit of cleaning is the line: a scraped page has one paragraph, caption or widget label per
line. Each line remembers its number in the page text (`n`), so a label file can name it and the
blank lines around it can be seen (a menu's items follow each other; paragraphs stand apart).
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property

from index.clean.rules import Rules, line_key
from index.clean.shapes import strip_counts
from index.documents import RawDocument, Removal

_INVISIBLE = re.compile(r"[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_WIDE_GAP = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]{2,}")
_ODD_SPACE = re.compile(r"[\t\u00a0\u2000-\u200a\u202f\u205f\u3000]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SCRIPT_STYLE = re.compile(r"<\s*(script|style|noscript)\b[^>]*>.*?<\s*/\s*\1\s*>", re.I | re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_BLOCK_TAG = re.compile(r"<\s*/?\s*(?:p|div|br|li|ul|ol|h[1-6]|section|article|tr|figure|figcaption|header|footer|blockquote)\b", re.I)


_LONG_GAP = re.compile("   +")  # three plain spaces or more


def _spaced(text: str) -> str:
    """Runs of spaces, tabs and odd spaces as two spaces (a wide gap), a single odd space as one."""
    return _ODD_SPACE.sub(" ", _WIDE_GAP.sub("  ", text))


def _plain(text: str) -> bool:
    """Whether the text has no control, invisible or odd space character (its lines all printable):
    then there is nothing for those patterns to do, and one fast test saves running them."""
    return text.replace("\n", "").isprintable()


@dataclass
class Line:
    text: str
    index: int  # position among the page's lines
    n: int  # line number in the page text (0-based)
    original: str  # the text before any cut
    reason: str | None = None  # why it was removed; None while kept
    signals: set[str] = field(default_factory=set)  # layout evidence the line model weighs
    cut: bool = False  # whether a stage cut part of it off (its key is then no longer its text's)
    protected: bool = False  # an item of a fact box: the line model leaves it alone

    @property
    def kept(self) -> bool:
        return self.reason is None

    @cached_property
    def key(self) -> str:
        """The line as the corpus count compares it: line_key of its text before any cut."""
        return line_key(self.original)


class Page:
    """One page being cleaned: its lines, what was removed and why, and what the stages remember."""

    def __init__(self, raw: RawDocument, rules: Rules, signals: frozenset[str] = frozenset()) -> None:
        self.raw, self.rules = raw, rules
        self.signal_reasons = signals  # what the layout stages find but the line model decides
        self._removed: list[tuple[int, Removal]] = []
        self._label_keys: dict[str, str] = {}
        self.cuts: dict[str, tuple] = {}  # text -> its trailing cut (index.clean.inline), asked twice
        self.kinds: dict[str, str | None] = {}  # text -> the kind of boilerplate rules say it is
        self.lines = self.split(self.normalise(raw.text))
        self.title: str | None = raw.title
        self.headline: Line | None = None  # the line taken as the title, when there was no explicit one

    def drop(self, text: str, reason: str, index: int = -1) -> None:
        """Record a removed span (a line or part of one) with its reason, at line `index`."""
        if text.strip():
            self._removed.append((index, Removal(text.strip(), reason)))

    def remove(self, line: Line, reason: str, decided: bool = False) -> None:
        """Remove a line; for a signal reason, unless `decided` (by the line model), mark it for the
        line model to weigh instead."""
        if reason in self.signal_reasons and not decided:
            line.signals.add(reason)
        elif line.kept:
            line.reason = reason
            self.drop(line.text, reason, line.index)

    @property
    def removed(self) -> list[Removal]:
        """Removals in document order."""
        return [removal for _, removal in sorted(self._removed, key=lambda item: item[0])]

    @property
    def removals(self) -> list[tuple[int, Removal]]:
        return self._removed

    def kept(self) -> list[Line]:
        return [line for line in self.lines if line.kept]

    def label_key(self, text: str) -> str:
        """A line's key with counters removed (`Kommentarer (214)` is `kommentarer`), computed once."""
        key = self._label_keys.get(text)
        if key is None:
            key = self._label_keys[text] = line_key(strip_counts(text))
        return key

    def normalise(self, text: str) -> str:
        """Unicode composed, invisible and control characters gone, entities decoded, scripts, styles
        and comments removed (their line breaks kept, so that line numbers stay the page's), spacing
        collapsed (wide gaps kept as two spaces: they separate widget items)."""
        text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
        if not _plain(text):
            text = _CONTROL.sub("", text)
        if "&" in text:
            text = html.unescape(text)
        for pattern in (_SCRIPT_STYLE, _COMMENT):
            if "<" in text:
                text = pattern.sub(self._drop_markup, text)
        if _plain(text):
            return _LONG_GAP.sub("  ", text) if "   " in text else text
        return _spaced(_INVISIBLE.sub("", text))

    def _drop_markup(self, m: re.Match[str]) -> str:
        self.drop(m.group(0), "html")
        return "\n" * m.group(0).count("\n")

    def split(self, text: str) -> list[Line]:
        """Non-empty lines, spacing collapsed (wide gaps kept: they separate widget items); a leftover
        block tag splits a line, an inline one becomes a space."""
        lines: list[Line] = []
        for n, raw in enumerate(text.split("\n")):
            parts = [raw]
            if "<" in raw:
                parts = _spaced(self.rules.tag.sub(self._strip_tag, raw)).split("\n")
            for part in parts:
                line = part.strip()
                if line:
                    lines.append(Line(line, len(lines), n, line))
        return lines

    def _strip_tag(self, m: re.Match[str]) -> str:
        self.drop(m.group(0), "html")
        return "\n" if _BLOCK_TAG.match(m.group(0)) else " "


def line_keys(text: str, rules: Rules) -> list[str]:
    """The keys of a raw page's lines as the cleaner sees them: what a corpus count compares."""
    page = Page(RawDocument(id="", text=text, source_path=""), rules)
    return [line.key for line in page.lines]
