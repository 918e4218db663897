"""Near-duplicate articles: one agency story on several sites, an article and its update.

Each document gets a MinHash signature of its word shingles (SHINGLE consecutive words, lower-cased,
of the cleaned text): the share of positions where two signatures agree estimates the Jaccard
similarity of the two shingle sets. Pairs are found with banded LSH (two documents are compared
when one band of their signatures is equal), kept when the estimate reaches SIMILARITY, and grouped
transitively (an update of a copy joins the copy's group).
"""

from __future__ import annotations

import re
import zlib

import numpy as np

from index.slots import crowded

SHINGLE = 4  # words
HASHES = 128
BANDS = HASHES // 2  # of 2 rows: a pair at SIMILARITY shares a band with p = 1 - (1 - 0.3**2)**64 = 0.998
SIMILARITY = 0.3  # of 4-word shingles: an edited copy of a story; different articles on one event share < 0.2
MAX_BUCKET = 50  # documents sharing one band value beyond this are compared along a chain, not all pairs
_WORD = re.compile(r"\w+")
_MULTIPLY, _ADD = np.random.default_rng(20_261_124).integers(1, 2**63, size=(2, HASHES, 1), dtype=np.uint64)
_MULTIPLY |= np.uint64(1)  # multiply-shift hashing needs an odd multiplier


def signature(text: str) -> np.ndarray:
    """The MinHash signature (HASHES unsigned 32-bit values) of a text's word shingles."""
    words = _WORD.findall(text.lower())
    shingles = [" ".join(words[i : i + SHINGLE]) for i in range(max(1, len(words) - SHINGLE + 1))]
    keys = np.fromiter((zlib.crc32(s.encode("utf-8")) for s in shingles), dtype=np.uint64, count=len(shingles))
    with np.errstate(over="ignore"):  # arithmetic modulo 2**64 is the point
        hashed = (_MULTIPLY * keys + _ADD) >> np.uint64(32)
    return hashed.min(axis=1).astype(np.uint32)


def groups(ids: list[str], signatures: np.ndarray) -> list[list[str]]:
    """Groups of two or more near-duplicate documents (each sorted, the groups by first id)."""
    if len(ids) < 2:
        return []
    left, right = [], []
    bands = np.ascontiguousarray(np.ascontiguousarray(signatures, dtype=np.uint32).view(np.uint64).T)  # a band's two rows: one 64-bit key
    for keys in bands:
        maybe = crowded(keys)  # a key alone in its slot is unique: not sorted
        order = maybe[np.argsort(keys[maybe], kind="stable")]
        same = keys[order][1:] == keys[order][:-1]
        for start, end in _runs(same):
            members = order[start : end + 1]
            if len(members) > MAX_BUCKET:
                left.append(members[:-1])
                right.append(members[1:])
            else:
                i, j = np.triu_indices(len(members), 1)
                left.append(members[i])
                right.append(members[j])
    if not left:
        return []
    pairs = np.unique(np.stack([np.concatenate(left), np.concatenate(right)], axis=1), axis=0)
    agree = (signatures[pairs[:, 0]] == signatures[pairs[:, 1]]).mean(axis=1)
    parent = list(range(len(ids)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in pairs[agree >= SIMILARITY]:
        parent[root(int(a))] = root(int(b))
    found: dict[int, list[str]] = {}
    for i, doc_id in enumerate(ids):
        found.setdefault(root(i), []).append(doc_id)
    return sorted(sorted(g) for g in found.values() if len(g) > 1)


def _runs(same: np.ndarray) -> list[tuple[int, int]]:
    """(first, last) positions of each run of equal neighbours, from `same[k]`: k and k+1 are equal."""
    if not same.any():
        return []
    edges = np.diff(np.concatenate([[0], same.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)))
