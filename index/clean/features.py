"""What the line classifier sees of each line of a page, computed for the whole page at once.

Two kinds of features, both language-general:

- **Text**: the line's words, word pairs, first and last word, and (for lines of up to
  `CHAR_NGRAM_WORDS` words) its character 3-, 4- and 5-grams, hashed into 2**`BITS` buckets. The
  hashing is a polynomial hash over the page's code points, computed with numpy for every word and
  n-gram at once, so that a 5,000-word article costs a millisecond or two.
- **Dense**: the line's shape (length, words, sentence end, capitals, digits, punctuation, prices,
  times, durations, counters, addresses, function words, second-person address), its position
  on the page and its distance from the article's paragraphs, the blank lines around it, how many
  of its words the page's other paragraphs share, copies of it on the page and across the corpus,
  what the rules and the layout said of it, and the shapes of its neighbours.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from index.clean.layout import list_items, opens_list
from index.clean.rules import Words
from index.clean.shapes import DIGIT, ends_sentence, is_subheading, table_rows
from index.clean.text import Page
from index.letters import _function_words
from index.repeated import NO_REPEATED_LINES, RepeatedLines

BITS = 18
CHAR_NGRAM_WORDS = 25  # longer lines are text: their words say enough, their letters cost time
CONTENT_WORD_LETTERS = 4
LONG_LINE_WORDS = 15  # a finished sentence this long is an article paragraph (cohesion, position)
_TABLE_SIZE = 0x3000  # character classes looked up for code points below this; above: letters
_P = np.uint64(0x100000001B3)
_MIX = np.uint64(0x9E3779B97F4A7C15)
_SHIFT = np.uint64(64 - BITS)
# Feature types: each hashes into the same buckets with its own salt.
WORD, PAIR, FIRST, LAST, CHAR3, CHAR4, CHAR5 = range(1, 8)
_BULLETS = frozenset("•-–—*·►▶→■□▪●")
_OPENERS = frozenset("»„“\"'«‚(")


def _inverse(p: np.uint64) -> np.uint64:
    """p's inverse modulo 2**64 (p odd), by Newton's iteration."""
    x = np.uint64(1)
    with np.errstate(over="ignore"):
        for _ in range(7):
            x = x * (np.uint64(2) - p * x)
    return x


_P_INV = _inverse(_P)


# Character classes, one bit each (see _tables); a code point above the tables is a letter.
_WORD_BIT, _ALPHA_BIT, _UPPER_BIT, _DIGIT_BIT, _SPACE_BIT, _QUOTE_BIT = 1, 2, 4, 8, 16, 32
_CLASSES = 6
_QUOTE_CHARS = frozenset("»«„“”\"")


@lru_cache(maxsize=1)
def _tables() -> tuple[np.ndarray, np.ndarray]:
    """Per code point below _TABLE_SIZE: its lower case (when that keeps the length), and its
    classes as bits: word character, letter, upper case, digit, space, quotation mark."""
    chars = [chr(c) for c in range(_TABLE_SIZE)]
    lower = np.array([ord(ch.lower()) if len(ch.lower()) == 1 else ord(ch) for ch in chars], dtype=np.uint32)
    classes = np.array([
        (ch.isalnum() or ch == "_") * _WORD_BIT | ch.isalpha() * _ALPHA_BIT | ch.isupper() * _UPPER_BIT
        | ch.isdigit() * _DIGIT_BIT | ch.isspace() * _SPACE_BIT | (ch in _QUOTE_CHARS) * _QUOTE_BIT
        for ch in chars
    ], dtype=np.uint8)
    return lower, classes


def _powers(base: np.uint64, n: int) -> np.ndarray:
    out = np.empty(n + 1, dtype=np.uint64)
    out[0] = 1
    if n:
        with np.errstate(over="ignore"):
            out[1:] = np.cumprod(np.full(n, base, dtype=np.uint64))
    return out


class _Hasher:
    """Hashes of any span of a code point array in O(1) each: with G[i] = sum of c[j] * P^-j over
    j < i, the span [a, b) hashes to (G[b] - G[a]) * P^(b-1), its polynomial value (mod 2**64)."""

    def __init__(self, codes: np.ndarray) -> None:
        n = len(codes)
        self.p = _powers(_P, n)
        inv = _powers(_P_INV, n)
        with np.errstate(over="ignore"):
            self.g = np.zeros(n + 1, dtype=np.uint64)
            self.g[1:] = np.cumsum(codes.astype(np.uint64) * inv[:n], dtype=np.uint64)

    def spans(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        with np.errstate(over="ignore"):
            return (self.g[b] - self.g[a]) * self.p[b - 1]


def bucket(hashes: np.ndarray, kind: int) -> np.ndarray:
    """Hashes of one feature type into BITS-bit bucket numbers."""
    with np.errstate(over="ignore"):
        return (((hashes + np.uint64(kind) * _MIX) * _MIX) >> _SHIFT).astype(np.int64)


def word_hashes(words: tuple[str, ...] | frozenset[str]) -> np.ndarray:
    """The hashes of lower-cased words as the page hashing computes them (sorted, for _member)."""
    found = []
    lower = _tables()[0]
    for word in words:
        codes = np.frombuffer(word.encode("utf-32-le"), dtype=np.uint32)
        codes = np.where(codes < _TABLE_SIZE, lower[np.minimum(codes, _TABLE_SIZE - 1)], codes)
        if len(codes):
            found.append(_Hasher(codes).spans(np.array([0]), np.array([len(codes)]))[0])
    return np.unique(np.array(found, dtype=np.uint64))


@lru_cache(maxsize=8)
def _word_sets(words: Words) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Hashes of the words that address the reader, that speak as the site, and the function words of
    the languages we identify."""
    return word_hashes(words.you), word_hashes(words.we), word_hashes(_function_words())


