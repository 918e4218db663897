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
from dataclasses import dataclass

import numpy as np

from index.slots import crowded

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

    It keeps each document's hash arrays (16 bytes per distinct short or long line: about 2 KB for
    a page of 100 lines, some 200 MB for 100,000 pages) and counts them all at once in `result`."""

    def __init__(self) -> None:
        self._short: list[np.ndarray] = []  # the hashes of documents' distinct short lines, end to end
        self._short_counts: list[np.ndarray] = []  # ... and how many of them each document has
        self._long: list[np.ndarray] = []  # likewise their long lines, the signature candidates
        self._long_counts: list[np.ndarray] = []
        self._fallback: list[np.ndarray] = []  # per document: a signature for a page without long lines
        self.documents = 0

    def add(self, lines: LineHashes) -> None:
        """Count the lines of one raw article."""
        self.add_many(lines.short, np.array([len(lines.short)]), lines.long, np.array([len(lines.long)]), np.array([lines.fallback]))

    def add_many(self, short: np.ndarray, short_count: np.ndarray, long: np.ndarray, long_count: np.ndarray, fallback: np.ndarray) -> None:
        """Count the lines of several raw articles, given as a manifest keeps them (index.manifest)."""
        self._short.append(short)
        self._short_counts.append(short_count)
        self._long.append(long)
        self._long_counts.append(long_count)
        self._fallback.append(fallback)
        self.documents += len(fallback)

    def signatures(self) -> np.ndarray:
        """Per document, the hash of its rarest long line (or of all its lines when it has none)."""
        signatures = np.concatenate(self._fallback, dtype=np.int64, casting="safe") if self._fallback else np.zeros(0, np.int64)
        long, docs = _flatten(self._long, self._long_counts)
        if len(long):
            rarity = np.ones(len(long), dtype=np.int64)
            maybe = crowded(long)  # most long lines are one article's own: only the others are sorted
            _, inverse, counts = np.unique(long[maybe], return_inverse=True, return_counts=True)
            rarity[maybe] = counts[inverse]
            starts = np.flatnonzero(np.r_[True, docs[1:] != docs[:-1]])  # each document's run (docs is sorted)
            rarest = np.minimum.reduceat(rarity, starts)
            candidates = np.where(rarity == np.repeat(rarest, np.diff(np.r_[starts, len(docs)])), long, np.iinfo(np.int64).max)
            signatures[docs[starts]] = np.minimum.reduceat(candidates, starts)  # of the rarest, the smallest hash
        return signatures

    def result(self) -> RepeatedLines:
        lines, docs = _flatten(self._short, self._short_counts)
        if self.documents < MIN_DOCUMENTS or not len(lines):
            return NO_REPEATED_LINES
        threshold = max(MIN_ARTICLES, math.ceil(ARTICLE_SHARE * self.documents))
        often = crowded(lines, threshold)  # a line found fewer times cannot be in that many articles
        if not len(often):
            return RepeatedLines(frozenset(), threshold)
        lines, articles = lines[often], self.signatures()[docs[often]]
        order = np.lexsort((articles, lines))
        lines, articles = lines[order], articles[order]
        first = np.r_[True, (lines[1:] != lines[:-1]) | (articles[1:] != articles[:-1])]  # each (line, article) once
        distinct, counts = np.unique(lines[first], return_counts=True)
        return RepeatedLines(frozenset(distinct[counts >= threshold].tolist()), threshold)


def _flatten(hashes: list[np.ndarray], counts: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """The hashes of all documents in one array, and beside each the number of its document."""
    if not hashes:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    per_document = np.concatenate(counts).astype(np.int64)
    return np.concatenate(hashes, dtype=np.int64, casting="safe"), np.repeat(np.arange(len(per_document)), per_document)
