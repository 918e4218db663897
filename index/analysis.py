"""Whoosh analyzers: one `tokenizer | filter | filter` chain per language, Snowball stemming."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from functools import lru_cache

import snowballstemmer
from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer, StopFilter
from whoosh.lang import stopwords_for_language

from index.compounds import CompoundPartsFilter, splitter
from index.language import LANGUAGES

# Words are runs of letters and digits; a dot or comma inside a number keeps it whole (30.000, 2,5).
TOKEN_PATTERN = r"\w+(?:[.,]\d+)*"
CACHE_SIZE = 50_000
MIN_WORD_CHARS = 2  # Whoosh's StopFilter drops shorter tokens too
_TOKEN = re.compile(TOKEN_PATTERN)
_SPACE = re.compile(r"\s")


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


@lru_cache(maxsize=None)
def parts_analyzer(code: str):
    """The stemmed parts of each compound of a Danish or German text (index.compounds)."""
    return analyzer(code, stem=False) | CompoundPartsFilter(code) | SnowballStemFilter(LANGUAGES[code].snowball)


def stem_terms(code: str, text: str) -> list[str]:
    """The index terms `text` yields in language `code`, in order (stop words dropped)."""
    return [t.text for t in analyzer(code)(text)]


def kept_words(code: str, text: str) -> tuple[list[str], int]:
    """The lower-cased words of `text` that analyzer(code, stem=False) keeps (stop words and, for a
    language with a stop list, one-letter words dropped), in order, and the position of the first
    (Whoosh's StopFilter numbers the kept words on from the first one's place among all words)."""
    words = [match.group().lower() for match in _TOKEN.finditer(text)]
    info = LANGUAGES.get(code) or LANGUAGES["und"]
    if not info.stopwords:
        return words, 0
    stops = _stoplist(info.code)
    kept = [k for k, w in enumerate(words) if len(w) >= MIN_WORD_CHARS and w not in stops]
    return [words[k] for k in kept], kept[0] if kept else 0


def stemmer_of(code: str):
    """The stemming function analyzer(code) applies (the identity for a language without one)."""
    info = LANGUAGES.get(code) or LANGUAGES["und"]
    return _stemmer(info.snowball).stem if info.snowball else str


def term_spans(code: str, text: str, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int, str]]:
    """(start, end, term) of each index term of `text` (or of text[start:end], offsets in `text`):
    what analyzer(code) yields with chars=True, without a Token object and three generator steps
    per word (snippets analyse whole articles)."""
    info = LANGUAGES.get(code) or LANGUAGES["und"]
    stops = _stoplist(info.code) if info.stopwords else None
    stem = _stemmer(info.snowball).stem if info.snowball else None
    for match in _TOKEN.finditer(text, start, len(text) if end is None else end):
        word = match.group().lower()
        if stops is not None and (word in stops or len(word) < MIN_WORD_CHARS):
            continue
        yield match.start(), match.end(), stem(word) if stem else word


# Snowball's Danish and German algorithms only cut endings, undouble a final consonant (Danish) and
# read ä or ae, ö or oe, ü or ue as a, o, u and ß as ss (German): every word's lower-cased form holds its
# stem minus the last letter, read with these letter classes. tests/test_analysis.py checks this
# over the Snowball project's vocabularies.
_STEM_LETTERS = {
    "da": {},
    "de": {"ss": "(?:ss|ß)", "s": "[sß]", "a": "(?:ae|[aä])", "o": "(?:oe|[oö])", "u": "(?:ue|[uü])"},
}


def _stem_pattern(code: str, stem: str) -> str:
    """A regex that every word stemming to `stem` in language `code` contains."""
    letters = _STEM_LETTERS[code]
    head, parts, i = stem[:-1] or stem, [], 0
    while i < len(head):
        unit = head[i : i + 2] if head[i : i + 2] in letters else head[i]
        parts.append(letters.get(unit, re.escape(unit)))
        i += len(unit)
    return "".join(parts)


def matching_spans(code: str, text: str, stems: set[str], parts: set[str] = frozenset()) -> list[tuple[int, int, str]]:
    """The spans of term_spans(code, text) whose term is in `stems`, or (Danish, German) whose word
    is a compound with a part in `parts` (a subset of `stems`). For Danish and German only the runs
    of non-space characters that hold a stem's letters (a regex scan) are analysed."""
    if code not in _STEM_LETTERS:
        return [span for span in term_spans(code, text) if span[2] in stems]
    found, done = [], 0
    for hit in _candidates(code, frozenset(stems)).finditer(text):
        if hit.start() < done:
            continue
        # A token never holds a space, so the run around the hit tokenizes as it does in the text.
        start = hit.start()
        while start > 0 and not text[start - 1].isspace():
            start -= 1
        end = _SPACE.search(text, hit.end())
        done = end.start() if end else len(text)
        found += [(s, e, t) for s, e, t in term_spans(code, text, start, done) if t in stems or (parts and not parts.isdisjoint(part_stems(code, text[s:e].lower())))]
    return found


@lru_cache(maxsize=CACHE_SIZE)
def part_stems(code: str, word: str) -> frozenset[str]:
    """The stems of a lower-cased compound's parts, as the parts field holds them."""
    stem = _stemmer(LANGUAGES[code].snowball).stem
    return frozenset(stem(part) for part in splitter(code).parts(word))


@lru_cache(maxsize=1024)
def _candidates(code: str, stems: frozenset[str]) -> re.Pattern:
    return re.compile("|".join(sorted(_stem_pattern(code, s) for s in stems)), re.IGNORECASE)


@lru_cache(maxsize=None)
def _stoplist(code: str) -> frozenset[str]:
    return frozenset(stopwords_for_language(code))


@lru_cache(maxsize=None)
def _stemmer(language: str) -> SnowballStemFilter:
    return SnowballStemFilter(language)