@lru_cache(maxsize=8)
def _unit_patterns(words: Words) -> tuple[re.Pattern[str], re.Pattern[str]]:
    def alternation(items):
        return "|".join(sorted(map(re.escape, items), key=len, reverse=True)) or "(?!)"

    currencies = alternation(words.currencies)
    price = re.compile(rf"(?:(?<!\w)(?:{currencies})\s*\d|\d[\d.,]*\s*(?:{currencies})(?!\w)|\d+[.,]-)", re.I)
    duration = re.compile(rf"\b\d+\s*(?:{alternation(words.durations)})(?!\w)", re.I)
    return price, duration


_TIME = re.compile(r"\b\d{1,2}[:.]\d{2}\b")
_COUNTER = re.compile(r"\(\d+\)|^\d+$|\b\d+\s*/\s*\d+\b", re.M)
_ADDRESSES = re.compile(r"https?://|www\.|\w@\w|\.(?:dk|de|at|ch|no|se|com|net|org)\b", re.I)
_SEPARATORS = re.compile(r"\s[|·•]\s|\s{2,}")
_LINE_SEPARATOR = "\n\x00\n"

OWN = (
    "chars", "words", "word_length", "sentence_end", "colon_end", "ellipsis_end", "question_end", "upper_start",
    "digit_start", "bullet_start", "quote_start", "upper_share", "all_caps", "capitalised_words", "digit_share",
    "punctuation_share", "price", "time", "duration", "counter", "address", "separators", "you", "we",
    "function_words", "quotes",
)
POSITION = (
    "line_position", "words_before", "words_after", "before_paragraphs", "after_paragraphs", "paragraph_distance",
    "paragraph", "cohesion", "copies_on_page", "repeated_in_corpus", "gap_before", "gap_after", "page_lines",
    "page_words", "paragraph_share", "opens_list", "list_item", "table_row", "subheading",
)
NEIGHBOUR_OWN = ("chars", "words", "sentence_end", "colon_end", "upper_share", "digit_share", "you", "function_words")
NEIGHBOURS = (-2, -1, 1, 2)


