"""Which of many 64-bit keys may occur several times, found without sorting them all.

Each key goes to one of some eight slots per key by multiply-shift hashing, and the slots are counted
(`np.bincount`): a key whose slot holds fewer than k keys occurs fewer than k times. Sorting, which
costs the most, is then left to the crowded slots' keys. The keys may be anything (minima of
hashes, whose high bits are mostly zero): the multiplication spreads every bit into the slot number.
"""

from __future__ import annotations

import numpy as np

_SPREAD = np.uint64(0x9E3779B97F4A7C15)
MAX_BITS = 24  # at most 16 million slots (128 MB of counts): beyond, more keys share slots


def crowded(keys: np.ndarray, least: int = 2) -> np.ndarray:
    """Positions of the keys whose slot holds at least `least` keys: all that occur that often, and
    some that do not."""
    bits = min(MAX_BITS, max(10, int(np.ceil(np.log2(max(len(keys), 1)))) + 3))
    with np.errstate(over="ignore"):
        slots = ((keys.astype(np.uint64, copy=False) * _SPREAD) >> np.uint64(64 - bits)).astype(np.intp)
    return np.flatnonzero(np.bincount(slots, minlength=1 << bits)[slots] >= least)
