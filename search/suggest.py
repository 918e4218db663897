"""Did you mean: correct query words found neither in the index's vocabulary nor among actor names."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable

from index.actors import Gazetteer
from index.analysis import stem_terms
from index.schema import text_field, words_field
from search.query import And, Or, Word, parse

NAME_CUTOFF = 0.8
MAX_EDITS = 2


def _words(node) -> list[Word]:
    if isinstance(node, Word):
        return [] if node.prefix else [node]
    if isinstance(node, (And, Or)):
        return [w for n in node.nodes for w in _words(n)]
    return []  # phrases and negated words are left as written


def _needs_correction(reader, word: str, langs: list[str], gazetteer: Gazetteer) -> bool:
    """A word that is no stop word, no actor name, and in no language's vocabulary."""
    if gazetteer.find(word, query=True):
        return False
    for lang in langs:
        terms = stem_terms(lang, word)
        if not terms:
            return False  # a stop word: never "corrected"
        if all(reader.doc_frequency(text_field(lang), t) for t in terms):
            return False
    return True


def _correction(reader, word: str, langs: list[str], names: list[str]) -> str | None:
    """The closest actor name, else the most frequent indexed word within two edits."""
    folded = {n.casefold(): n for n in names}
    close = difflib.get_close_matches(word.casefold(), list(folded), n=1, cutoff=NAME_CUTOFF)
    if close:
        return folded[close[0]]
    candidates: dict[str, int] = {}
    for lang in langs:
        field = words_field(lang)
        for term in reader.terms_within(field, word.lower(), MAX_EDITS, prefix=1):
            candidates[term] = candidates.get(term, 0) + reader.doc_frequency(field, term)
    return max(candidates, key=lambda t: (candidates[t], t)) if candidates else None


def suggest(
    text: str, reader, langs: list[str], gazetteer: Gazetteer, count: Callable[[str], int]
) -> tuple[str, int] | None:
    """A corrected query and its number of hits (`count` applies the request's filters), when
    correcting unknown words finds something."""
    names = sorted({n for actor in gazetteer.actors.values() for n in actor.names if " " not in n})
    corrected = text
    for word in _words(parse(text)):
        if not _needs_correction(reader, word.text, langs, gazetteer):
            continue
        fix = _correction(reader, word.text, langs, names)
        if fix and fix.casefold() != word.text.casefold():
            corrected = re.sub(rf"(?<!\w){re.escape(word.text)}(?!\w)", fix, corrected, count=1)
    if corrected == text:
        return None
    total = count(corrected)
    return (corrected, total) if total else None