def dense_names(reasons: tuple[str, ...], signals: tuple[str, ...]) -> list[str]:
    """Names of the dense columns, in order, for these removal reasons and layout signals."""
    names = list(OWN) + list(POSITION) + ["removed"] + [f"reason={r}" for r in reasons] + [f"signal={s}" for s in signals]
    names += [f"{name}@{k:+d}" for k in NEIGHBOURS for name in NEIGHBOUR_OWN + ("removed",)]
    return names


@dataclass
class PageFeatures:
    dense: np.ndarray  # (lines, columns) float32
    rows: np.ndarray  # text features: the line of each occurrence of a feature (a bucket)
    buckets: np.ndarray
    norm: np.ndarray  # per line: 1 / sqrt(number of its text features)
    # each line's content words (of CONTENT_WORD_LETTERS letters or more) once: the line, the word's hash
    word_lines: np.ndarray
    word_ids: np.ndarray


def extract(page: Page, reasons: tuple[str, ...], signals: tuple[str, ...], repeated: RepeatedLines = NO_REPEATED_LINES) -> PageFeatures:
    """The features of every line of `page` (removed ones too: they are its neighbours' context).
    `reasons` and `signals`: the removal reasons and layout signals the model knows, in its order."""
    return extract_with(page, reasons, signals, repeated, [])[0]


def extract_with(
    page: Page, reasons: tuple[str, ...], signals: tuple[str, ...], repeated: RepeatedLines, extra: list[str]
) -> tuple[PageFeatures, PageFeatures]:
    """extract(), and in the same pass the text features of `extra` texts (pieces of lines, with no
    page around them): one pass over the code points instead of two."""
    return _features([line.text for line in page.lines], page, reasons, signals, repeated, extra)


def text_features(texts: list[str]) -> PageFeatures:
    """The text features alone of lines given as text, with no page around them (the dense matrix
    left empty): what the linear text model reads."""
    return _features(texts, None, (), (), NO_REPEATED_LINES)[0]


