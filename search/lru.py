"""A thread-safe least-recently-used cache bounded by the total weight of what it holds."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable


class LruCache:
    """Values by key; beyond `limit` (the sum of `weigh(value)`, 1 each by default) the least
    recently used go first."""

    def __init__(self, limit: int, weigh: Callable[[object], int] = lambda value: 1) -> None:
        self.limit = limit
        self._weigh = weigh
        self._items: OrderedDict = OrderedDict()
        self._total = 0
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key, value) -> None:
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._total -= self._weigh(old)
            self._items[key] = value
            self._total += self._weigh(value)
            while self._total > self.limit and self._items:
                self._total -= self._weigh(self._items.popitem(last=False)[1])

    @property
    def total(self) -> int:
        """The weight held now."""
        return self._total

    def __len__(self) -> int:
        return len(self._items)
