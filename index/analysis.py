"""Whoosh analyzers: one `tokenizer | filter | filter` chain per language, Snowball stemming."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from functools import lru_cache

import snowballstemmer
from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer, StopFilter
from whoosh.lang import stopwords_for_language

from index.language import LANGUAGES

# Words are runs of letters and digits; a dot or comma inside a number keeps it whole (30.000, 2,5).
TOKEN_PATTERN = r"\w+(?:[.,]\d+)*"
CACHE_SIZE = 50_000
MIN_WORD_CHARS = 2  # Whoosh's StopFilter drops shorter tokens too
_TOKEN = re.compile(TOKEN_PATTERN)


class SnowballStemFilter(Filter):
    """Stems each token with the `snowballstemmer` algorithm for a language (PyStemmer when installed).

    Picklable: Whoosh pickles the schema with its analyzers, so only the language name is pickled.
    PyStemmer objects are not thread-safe, so each thread gets its own; stems are cached.
    """

    is_morph = True

    def __init__(self, language: str) -> None:
        self.language = language
        self._setup()

    def _setup(self) -> None:
        self._local = threading.local()
        self._cache: dict[str, str] = {}

    def __getstate__(self) -> dict:
        return {"language": self.language}

    def __setstate__(self, state: dict) -> None:
        self.language = state["language"]
        self._setup()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SnowballStemFilter) and other.language == self.language

    def __hash__(self) -> int:
        return hash((SnowballStemFilter, self.language))

    def stem(self, word: str) -> str:
        stemmed = self._cache.get(word)
        if stemmed is None:
            stemmer = getattr(self._local, "stemmer", None)
            if stemmer is None:
                stemmer = self._local.stemmer = snowballstemmer.stemmer(self.language)
            stemmed = stemmer.stemWord(word)
            if len(self._cache) >= CACHE_SIZE:
                self._cache.clear()
            self._cache[word] = stemmed
        return stemmed

    def __call__(self, tokens):
        for t in tokens:
            if not t.stopped:
                t.text = self.stem(t.text)
            yield t


@lru_cache(maxsize=None)
def analyzer(code: str, stem: bool = True):
    """The analyzer for a language code; unknown languages are only lower-cased, not stemmed.
    `stem=False`: the words as written (lower-cased, stop words dropped), for spelling suggestions."""
    info = LANGUAGES.get(code) or LANGUAGES["und"]
    chain = RegexTokenizer(TOKEN_PATTERN) | LowercaseFilter()
    if info.stopwords:
        chain = chain | StopFilter(stoplist=stopwords_for_language(info.code))
    if info.snowball and stem:
        chain = chain | SnowballStemFilter(info.snowball)
    return chain


def stem_terms(code: str, text: str) -> list[str]:
    """The index terms `text` yields in language `code`, in order (stop words dropped)."""
    return [t.text for t in analyzer(code)(text)]


def term_spans(code: str, text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, term) of each index term of `text`: what analyzer(code) yields with chars=True,
    without a Token object and three generator steps per word (snippets analyse whole articles)."""
    info = LANGUAGES.get(code) or LANGUAGES["und"]
    stops = _stoplist(info.code) if info.stopwords else None
    stem = _stemmer(info.snowball).stem if info.snowball else None
    for match in _TOKEN.finditer(text):
        word = match.group().lower()
        if stops is not None and (word in stops or len(word) < MIN_WORD_CHARS):
            continue
        yield match.start(), match.end(), stem(word) if stem else word


@lru_cache(maxsize=None)
def _stoplist(code: str) -> frozenset[str]:
    return frozenset(stopwords_for_language(code))


@lru_cache(maxsize=None)
def _stemmer(language: str) -> SnowballStemFilter:
    return SnowballStemFilter(language)
