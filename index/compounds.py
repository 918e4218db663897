"""Danish and German compounds split into the words they are made of.

`kamikazedroner` is kamikaze + droner, `Verteidigungspartnerschaft` is Verteidigung(s) +
Partnerschaft. The build indexes each compound's parts in the language's parts field, so a query for
a part finds the compounds (search.query weighs them less than the word itself); the query side splits
a query compound that no article uses into its parts.

A split is a head that is a word after a first part that is a word or a word's stem (`sanktion`
of `sanktioner`), perhaps followed by one of the language's linking elements, or is a compound
itself; before a head of LONG_PART letters or more, any first part of LONG_PART letters will do
(`kamikaze` is in no Danish word list). Words are wordfreq's list for the language (Zipf frequency
WORD_ZIPF or more), never stop words, and of MIN_PART letters or more (three-letter words are as
often endings: `-ung`, `-ion`). The word's stem must reach into the head: an ending is no head
(`forhandlingerne` is no compound of `erne`). Of the possible splits the one whose parts are most
common wins (the mean of their Zipf frequencies, a part in no list counting 0), and only if its
parts are about as common as the word itself (Koehn and Knight's rule, within SPLIT_MARGIN): a
common word is not cut into two rarer ones (`Sanktionen` is no Sankt + Ionen), a compound rarer
than its parts is (`statsminister`). The build uses the list alone, so a document splits the same
in a full and an incremental build; the query side adds the corpus's own words.
"""

from __future__ import annotations

import math
import threading
from functools import lru_cache

import snowballstemmer
import wordfreq
from whoosh.analysis import Filter
from whoosh.lang import stopwords_for_language

from index import cache
from index.language import LANGUAGES

LINKS = {"da": ("", "s", "e"), "de": ("", "s", "es", "n", "en", "e", "er", "ens")}
MIN_PART = 4  # letters of a part
LONG_PART = 6
SPLIT_MARGIN = 0.3
WORD_ZIPF = 2.5  # log10 of a word's frequency per billion words
MAX_WORD = 60  # letters: longer tokens are no words (a URL's remains, a run of one letter)
CACHE_SIZE = 200_000  # words, parts and splits remembered, in all
_UNKNOWN = object()
Split = tuple[list[float], tuple[str, ...]]  # the Zipf frequencies of the words a split is made of, the words


