"""Danish and German compounds, found in the index's own vocabulary when a query is compiled.

A query word also matches the indexed compounds it heads or begins: `droner` (stem `dron`) finds
`kamikazedroner` and `droneangreb`, `Partnerschaft` finds `Verteidigungspartnerschaft`. A term of a
text field is such a compound when it is the word's stem with another part before or after it,
joined by one of the language's linking elements, and that other part is a word itself — in the
corpus (the words fields hold every word as written) or in wordfreq's list for the language.
Compounds weigh less than the word itself (PART_BOOST), so an article that uses the word ranks first.

The vocabulary is read once per index generation, so a new word of the corpus is a compound part
from the build that brings it; nothing is decided at build time, which costs the build nothing.
"""

from __future__ import annotations

import bisect
import logging
import threading
from functools import lru_cache

import wordfreq

from index.schema import text_field, title_field, words_field

LINKS = {"da": ("", "s", "e"), "de": ("", "s", "es", "n", "en", "e", "er", "ens")}
MIN_PART = 3  # letters of the other part; a head is a stem (`pak` of `sanktionspakke`), so short
MIN_WORD = 4  # letters of a query word that is looked for inside compounds
LONG_PART = 5  # a first part this long is taken for a word when the head is the query word
MAX_COMPOUNDS = 10  # per query word, the most frequent: each is postings to read
WORD_ZIPF = 2.5  # wordfreq's frequency (log10 per billion words) for a part the corpus lacks
PART_BOOST = 0.5
log = logging.getLogger(__name__)


class Compounds:
    """One generation's vocabulary per language, for compound lookups."""

    def __init__(self, reader, langs: list[str]) -> None:
        self._reader = reader
        self._langs = [lang for lang in langs if lang in LINKS]
        self._vocab: dict[str, tuple[list[str], list[str], frozenset[str]]] = {}
        self._lock = threading.Lock()

    def _load(self, lang: str) -> tuple[list[str], list[str], frozenset[str]]:
        """(stems sorted, stems reversed and sorted, words as written) of a language; the reader
        is used under the lock only (readers are not for sharing)."""
        vocab = self._vocab.get(lang)
        if vocab is None:
            with self._lock:
                vocab = self._vocab.get(lang)
                if vocab is None:
                    stems = sorted(set(self._lexicon(title_field(lang)) + self._lexicon(text_field(lang))))
                    words = frozenset(self._lexicon(words_field(lang))) | frozenset(stems)
                    vocab = self._vocab[lang] = (stems, sorted(s[::-1] for s in stems), words)
        return vocab

    def _lexicon(self, fieldname: str) -> list[str]:
        """The terms of a field (their statistics are 20 times slower to read: only for the few
        compounds found, see expand)."""
        if fieldname not in self._reader.indexed_field_names():
            return []
        return [term.decode("utf-8") for term in self._reader.lexicon(fieldname)]

    def warm(self) -> None:
        """Read every language's vocabulary now (a new generation does this in the background; if
        the generation is closed meanwhile, the queries that would need it are gone too)."""
        try:
            for lang in self._langs:
                self._load(lang)
                _common(lang, "frieden")  # loads wordfreq's list
        except Exception:  # noqa: BLE001 - a closed reader; nothing is left to serve
            log.debug("vocabulary not read: the generation was closed", exc_info=True)

    def expand(self, lang: str, stem: str) -> list[str]:
        """The indexed compounds of `lang` that end or begin with `stem` (most frequent first)."""
        if lang not in self._langs or len(stem) < MIN_WORD or not stem.isalpha():
            return []
        stems, reversed_stems, words = self._load(lang)
        found = set()
        for term in _starting(reversed_stems, stem[::-1]):  # ...stem: the word is the head
            if self._is_part(lang, term[::-1][: -len(stem)], words, lenient=True):
                found.add(term[::-1])
        for term in _starting(stems, stem):  # stem...: the word is the first part
            rest = term[len(stem) :]
            if any(rest.startswith(link) and self._is_part(lang, rest[len(link) :], words) for link in LINKS[lang]):
                found.add(term)
        found.discard(stem)
        with self._lock:
            frequency = {t: self._reader.doc_frequency(text_field(lang), t) + self._reader.doc_frequency(title_field(lang), t) for t in found}
        return sorted(found, key=lambda t: (-frequency[t], t))[:MAX_COMPOUNDS]

    @staticmethod
    def _is_part(lang: str, part: str, words: frozenset[str], lenient: bool = False) -> bool:
        """A first part (`verteidigungs`, `kamikaze`) or a head (`angreb`): a word, perhaps with a
        linking element after it. `lenient` (a first part before a known head): a word of at least
        LONG_PART letters needs no dictionary (`kamikaze` is in neither Danish list)."""
        if lenient and len(part) >= LONG_PART and part.isalpha():
            return True
        for link in LINKS[lang]:  # "" first: the part itself
            word = part[: len(part) - len(link)]
            if part.endswith(link) and len(word) >= MIN_PART and word.isalpha() and (word in words or _common(lang, word)):
                return True
        return False


def _starting(ordered: list[str], prefix: str) -> list[str]:
    """The strings of a sorted list that start with `prefix`."""
    start = bisect.bisect_left(ordered, prefix)
    end = bisect.bisect_left(ordered, prefix + "\U0010ffff")
    return ordered[start:end]


@lru_cache(maxsize=100_000)
def _common(lang: str, word: str) -> bool:
    return wordfreq.zipf_frequency(word, lang) >= WORD_ZIPF
