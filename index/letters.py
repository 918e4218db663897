"""Is a line text in any language we know, or scrambled letters?

Some paywalls ship the locked paragraphs with every letter shifted (`Ejf Sfhjfsvoh ibu ...`) or
shuffled, and trackers leave identifiers behind. Such a line has the shape of a paragraph, so no
pattern names it, but its letters give it away: the letter pairs of shifted text are rare in every
language, and the words of shuffled text are words of none. The reference statistics are built
from the `wordfreq` word lists of the languages we identify.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from functools import lru_cache

import wordfreq

from index import cache

LANGUAGES = ("da", "de", "en", "nb", "sv", "nl")  # the languages we identify: first, and fuller lists
QUOTED_LANGUAGES = ("fr", "es", "it", "pt", "pl", "cs", "fi", "hu", "is", "tr")  # quoted in the news
VOCABULARY_WORDS = 50_000  # most frequent words per language used as its vocabulary
QUOTED_VOCABULARY_WORDS = 20_000
MIN_WORDS = 5  # fewer words of MIN_WORD_LETTERS letters are too little evidence
MIN_WORD_LETTERS = 4  # shorter scrambled words are too often words by chance
# Measured on the lines of 5+ long words of our sample corpus and the seeds, and on the same lines with
# letters shifted or shuffled. The mean log-probability of letter pairs is -6.7 or more for real
# lines (1st percentile -6.0), -7.4 or less for shifted ones. Shuffled words keep common pairs
# (median -6.5) but are words of no list (at most 25% known), while a real line has at least 43%
# of its long words in one list — except a caption of foreign names, whose letter pairs stay
# ordinary (-5.8), so the shuffled test looks at lower-case words only. Before either test, a line
# whose words are for a fifth function words of our languages is real: product names or a foreign
# quote among `und`, `og`, `die`. With these settings: 0 of 746 real lines flagged, 685 of 685
# shifted lines that have five long words, 499 shuffled.
PAIR_LOG_PROB = -7.3
KNOWN_SHARE = 0.25
SHUFFLED_PAIR_LOG_PROB = -6.2
FUNCTION_WORDS = 300  # the most frequent words of a language: its function words
FUNCTION_WORD_SHARE = 0.2  # real lines: median 48%, 5th percentile 23%; shifted lines at most 17%
MIN_COMMON_WORDS = 3  # lower-case words needed before few known words count as evidence
PAIR_CHECK_SHARE = 0.6  # only lines with fewer known words than this are worth the pair score
UNSEEN_PAIR_LOG_PROB = math.log(1e-7)
SAMPLE_CHARS = 120

_LONG_WORD = re.compile(r"[^\W\d_]{%d,}" % MIN_WORD_LETTERS)
_ANY_WORD = re.compile(r"[^\W\d_]{2,}")


class _Language:
    def __init__(self, code: str, size: int) -> None:
        pairs: Counter[str] = Counter()
        words: list[str] = []
        # Buckets of words by frequency, the i-th holding the words of frequency 10^(-i/100).
        for centibels, bucket in enumerate(wordfreq.get_frequency_list(code)):
            if len(words) >= size:
                break
            bucket = bucket[: size - len(words)]
            words += bucket
            padded = "".join(f"^{word}$" for word in bucket)  # counted at C speed; `$^` joins two words
            frequency = 10 ** (-centibels / 100)
            for pair, count in Counter(map(str.__add__, padded, padded[1:])).items():
                pairs[pair] += count * frequency
        del pairs["$^"]
        total = sum(pairs.values())
        self.vocabulary = frozenset(words)
        self.function_words = frozenset(words[:FUNCTION_WORDS])
        self.pairs = {pair: math.log(count / total) for pair, count in pairs.items()}

    def pair_score(self, words: list[str]) -> float:
        total, count = 0.0, 0
        for word in words:
            padded = f"^{word}$"
            for a, b in zip(padded, padded[1:]):
                total += self.pairs.get(a + b, UNSEEN_PAIR_LOG_PROB)
                count += 1
        return total / count

    def known_share(self, words: list[str]) -> float:
        return sum(map(self.vocabulary.__contains__, words)) / len(words)


def load() -> None:
    """Read the languages' letter statistics now (a build does before it forks its workers)."""
    _function_words()


@lru_cache(maxsize=1)
def _languages() -> tuple[_Language, ...]:
    return cache.cached(
        "letters",
        __file__,
        lambda: tuple(_Language(code, VOCABULARY_WORDS) for code in LANGUAGES) + tuple(_Language(code, QUOTED_VOCABULARY_WORDS) for code in QUOTED_LANGUAGES),
    )


@lru_cache(maxsize=1)
def _function_words() -> frozenset[str]:
    """The function words of the languages we identify, in one set."""
    return frozenset().union(*(language.function_words for language in _languages()[: len(LANGUAGES)]))


def is_scrambled(text: str) -> bool:
    """True when a line of at least MIN_WORDS long words reads as no known language: their letter
    pairs are improbable in all of them, or fairly improbable while few of its lower-case words are
    words of any (capitalised words are mostly names, Podoljak, Saporischschja, in no list). A long
    line is judged by its first SAMPLE_CHARS characters: a paragraph is one language or none."""
    text = text[:SAMPLE_CHARS]
    found = _LONG_WORD.findall(text)
    if len(found) < MIN_WORDS:
        return False
    words = [w.lower() for w in found]
    languages = _languages()
    known = 0.0
    for language in languages:  # most lines are plainly one language: stop at the first
        known = max(known, language.known_share(words))
        if known >= PAIR_CHECK_SHARE:
            return False
    every_word = _ANY_WORD.findall(text.lower())
    if sum(map(_function_words().__contains__, every_word)) >= FUNCTION_WORD_SHARE * len(every_word):
        return False  # `und`, `og`, `die` among them: a real line, whatever names or foreign words it has
    common = [w.lower() for w in found if w[0].islower()]  # names, capitalised, are in no list
    pairs = max(language.pair_score(words) for language in languages)
    if pairs < PAIR_LOG_PROB:
        return True
    unknown_common = len(common) >= MIN_COMMON_WORDS and max(language.known_share(common) for language in languages) < KNOWN_SHARE
    return unknown_common and pairs < SHUFFLED_PAIR_LOG_PROB
