"""A document's title and text analysed once for all the fields that index them.

Whoosh analyses a text once per field: the text field (stems and positions), the words field (the
words as written) and the parts field (compound parts) each tokenize, lower-case and drop stop words
again. Here each text is tokenized once (index.analysis.kept_words) and every field's items are made
from that one list, exactly as Whoosh's formats make them from their analyzers' tokens: the same
`(term bytes, frequency, weight, encoded value)` (tests/test_bulk_writer.py compares them).
"""

from __future__ import annotations

from collections import Counter

from whoosh.system import emptybytes
from whoosh.util.numeric import pack_uint

from index.analysis import kept_words, stemmer_of
from index.compounds import splitter
from index.schema import compounding, parts_fields, text_field, title_field, words_field


def text_items(schema, lang: str, title: str, text: str) -> dict[str, tuple[list, list | None]]:
    """(items, each item's positions or None) per field name for `lang`'s title and text (with
    positions), words and (Danish, German) parts fields."""
    stem = stemmer_of(lang)
    analysed = {title_field(lang): kept_words(lang, title), text_field(lang): kept_words(lang, text)}
    found = {name: _positions(schema[name].format, [stem(w) for w in kept], first) for name, (kept, first) in analysed.items()}
    words = {name: kept for name, (kept, _) in analysed.items()}
    every_word = set(words[title_field(lang)]).union(words[text_field(lang)])
    boost = schema[words_field(lang)].format.field_boost
    found[words_field(lang)] = [(w.encode("utf-8"), 1, boost, emptybytes) for w in every_word], None
    if compounding(lang):
        parts = splitter(lang).parts
        for name, kept in zip(parts_fields(lang), words.values()):
            found[name] = _frequencies(schema[name].format, [stem(p) for w in kept for p in parts(w)]), None
    return found


def _positions(fmt, terms: list[str], first: int) -> tuple[list[tuple], list[list[int]]]:
    """Whoosh's Positions.word_values for consecutive tokens from position `first` on, and each
    item's positions."""
    positions: dict[str, list[int]] = {}
    for pos, term in enumerate(terms, first):
        positions.setdefault(term, []).append(pos)
    boost = fmt.field_boost
    items = [(term.encode("utf-8"), len(found), float(len(found)) * boost, fmt.encode(found)) for term, found in positions.items()]
    return items, list(positions.values())


def _frequencies(fmt, terms: list[str]) -> list[tuple]:
    """Whoosh's Frequency.word_values."""
    boost = fmt.field_boost
    return [(term.encode("utf-8"), n, float(n) * boost, pack_uint(n)) for term, n in Counter(terms).items()]
