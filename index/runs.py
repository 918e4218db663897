"""Runs of rows in flat arrays (a term's postings, a document's actors, a file's articles): where
each run starts, and the rows of chosen runs, found with numpy at once."""

from __future__ import annotations

import numpy as np


def starts(sizes) -> np.ndarray:
    """Where each run starts, and where the last ends, from the runs' sizes."""
    out = np.zeros(len(sizes) + 1, dtype=np.int64)
    np.cumsum(sizes, out=out[1:])
    return out


def spans(first, sizes) -> np.ndarray:
    """The rows first[i], first[i] + 1, ... of sizes[i] rows each, run after run."""
    sizes = np.asarray(sizes, dtype=np.int64)
    ends = np.cumsum(sizes)
    return np.repeat(np.asarray(first, dtype=np.int64) - ends + sizes, sizes) + np.arange(int(ends[-1]) if len(ends) else 0)