def _features(
    texts: list[str], page: Page | None, reasons: tuple[str, ...], signals: tuple[str, ...], repeated: RepeatedLines, extra: list[str] = ()
) -> tuple[PageFeatures, PageFeatures]:
    page_lines = len(texts)
    texts = list(texts) + list(extra)
    n = len(texts)
    if n == 0:
        nothing = np.zeros(0, np.int64)
        empty = PageFeatures(np.zeros((0, len(dense_names(reasons, signals)) if page else 0), np.float32), nothing, nothing, np.zeros(0), nothing, nothing)
        return empty, PageFeatures(np.zeros((0, 0), np.float32), nothing, nothing, np.zeros(0), nothing, nothing)
    lower, class_table = _tables()
    # The page as one array of code points, each line between two "\n": the padding of its n-grams.
    joined = "\n" + "\n".join(texts) + "\n"
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    small = codes < _TABLE_SIZE
    index = np.where(small, codes, 0)
    lowered = np.where(small, lower[index], codes)
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=n)
    starts = np.ones(n, dtype=np.int64)
    starts[1:] += np.cumsum(lengths + 1)[:-1]
    line_of = np.concatenate(([0], np.repeat(np.arange(n), lengths + 1)))  # the "\n" after a line counts with it
    newline = codes == 10
    classes = np.where(small, class_table[index], _WORD_BIT | _ALPHA_BIT).astype(np.uint8)
    classes[newline] = 0
    bits = np.unpackbits(classes[:, None], axis=1, bitorder="little")[:, :_CLASSES]  # (code points, classes)
    # each line's span from its first character to the "\n" after it (which has no class)
    word_chars, letters, uppers, digits, spaces, quotes = np.add.reduceat(bits, starts, axis=0, dtype=np.int64).T
    punctuation = lengths - word_chars - spaces
    is_word = (classes & _WORD_BIT) > 0

    # words: runs of word characters
    previous = np.concatenate(([False], is_word[:-1]))
    following = np.concatenate((is_word[1:], [False]))
    word_start = np.flatnonzero(is_word & ~previous)
    word_end = np.flatnonzero(is_word & ~following) + 1
    word_line = line_of[word_start]
    word_len = word_end - word_start
    words_per_line = np.bincount(word_line, minlength=n).astype(np.float64)
    hasher = _Hasher(lowered)
    word_hash = hasher.spans(word_start, word_end)

    # text features
    rows_of = [word_line]
    buckets_of = [bucket(word_hash, WORD)]
    same = word_line[1:] == word_line[:-1]
    rows_of.append(word_line[:-1][same])
    buckets_of.append(bucket(hasher.spans(word_start[:-1][same], word_end[1:][same]), PAIR))
    if len(word_start):
        first_word = np.flatnonzero(np.concatenate(([True], ~same)))
        last_word = np.flatnonzero(np.concatenate((~same, [True])))
        rows_of += [word_line[first_word], word_line[last_word]]
        buckets_of += [bucket(word_hash[first_word], FIRST), bucket(word_hash[last_word], LAST)]
    short = words_per_line <= CHAR_NGRAM_WORDS
    # n-grams of the short lines, each line with its "\n" on both sides: they start from the "\n"
    # before the line to `size` before the "\n" after it
    short_lines = np.flatnonzero(short & (lengths > 0))
    for size, kind in ((3, CHAR3), (4, CHAR4), (5, CHAR5)):
        count = np.maximum(lengths[short_lines] + 3 - size, 0)  # line + 2 padding, minus size, plus 1
        if not count.sum():
            continue
        line_at = np.repeat(short_lines, count)
        offset = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
        a = starts[line_at] - 1 + offset
        rows_of.append(line_at)
        buckets_of.append(bucket(hasher.spans(a, a + size), kind))
    rows, buckets = np.concatenate(rows_of).astype(np.int64), np.concatenate(buckets_of)
    norm = 1.0 / np.sqrt(np.maximum(np.bincount(rows, minlength=n), 1))  # a feature twice in a line counts twice
    pieces = rows >= page_lines
    nothing = np.zeros(0, np.int64)  # the content words of pieces and of pages read without their page: unused
    extra_features = PageFeatures(np.zeros((n - page_lines, 0), np.float32), rows[pieces] - page_lines, buckets[pieces], norm[page_lines:], nothing, nothing)
    if page is None:
        return PageFeatures(np.zeros((page_lines, 0), np.float32), rows[~pieces], buckets[~pieces], norm[:page_lines], nothing, nothing), extra_features
    # from here on, the page's lines alone
    rows, buckets, norm = rows[~pieces], buckets[~pieces], norm[:page_lines]
    n = page_lines
    texts, lengths, short = texts[:n], lengths[:n], short[:n]
    word_chars, letters, uppers, digits, spaces, quotes, punctuation = (
        a[:n] for a in (word_chars, letters, uppers, digits, spaces, quotes, punctuation)
    )
    on_page = word_line < n
    word_start, word_end, word_line, word_len, word_hash = (a[on_page] for a in (word_start, word_end, word_line, word_len, word_hash))
    words_per_line = words_per_line[:n]
    lines = page.lines

    # shape
    you_set, we_set, function_set = _word_sets(page.rules.words)
    you = np.bincount(word_line, weights=_member(word_hash, you_set), minlength=n)
    we = np.bincount(word_line, weights=_member(word_hash, we_set), minlength=n)
    function_words = np.bincount(word_line, weights=_member(word_hash, function_set), minlength=n)
    capitalised = np.bincount(word_line, weights=(classes[word_start] & _UPPER_BIT) > 0, minlength=n)
    price, duration = _unit_patterns(page.rules.words)

    # Prices, times, durations, counters, addresses, separators: looked for in the short lines only
    # (prompts, labels, widgets); a paragraph's figures are the article's.
    searched = [i for i in np.flatnonzero(short).tolist() if texts[i]]
    with_figures = [i for i in searched if DIGIT.search(texts[i])]  # prices, times, durations and counters have them

    def flagged(pattern: re.Pattern[str], lines: list[int]) -> np.ndarray:
        """Per line, whether `pattern` occurs in it: one search over `lines` joined by a separator no
        pattern crosses (a NUL between line breaks: no space, no word, no figure)."""
        out = np.zeros(n)
        if lines:
            joined = _LINE_SEPARATOR.join(texts[i] for i in lines)
            hits = [m.start() for m in pattern.finditer(joined)]
            if hits:
                offsets = np.cumsum([0] + [len(texts[i]) + len(_LINE_SEPARATOR) for i in lines])
                out[np.array(lines)[np.searchsorted(offsets, hits, side="right") - 1]] = 1
        return out

    safe_words = np.maximum(words_per_line, 1)
    sentence_end = np.array([ends_sentence(t) for t in texts], dtype=np.float64)
    first = [t[:1] for t in texts]
    last = [t.rstrip()[-1:] for t in texts]
    safe_lengths = np.maximum(lengths, 1)
    own = np.column_stack([
        np.log1p(lengths), np.log1p(words_per_line), lengths / safe_words, sentence_end,
        [c == ":" for c in last], [t.endswith(("...", "…")) for t in texts], [c == "?" for c in last],
        [c.isupper() for c in first], [c.isdigit() for c in first], [c in _BULLETS for c in first], [c in _OPENERS for c in first],
        uppers / np.maximum(letters, 1), (uppers == letters) & (letters > 3), capitalised / safe_words, digits / safe_lengths,
        punctuation / safe_lengths, flagged(price, with_figures), flagged(_TIME, with_figures), flagged(duration, with_figures),
        flagged(_COUNTER, with_figures), flagged(_ADDRESSES, searched), flagged(_SEPARATORS, searched),
        you / safe_words, we / safe_words, function_words / safe_words,
        quotes > 0,
    ]).astype(np.float64)

    # position and page
    paragraph = (words_per_line >= LONG_LINE_WORDS) & (sentence_end > 0)
    total = words_per_line.sum() or 1.0
    before = np.cumsum(words_per_line) - words_per_line
    positions = np.arange(n)
    found = np.flatnonzero(paragraph)
    if len(found):
        at = np.searchsorted(found, positions)
        previous_paragraph = np.where(at > 0, positions - found[np.maximum(at - 1, 0)], 99)
        next_paragraph = np.where(at < len(found), found[np.minimum(at, len(found) - 1)] - positions, 99)
        distance = np.minimum(np.minimum(previous_paragraph, next_paragraph), 10) / 10
        first_paragraph, last_paragraph = found[0], found[-1]
    else:
        distance, first_paragraph, last_paragraph = np.ones(n), n, -1
    content = word_len >= CONTENT_WORD_LETTERS
    word_lines, word_ids = _line_words(word_hash[content], word_line[content])
    cohesion = shared_share(word_lines, word_ids, paragraph, n)  # words another article paragraph has
    copies = {}
    for line in lines:
        copies[line.text] = copies.get(line.text, 0) + 1
    numbers = np.array([line.n for line in lines])
    gaps = np.diff(numbers) - 1
    gap_before = np.minimum(np.concatenate(([0], gaps)), 3)
    gap_after = np.minimum(np.concatenate((gaps, [0])), 3)
    position = np.column_stack([
        positions / max(n - 1, 1), before / total, (total - before - words_per_line) / total, positions < first_paragraph,
        positions > last_paragraph, distance, paragraph, cohesion, [copies[line.text] > 1 for line in lines],
        [bool(repeated) and line.key in repeated for line in lines], gap_before, gap_after,
        np.full(n, np.log1p(n)), np.full(n, np.log1p(total)), np.full(n, len(found) / n),
        *_structure(page, [not end and DIGIT.search(t) is not None for t, end in zip(texts, sentence_end.tolist())]),
    ]).astype(np.float64)

    removed = np.array([not line.kept for line in lines], dtype=np.float64)
    reason_index = {r: i for i, r in enumerate(reasons)}
    said = np.zeros((n, len(reasons) + len(signals)))
    signal_index = {s: len(reasons) + i for i, s in enumerate(signals)}
    for i, line in enumerate(lines):
        if line.reason is not None and line.reason in reason_index:
            said[i, reason_index[line.reason]] = 1
        for signal in line.signals:
            if signal in signal_index:
                said[i, signal_index[signal]] = 1
    columns = [OWN.index(name) for name in NEIGHBOUR_OWN]
    context = np.column_stack([own[:, columns], removed])
    shifted = [shift(context, k) for k in NEIGHBOURS]
    dense = np.column_stack([own, position, removed, said, *shifted]).astype(np.float32)
    return PageFeatures(dense, rows, buckets, norm, word_lines, word_ids), extra_features


