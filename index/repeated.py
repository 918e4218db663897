"""Lines that recur across different articles of one corpus: page chrome that no rule names.

A site repeats its own chrome — a slogan, an imprint line, a section menu, a newsletter prompt — on
every page, in words no rule can know. Counted over the whole corpus before cleaning, a short line
found in several *different* articles is such chrome. Articles count as different when their
signatures differ. A page's signature is its rarest long line (of SIGNATURE_WORDS words or more,
the fewest pages having it; ties go to the smallest hash): that is article text, not the consent
or imprint text every page of its site repeats, and the same agency story on five sites gets the
same signature, so a line those copies share does not count as chrome.

Safeguards: a corpus of fewer than MIN_DOCUMENTS documents gives no signal at all; a line must
recur in at least MIN_ARTICLES different articles, and in big corpora in ARTICLE_SHARE of them;
lines longer than MAX_WORDS are paragraphs and never counted. What the cleaner then does with a
repeated line (it protects sentences, the article's own headings and list openers) is in
`index.clean`.
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
SIGNATURE_WORDS = 8  # lines this long can identify an article


def line_hash(key: str) -> int:
    """A stable 63-bit hash of a line key (stable across processes, unlike hash())."""
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "little") >> 1


@dataclass(frozen=True)
class RepeatedLines:
    """The lines (by key) that recur in at least `threshold` different articles of a corpus."""

    hashes: frozenset[int]
    threshold: int

    def __contains__(self, key: str) -> bool:
        return bool(self.hashes) and line_hash(key) in self.hashes

    def __len__(self) -> int:
        return len(self.hashes)


NO_REPEATED_LINES = RepeatedLines(frozenset(), 0)


@dataclass(frozen=True)
class LineHashes:
    """What the count keeps of one raw article: its distinct short lines and its long lines (the
    signature candidates) by hash, and a signature for a page without long lines."""

    short: np.ndarray
    long: np.ndarray
    fallback: int

    @classmethod
    def of(cls, keys: list[str]) -> LineHashes:
        """The hashes of a page's line keys (see `index.clean.line_keys`)."""
        hashes = {key: line_hash(key) for key in keys if key}
        words = {key: len(key.split()) for key in hashes}
        return cls(
            np.array([h for key, h in hashes.items() if words[key] <= MAX_WORDS], dtype=np.int64),
            np.array([h for key, h in hashes.items() if words[key] >= SIGNATURE_WORDS], dtype=np.int64),
            line_hash("\n".join(sorted(hashes))),
        )


class LineCounter:
    """Counts, document by document, in how many different articles each short line occurs.

    Memory is 16 bytes per distinct short or long line of a document: about 2 KB for a page of 100
    lines, some 200 MB for 100,000 pages (an array of integers, not Python objects)."""

    def __init__(self) -> None:
        self._short = array("q")  # hash of each distinct short line of each document
        self._short_doc = array("q")  # ... and the document it is in
        self._long = array("q")  # the same for long lines, the signature candidates
        self._long_doc = array("q")
        self._fallback = array("q")  # per document: a signature for a page without long lines
        self.documents = 0

    def add(self, lines: LineHashes) -> None:
        """Count the lines of one raw article."""
        doc = self.documents
        self._short.extend(lines.short.tolist())
        self._short_doc.extend([doc] * len(lines.short))
        self._long.extend(lines.long.tolist())
        self._long_doc.extend([doc] * len(lines.long))
        self._fallback.append(lines.fallback)
        self.documents += 1

    def signatures(self) -> np.ndarray:
        """Per document, the hash of its rarest long line (or of all its lines when it has none)."""
        signatures = np.frombuffer(self._fallback, dtype=np.int64).copy()
        if self._long:
            long = np.frombuffer(self._long, dtype=np.int64)
            docs = np.frombuffer(self._long_doc, dtype=np.int64)
            _, inverse, counts = np.unique(long, return_inverse=True, return_counts=True)
            order = np.lexsort((long, counts[inverse], docs))  # by document, then rarity, then hash
            first = order[np.r_[True, docs[order][1:] != docs[order][:-1]]]
            signatures[docs[first]] = long[first]
        return signatures

    def result(self) -> RepeatedLines:
        if self.documents < MIN_DOCUMENTS or not self._short:
            return NO_REPEATED_LINES
        threshold = max(MIN_ARTICLES, math.ceil(ARTICLE_SHARE * self.documents))
        lines = np.frombuffer(self._short, dtype=np.int64)
        articles = self.signatures()[np.frombuffer(self._short_doc, dtype=np.int64)]
        order = np.lexsort((articles, lines))
        lines, articles = lines[order], articles[order]
        first = np.r_[True, (lines[1:] != lines[:-1]) | (articles[1:] != articles[:-1])]  # each (line, article) once
        distinct, counts = np.unique(lines[first], return_counts=True)
        return RepeatedLines(frozenset(distinct[counts >= threshold].tolist()), threshold)
