"""Stage 7: what the page says twice. A caption or teaser cut short beside its full copy, a paragraph
again (or nearly again), the title again in the text, and a whole article repeated below itself."""

from __future__ import annotations

import math

from index.clean.rules import content_key
from index.clean.shapes import ends_sentence
from index.clean.text import Line, Page
from index.clean.thresholds import T


def apply(page: Page) -> None:
    keys = {x.index: content_key(x.text) for x in page.lines if x.kept}  # the texts change no more
    truncated_copies(page, keys)
    duplicates(page, [x for x in page.lines if x is not page.headline], keys)


def truncated_copies(page: Page, keys: dict[int, str]) -> None:
    """Remove a caption or teaser cut short (with an ellipsis, or where a toggle was) when the page also
    has it in full: its words are the start of a longer line's. One sort finds every such pair."""
    ordered = sorted(((keys[x.index], x) for x in page.lines if x.kept), key=lambda item: item[0])
    for (key, line), (following, _) in zip(ordered, ordered[1:]):
        truncated = line.text.rstrip().endswith(("…", "..."))  # then it may stop inside a word
        if not truncated and ends_sentence(line.text):
            continue  # a finished sentence that another paragraph repeats and goes on from is text
        needed = T.truncated_min_words if truncated else T.prefix_copy_min_words
        if following.startswith(key if truncated else key + " ") and following != key and len(key.split()) >= needed:
            page.remove(line, "duplicate_caption")


def duplicates(page: Page, lines: list[Line], keys: dict[int, str]) -> None:
    """A line whose words an earlier kept line has (all, or nearly all: Jaccard similarity); a run of
    such copies of consecutive lines is a repeated article."""
    title_key = content_key(page.title) if page.title else None
    seen: dict[str, int] = {}  # key -> position among kept lines
    earlier = _LongLines()
    found: list[tuple[Line, int, str]] = []  # (line, original's position, reason)
    position = 0
    for line in lines:
        if not line.kept:
            continue
        key = keys[line.index]
        if title_key and key == title_key:
            page.remove(line, "duplicate_title")
            continue
        if key in seen:
            found.append((line, seen[key], "duplicate_paragraph"))
            continue
        words = frozenset(key.split())
        long = len(words) >= T.near_duplicate_min_words
        prefix = earlier.prefix(words) if long else []
        original = earlier.near_duplicate(words, prefix) if long else None
        if original is not None:
            found.append((line, original, "near_duplicate_paragraph"))
            continue
        seen[key] = position
        if long:
            earlier.add(position, words, prefix)
        position += 1
    # Consecutive duplicates of consecutive originals are a repeated article, not a stray copy.
    run: list[tuple[Line, int, str]] = []
    for item in found + [None]:  # type: ignore[list-item]
        if item is not None and run and item[1] == run[-1][1] + 1:
            run.append(item)
            continue
        for line, _, reason in run:
            page.remove(line, "repeated_article" if len(run) >= T.repeated_article_run else reason)
        run = [item] if item is not None else []


class _LongLines:
    """The word sets of earlier long lines, indexed so that a near-duplicate is found without comparing
    a line with each of them (PPJoin: Xiao et al., Efficient Similarity Joins for Near Duplicate
    Detection, 2008). In any fixed order of words, two sets with Jaccard similarity t or more share
    one of the first n - ceil(t * n) + 1 words of each set of n words (prefix filter); a candidate met
    at position i of this line's prefix and j of its own can share at most what it shared before,
    plus 1, plus the shorter of the two rests (positional filter). Only the last
    `near_duplicate_window` long lines are searched: linear time on huge files."""

    def __init__(self) -> None:
        self.lines: list[tuple[int, frozenset[str]]] = []  # (position among kept lines, words)
        self.postings: dict[str, list[tuple[int, int, int]]] = {}  # prefix word -> (index into self.lines, its place there, its words)

    @staticmethod
    def prefix(words: frozenset[str]) -> list[str]:
        """The first words in a fixed order that puts long (rare) words first: short postings."""
        size = len(words) - math.ceil(T.near_duplicate_jaccard * len(words)) + 1
        ordered = sorted(words)
        ordered.sort(key=len, reverse=True)  # stable: longest first, then alphabetical — a total order
        return ordered[:size]

    def near_duplicate(self, words: frozenset[str], prefix: list[str]) -> int | None:
        """The position of the latest earlier line whose words are nearly these, or None."""
        oldest = len(self.lines) - T.near_duplicate_window
        t, n = T.near_duplicate_jaccard, len(words)
        smallest, share = t * n, t / (1 + t)
        shared: dict[int, int] = {}
        pruned: set[int] = set()
        for i, word in enumerate(prefix):
            for number, j, m in reversed(self.postings.get(word, ())):
                if number < oldest:
                    break
                if number in pruned:
                    continue
                before = shared.get(number, 0)
                if m < smallest or n < t * m or before + 1 + min(n - i - 1, m - j - 1) < math.ceil(share * (n + m) - 1e-9):
                    pruned.add(number)  # sizes too far apart, or too few words left to share
                    shared.pop(number, None)
                else:
                    shared[number] = before + 1
        for number in sorted(shared, reverse=True):
            position, other = self.lines[number]
            common = len(words & other)
            if common >= t * (n + len(other) - common):
                return position
        return None

    def add(self, position: int, words: frozenset[str], prefix: list[str]) -> None:
        entry = len(self.lines)
        for j, word in enumerate(prefix):
            self.postings.setdefault(word, []).append((entry, j, len(words)))
        self.lines.append((position, words))