class Splitter:
    """Splits the lower-cased words of one language; `known`: words to take for words beside the
    list (at its least frequency)."""

    def __init__(self, lang: str, known: frozenset[str] = frozenset()) -> None:
        self.lang = lang
        self._zipf, self._stem_zipf = word_list(lang), stem_list(lang)
        self._known = known
        self._stops = frozenset(stopwords_for_language(lang))
        self._stemmer = threading.local()  # a Snowball stemmer is for one thread
        self._words: dict[str, tuple[str, ...]] = {}
        self._parts: dict[str, tuple[str, ...]] = {}
        self._splits: dict[str, Split | None] = {}

    def words(self, word: str) -> tuple[str, ...]:
        """The words a compound is made of, first to last, as written (`verteidigungspartnerschaft`
        -> verteidigung, partnerschaft); () when `word` is no compound."""
        found = self._words.get(word)
        if found is None:
            if len(self._words) + len(self._parts) + len(self._splits) >= CACHE_SIZE:  # a thread may clear
                self._words, self._parts, self._splits = {}, {}, {}  # while another reads the old ones
            best = self._split(word) if len(word) <= MAX_WORD else None
            found = best[1] if best and _mean(best[0]) + SPLIT_MARGIN >= self._zipf.get(word, 0.0) else ()
            self._words[word] = found
        return found

    def parts(self, word: str) -> tuple[str, ...]:
        """What the parts field holds of a word: the words of a compound, theirs in turn, and the
        compounds it ends in, of which it is a kind (`bundeswehrsondervermögen` -> bundeswehr, bund,
        wehr, sonder, vermögen, sondervermögen); () when `word` is no compound."""
        found = self._parts.get(word)
        if found is None:
            words, starts, at = self.words(word), [], 0
            for w in words:
                at = word.index(w, at)
                starts.append(at)
                at += len(w)
            ends = [word[start:] for start in starts[1:-1]]
            found = tuple(dict.fromkeys([p for w in words for p in (w, *self.parts(w))] + ends))
            self._parts[word] = found
        return found

    def _frequency(self, word: str, stem: bool = False) -> float | None:
        """The Zipf frequency of a word, or with `stem` (a first part, which is often a word's stem:
        `sanktion` is no Danish word, `sanktioner` is) and LONG_PART letters of the most frequent
        word with its stem; None for a word that is no part (unknown, a stop word)."""
        if len(word) < MIN_PART or word in self._stops:
            return None
        zipf = self._zipf.get(word)
        if zipf is None and stem and len(word) >= LONG_PART:
            zipf = self._stem_zipf.get(self._stem(word))
        return WORD_ZIPF if zipf is None and word in self._known else zipf

    def _stem(self, word: str) -> str:
        stem = getattr(self._stemmer, "stem", None)
        if stem is None:
            stem = self._stemmer.stem = _stemmer(self.lang)
        return stem(word)

    def _split(self, word: str) -> Split | None:
        """The split whose words are most common; None when there is none."""
        best = self._splits.get(word, _UNKNOWN)
        if best is not _UNKNOWN:
            return best
        best = None
        if len(word) >= 2 * MIN_PART and word.isalpha():
            stem = len(self._stem(word))
            for cut in range(MIN_PART, min(stem, len(word) - MIN_PART + 1)):  # the stem reaches into the head
                head = word[cut:]
                zipf = self._frequency(head)
                first = self._first(word[:cut], len(head)) if zipf is not None else None
                if first is not None and (best is None or _mean(first[0] + [zipf]) > _mean(best[0])):
                    best = (first[0] + [zipf], first[1] + (head,))
        self._splits[word] = best
        return best

    def _first(self, part: str, head: int) -> Split | None:
        """A first part's split before a head of `head` letters: a word, perhaps with a linking
        element, or a compound; None when it is neither."""
        found = None
        for link in LINKS[self.lang]:
            if not part.endswith(link):
                continue
            word = part[: len(part) - len(link)]
            zipf = self._frequency(word, stem=True)
            candidate = ([zipf], (word,)) if zipf is not None else self._split(word)
            if candidate and (found is None or _mean(candidate[0]) > _mean(found[0])):
                found = candidate
        if found is None and head >= LONG_PART and len(part) >= LONG_PART and part not in self._stops:
            found = ([0.0], (part,))
        return found


def _mean(values: list[float]) -> float:
    return sum(values) / len(values)


def word_list(lang: str) -> dict[str, float]:
    """wordfreq's words of `lang` with a Zipf frequency of WORD_ZIPF or more, and that frequency."""
    return _lists(lang)[0]


def stem_list(lang: str) -> dict[str, float]:
    """The stems of word_list(lang), each with the highest frequency of a word that has it."""
    return _lists(lang)[1]


@lru_cache(maxsize=None)
def _lists(lang: str) -> tuple[dict[str, float], dict[str, float]]:
    def derive() -> tuple[dict[str, float], dict[str, float]]:
        words = {w: zipf for w, f in wordfreq.get_frequency_dict(lang).items() if (zipf := math.log10(f) + 9) >= WORD_ZIPF and w.isalpha()}
        stems: dict[str, float] = {}
        stem = _stemmer(lang)
        for word, zipf in words.items():
            key = stem(word)
            stems[key] = max(zipf, stems.get(key, 0.0))
        return words, stems

    return cache.cached(f"compound-words-{lang}", __file__, derive)


def _stemmer(lang: str):
    return snowballstemmer.stemmer(LANGUAGES[lang].snowball).stemWord


def load() -> None:
    """Read the word lists now (a build does before it forks its workers)."""
    for lang in LINKS:
        splitter(lang)


@lru_cache(maxsize=None)
def splitter(lang: str) -> Splitter:
    """The build's splitter of `lang` (the word list alone)."""
    return Splitter(lang)


class CompoundPartsFilter(Filter):
    """Replaces each lower-cased word that is a compound with its parts and drops the others.

    Picklable: Whoosh pickles the schema with its analyzers, so only the language is pickled.
    """

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CompoundPartsFilter) and other.lang == self.lang

    def __hash__(self) -> int:
        return hash((CompoundPartsFilter, self.lang))

    def __call__(self, tokens):
        parts = splitter(self.lang).parts
        for t in tokens:
            if not t.stopped:
                for part in parts(t.text):
                    t.text = part
                    yield t
