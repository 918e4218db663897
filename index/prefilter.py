"""Literal prefilters for regular expressions: which substrings a match cannot do without.

Python's `re` tries a pattern at every position of a line, and a cleaning rule set has hundreds of
patterns, most of which never match a given line. A pattern like `\\btillad (?:alle|cookies)\\b`
cannot match a line that does not contain `tillad `; checking that with `in` is far cheaper than
running the regex. The literals are read from the parsed pattern, lower-cased, so they are a sound
test against lower-cased text whatever the pattern's case flags.
"""

from __future__ import annotations

import re
from re import _constants as sre
from re import _parser as sre_parse

MIN_LITERAL = 2


def _score(options: frozenset[str] | None) -> int:
    """How selective a set of alternatives is: the length of its shortest member (a punctuation
    mark counts as much as two letters: `+` is rarer than `z`)."""
    if not options:
        return 0
    return min(len(o) + (0 if o.isalnum() else 1) for o in options)


def _required(items) -> frozenset[str] | None:
    """A set of strings one of which every match contains, or None when nothing is certain."""
    best: frozenset[str] | None = None
    run: list[str] = []

    def consider(candidate: frozenset[str] | None) -> None:
        nonlocal best
        if candidate and _score(candidate) > _score(best):
            best = candidate

    for op, av in list(items) + [(None, None)]:
        if op is sre.LITERAL:
            run.append(chr(av).lower())
            continue
        if run:
            consider(frozenset(["".join(run)]))
            run = []
        if op is sre.SUBPATTERN:
            consider(_required(av[-1]))
        elif op is sre.BRANCH:
            options = [_required(branch) for branch in av[1]]
            if all(options):
                consider(frozenset().union(*options))
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT) and av[0] >= 1:
            consider(_required(av[2]))
    return best


def required_literals(pattern: str, flags: int = 0) -> frozenset[str] | None:
    """Lower-cased substrings of which a match of `pattern` contains at least one; None if unknown
    or too weak to be worth checking."""
    try:
        found = _required(sre_parse.parse(pattern, flags).data)
    except (re.error, AttributeError, TypeError, ValueError):
        return None
    if not found or any(len(s) < MIN_LITERAL and s.isalnum() for s in found):
        return None
    return found


class FilteredPattern:
    """A compiled pattern that first checks its required literals against lower-cased text."""

    __slots__ = ("regex", "literals", "_any_literal")

    def __init__(self, regex: re.Pattern[str]) -> None:
        self.regex = regex
        self.literals = required_literals(regex.pattern, regex.flags)
        alternatives = sorted(self.literals or (), key=len, reverse=True)
        self._any_literal = re.compile("|".join(map(re.escape, alternatives))) if alternatives else None

    @property
    def pattern(self) -> str:
        return self.regex.pattern

    def possible(self, lowered: str) -> bool:
        return self._any_literal is None or self._any_literal.search(lowered) is not None

    def match(self, text: str, pos: int = 0) -> re.Match[str] | None:
        return self.regex.match(text, pos)
