"""Near-duplicate groups of one generation by document number, and collapsing ranked matches."""

from __future__ import annotations

import numpy as np


class Duplicates:
    """Which group of near-duplicates (see index.duplicates) each document is in; -1: none."""

    def __init__(self, searcher, groups: list[list[str]], size: int) -> None:
        self.group_of = np.full(size, -1, dtype=np.int32)
        self.members: list[np.ndarray] = []
        for ids in groups:
            docs = [d for d in (searcher.document_number(id=i) for i in ids) if d is not None]
            if len(docs) > 1:
                self.group_of[docs] = len(self.members)
                self.members.append(np.array(sorted(docs), dtype=np.int64))

    def copies(self, doc: int) -> np.ndarray:
        """The other documents of `doc`'s group."""
        group = self.group_of[doc]
        return self.members[group][self.members[group] != doc] if group >= 0 else np.zeros(0, dtype=np.int64)

    def collapse(self, docs: np.ndarray, order: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Keep the best document of each group among `docs` (`order`: positions in `docs`, best
        first, of at least the grouped ones). Returns a mask of the kept positions and, for each
        position, how many other documents of its group are among `docs`."""
        groups = self.group_of[docs]
        keep = groups < 0
        copies = np.zeros(len(docs), dtype=np.int64)
        if keep.all():
            return keep, copies
        ranked = order[groups[order] >= 0]
        _, first = np.unique(groups[ranked], return_index=True)
        keep[ranked[first]] = True
        grouped = groups >= 0
        copies[grouped] = np.bincount(groups[grouped], minlength=len(self.members))[groups[grouped]] - 1
        return keep, copies