def _structure(page: Page, figures: list[bool]) -> tuple[list[bool], ...]:
    """Per line: whether it opens a list (`Fakta`, a colon at its end), is an item of one, a row of a
    table, or a short heading over an article paragraph (index.clean.layout's judgements).
    `figures`: per line, whether it has a figure and ends no sentence."""
    texts = [line.text for line in page.lines]
    opens = [opens_list(page, line) for line in page.lines]
    items = list_items(page, page.lines, opens)
    after = texts[1:] + [""]
    return (
        opens,
        [item and not opener for item, opener in zip(items, opens)],
        table_rows(texts, figures),
        [is_subheading(text, following) for text, following in zip(texts, after)],
    )


def _member(values: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    """Whether each value is in `sorted_set` (a binary search each; np.isin would sort `values`)."""
    if not len(sorted_set):
        return np.zeros(len(values), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_set, values), len(sorted_set) - 1)
    return sorted_set[at] == values


def _line_words(hashes: np.ndarray, line_of: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each (line, word) once, in line order: the lines and the words (hashes)."""
    # the word's hash in the high bits, the line's number in the low 20
    pairs = np.unique((hashes >> np.uint64(20) << np.uint64(20)).view(np.int64) | line_of.astype(np.int64))
    return pairs & 0xFFFFF, pairs >> 20


def shared_share(lines: np.ndarray, words: np.ndarray, among: np.ndarray, n: int) -> np.ndarray:
    """Per line, the share of its words (`lines`, `words`: each pair once) that some other line of
    `among` (a mask over the page's lines) has too; -1 for a line without any."""
    if not len(words):
        return np.full(n, -1.0)
    inside = among[lines]
    vocabulary, counts = np.unique(words[inside], return_counts=True)
    count = np.zeros(len(words))
    if len(vocabulary):
        at = np.minimum(np.searchsorted(vocabulary, words), len(vocabulary) - 1)
        count = np.where(vocabulary[at] == words, counts[at], 0)
    others = count - inside  # not counting the line itself
    shared = np.bincount(lines, weights=others > 0, minlength=n)
    total = np.bincount(lines, minlength=n)
    return np.where(total > 0, shared / np.maximum(total, 1), -1.0)


def shift(values: np.ndarray, k: int, fill: float = -1.0) -> np.ndarray:
    """Per line, `values` of the line k lines away (k < 0: above); `fill` past the page's edge."""
    out = np.full(values.shape, fill, dtype=np.float64)
    n = len(values)
    if abs(k) < n:
        if k > 0:
            out[: n - k] = values[k:]
        else:
            out[-k:] = values[: n + k]
    return out
