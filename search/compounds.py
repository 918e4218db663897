"""Query compounds: a Danish or German query word that no article uses, split into its words.

The index holds the parts of every compound it has (index.compounds), so a query word finds the
compounds it is part of through the parts field: `droner` finds `kamikazedroner`. The other way
round is done here: a query word that is a compound no article of the language has
(`Verteidigungspartnerschaft` over articles that write `Partnerschaft … in der Verteidigung`) also
matches the documents that have all its words, weighing less (PART_BOOST). The split knows the
corpus's own words (the words fields) beside wordfreq's list, read once per index generation.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from index.compounds import Splitter
from index.schema import compounding, words_field

PART_BOOST = 0.5  # a compound's part, or a compound's words apart, against the word itself
log = logging.getLogger(__name__)


def lexicon(reader) -> Callable[[str], frozenset[str]]:
    """A language's words from a Whoosh reader's words field, segment by segment (twice as fast as
    Whoosh's merged lexicon)."""

    def words_of(lang: str) -> frozenset[str]:
        field, words = words_field(lang), set()
        for leaf, _ in reader.leaf_readers():
            if field in leaf.indexed_field_names():
                words.update(leaf.lexicon(field))
        return frozenset(t.decode("utf-8") for t in words)

    return words_of


class Compounds:
    """One generation's words per language, for splitting query words."""

    def __init__(self, words_of: Callable[[str], frozenset[str]], langs: list[str]) -> None:
        self._words_of = words_of  # a language's words, as the index holds them
        self._langs = [lang for lang in langs if compounding(lang)]
        self._splitters: dict[str, tuple[frozenset[str], Splitter]] = {}
        self._lock = threading.Lock()

    def _load(self, lang: str) -> tuple[frozenset[str], Splitter]:
        """The words of a language's documents and a splitter that knows them, read once (under
        the lock: a Whoosh reader is not for sharing)."""
        found = self._splitters.get(lang)
        if found is None:
            with self._lock:
                found = self._splitters.get(lang)
                if found is None:
                    words = self._words_of(lang)
                    found = self._splitters[lang] = (words, Splitter(lang, words))
        return found

    def warm(self) -> None:
        """Read every language's words now: a Whoosh generation before it serves, an OpenSearch one
        in the background (if it is closed meanwhile, the queries that would need them are gone too)."""
        try:
            for lang in self._langs:
                self._load(lang)
        except Exception:  # noqa: BLE001 - a closed reader or an unreachable cluster: read when first needed
            log.debug("vocabulary not read now", exc_info=True)

    def split(self, lang: str, word: str) -> list[str]:
        """The words of a query word of `lang` that is a compound no document has; [] otherwise."""
        word = word.lower()
        if lang not in self._langs or not word.isalpha():
            return []
        words, splitter = self._load(lang)
        return [] if word in words else list(splitter.words(word))
