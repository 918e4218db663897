"""Did you mean: correct query words that are in neither the index's vocabulary nor an actor's name."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable

from index.actors import Gazetteer
from index.analysis import analyzer
from index.schema import text_field, title_field
from search.query import And, Not, Or, Word, parse

NAME_CUTOFF = 0.8
MAX_EDITS = 2


def _words(node) -> list[Word]:
    if isinstance(node, Word):
        return [] if node.prefix else [node]
    if isinstance(node, (And, Or)):
        return [w for n in node.nodes for w in _words(n)]
    return []  # phrases and negated words are left as written


def _known(reader, word: str, langs: list[str]) -> bool:
    for lang in langs:
        for term in (t.text for t in analyzer(lang)(word)):
            if any(reader.doc_frequency(f(lang), term) for f in (text_field, title_field)):
                return True
    return False


def _correction(reader, word: str, langs: list[str], names: list[str]) -> str | None:
    close = difflib.get_close_matches(word.casefold(), [n.casefold() for n in names], n=1, cutoff=NAME_CUTOFF)
    if close:
        return next(n for n in names if n.casefold() == close[0])
    candidates: dict[str, int] = {}
    for lang in langs:
        field = text_field(lang)
        if field not in reader.indexed_field_names():
            continue
        for term in reader.terms_within(field, word.casefold(), MAX_EDITS, prefix=1):
            candidates[term] = candidates.get(term, 0) + reader.doc_frequency(field, term)
    return max(candidates, key=candidates.__getitem__) if candidates else None


def suggest(
    text: str, reader, langs: list[str], gazetteer: Gazetteer, count: Callable[[str], int]
) -> tuple[str, int] | None:
    """A corrected query and its number of hits, when correcting unknown words finds more."""
    names = sorted({n for actor in gazetteer.actors.values() for n in actor.names if " " not in n})
    corrected = text
    changed = False
    for word in _words(parse(text)):
        if _known(reader, word.text, langs) or gazetteer.find(word.text, query=True):
            continue
        fix = _correction(reader, word.text, langs, names)
        if fix and fix.casefold() != word.text.casefold():
            corrected = re.sub(rf"(?<!\w){re.escape(word.text)}(?!\w)", fix, corrected, count=1)
            changed = True
    if not changed:
        return None
    total = count(corrected)
    return (corrected, total) if total else None
