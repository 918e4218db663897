"""Lines that recur across different articles of one corpus: page chrome that no rule names.

A site repeats its own chrome — a slogan, an imprint line, a section menu, a newsletter prompt — on
every page, in words no rule can know. Counted over the whole corpus before cleaning, a short line
found in several *different* articles is such chrome. Articles count as different when their
signatures differ: the hash of their longest line, which is article text on a page of any length,
so that the same agency story on five sites counts once (a line two copies share is not chrome).

Safeguards: a corpus of fewer than MIN_DOCUMENTS documents gives no signal at all; a line must
recur in at least MIN_ARTICLES different articles, and in big corpora in ARTICLE_SHARE of them;
lines longer than MAX_WORDS are paragraphs and never counted. What the cleaner then does with a
repeated line (it protects sentences and the article's own headings) is in `index.clean`.
"""

from __future__ import annotations

import hashlib
import math
from array import array
from dataclasses import dataclass

import numpy as np

MIN_DOCUMENTS = 10
MIN_ARTICLES = 3
ARTICLE_SHARE = 0.0005  # 50 articles in a corpus of 100,000
MAX_WORDS = 25
SIGNATURE_WORDS = 8  # lines this long are article text that identifies an article


def line_hash(key: str) -> int:
    """A stable 63-bit hash of a line key (stable across processes, unlike hash())."""
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "little") >> 1


@dataclass(frozen=True)
class RepeatedLines:
    """The lines (by key) that recur in at least `threshold` different articles of a corpus."""

    hashes: frozenset[int]
    documents: int
    threshold: int

    def __contains__(self, key: str) -> bool:
        return bool(self.hashes) and line_hash(key) in self.hashes

    def __len__(self) -> int:
        return len(self.hashes)


NO_REPEATED_LINES = RepeatedLines(frozenset(), 0, 0)


class LineCounter:
    """Counts, document by document, in how many different articles each short line occurs.

    Memory is two 8-byte integers per distinct short line of a document, so a corpus of 100,000
    articles costs some tens of megabytes."""

    def __init__(self) -> None:
        self._lines = array("q")
        self._articles = array("q")
        self.documents = 0

    def add(self, keys: list[str]) -> None:
        """Count the line keys of one document (see `index.clean.line_keys`)."""
        self.documents += 1
        hashes = {key: line_hash(key) for key in keys if key}
        longest = max(hashes, key=len, default="")
        signature = hashes[longest] if len(longest.split()) >= SIGNATURE_WORDS else line_hash("\n".join(sorted(hashes)))
        for key, h in hashes.items():
            if len(key.split()) <= MAX_WORDS:
                self._lines.append(h)
                self._articles.append(signature)

    def result(self) -> RepeatedLines:
        if self.documents < MIN_DOCUMENTS or not self._lines:
            return RepeatedLines(frozenset(), self.documents, 0)
        threshold = max(MIN_ARTICLES, math.ceil(ARTICLE_SHARE * self.documents))
        pairs = np.unique(np.stack([np.frombuffer(self._lines, dtype=np.int64), np.frombuffer(self._articles, dtype=np.int64)]), axis=1)
        lines, counts = np.unique(pairs[0], return_counts=True)
        return RepeatedLines(frozenset(lines[counts >= threshold].tolist()), self.documents, threshold)
