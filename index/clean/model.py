"""Stage 6: the learned line classifier. It decides the lines the rules left open.

Three parts, applied to a whole page at once (index/clean/features.py says what they see):
1. a linear model over the line's hashed words and character n-grams: a text score;
2. gradient-boosted trees (LightGBM) over the dense features, the text score and the neighbours'
   text scores: a first probability that the line is boilerplate;
3. a second set of trees, seeing also the first probabilities around the line — the block it
   sits in, the article's main block (the run of lines that most looks like article), the page's
   share of boilerplate: the final probability.

A line whose probability exceeds the model's threshold (a higher one for a line that reads as an
article's sentence: losing one costs more) is removed, with the layout's finding or the kind of
boilerplate it most resembles as its reason. The trees see every line but decide only the lines the
rules left open. The model file (index/models/cleaner.json.gz) holds weights and trees,
no text; scripts/train_cleaner.py reproduces it from labelled pages (index/clean/training.py).
"""

from __future__ import annotations

import gzip
import json
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from index.clean.features import BITS, OWN, POSITION, PageFeatures, extract_with, shared_share, shift
from index.clean.text import Page
from index.repeated import RepeatedLines


def _import_lightgbm():
    """LightGBM without its optional scikit-learn interface: importing scikit-learn (when installed,
    as the `train` and `test` extras install it) took 0.7 s of every build's start, and predicting
    needs none of it. A process that imports scikit-learn itself later still gets it; only
    `lightgbm.sklearn` stays unusable in a process that imported this module before scikit-learn."""
    blocked = "sklearn" not in sys.modules
    if blocked:
        sys.modules["sklearn"] = None  # type: ignore[assignment]  # import sklearn -> ImportError
    try:
        import lightgbm
    finally:
        if blocked:
            del sys.modules["sklearn"]
    return lightgbm


lightgbm = _import_lightgbm()

REMOVED = len(OWN) + len(POSITION)  # the dense column that says the rules removed the line
FUNCTION_WORDS = OWN.index("function_words")
SENTENCE_END, WORDS = OWN.index("sentence_end"), OWN.index("words")
SENTENCE_WORDS = 8
MODEL_FILE = Path(__file__).resolve().parent.parent / "models" / "cleaner.json.gz"
FORMAT = 2  # 2: the second pass sees `article_words`
NEIGHBOURS = (-2, -1, 1, 2)
CONTEXT = (
    "p1", "p1@-2", "p1@-1", "p1@+1", "p1@+2", "p1_window3", "p1_window6", "in_main_block", "before_main_block",
    "after_main_block", "main_block_share", "page_p1", "page_kept_share", "article_words",
)


class ModelError(ValueError):
    """A model file that cannot be used."""


@dataclass
class LineModel:
    """A fitted line classifier: text weights, two boosters, the threshold and what its features mean."""

    text_weights: np.ndarray  # float32, 2**BITS
    text_bias: float
    pass1: lightgbm.Booster
    pass2: lightgbm.Booster
    threshold: float
    paragraph_threshold: float  # for a line that reads as an article's sentence: losing one costs more
    reasons: tuple[str, ...]  # the removal reasons its dense features know, in column order
    signals: tuple[str, ...]  # layout findings it weighs instead of obeying (see Page.signal_reasons)
    kinds: "KindModel"
    meta: dict = field(default_factory=dict)  # how it was trained: settings, data, figures

    def features_with(self, page: Page, repeated: RepeatedLines, pieces: list[str]) -> tuple[PageFeatures, np.ndarray]:
        """The page's features, and the text model's probability that each of `pieces` is boilerplate."""
        features, found = extract_with(page, self.reasons, self.signals, repeated, pieces)
        return features, 1.0 / (1.0 + np.exp(-self.text_scores(found)))

    def removed(self, features: PageFeatures, probabilities: np.ndarray) -> np.ndarray:
        """Which lines the model removes: above its threshold, or above the sentence threshold for a
        line that reads as an article's sentence (SENTENCE_WORDS words or more, ending a sentence)."""
        dense = features.dense
        sentence = (dense[:, SENTENCE_END] > 0) & (dense[:, WORDS] >= np.log1p(SENTENCE_WORDS))
        return probabilities > np.where(sentence, self.paragraph_threshold, self.threshold)

    def text_scores(self, features: PageFeatures) -> np.ndarray:
        return text_scores(self.text_weights, self.text_bias, features)

    def probabilities(self, features: PageFeatures) -> tuple[np.ndarray, np.ndarray]:
        """(first, final) probabilities that each line is boilerplate; 1 for a line the rules removed."""
        open_ = open_lines(features.dense)
        x1 = first_inputs(features.dense, self.text_scores(features))
        p1 = predict(self.pass1, x1, open_)
        p2 = predict(self.pass2, second_inputs(x1, p1, features), open_)
        return p1, p2

    def to_dict(self) -> dict:
        nonzero = np.flatnonzero(self.text_weights)
        return {
            "format": FORMAT,
            "bits": BITS,
            "threshold": self.threshold,
            "paragraph_threshold": self.paragraph_threshold,
            "reasons": list(self.reasons),
            "signals": list(self.signals),
            "text": {"bias": round(float(self.text_bias), 6), "buckets": nonzero.tolist(), "weights": [round(float(w), 5) for w in self.text_weights[nonzero]]},
            "pass1": self.pass1.model_to_string(),
            "pass2": self.pass2.model_to_string(),
            "kinds": self.kinds.to_dict(),
            "meta": self.meta,
        }

    def save(self, path: Path) -> None:
        """A gzip'd JSON file, byte for byte the same for the same model (no time stamp inside)."""
        data = json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(gzip.compress(data, compresslevel=9, mtime=0))

    @classmethod
    def from_dict(cls, data: dict) -> LineModel:
        if data.get("format") != FORMAT or data.get("bits") != BITS:
            raise ModelError(f"model format {data.get('format')} with {data.get('bits')} bits; this version reads format {FORMAT} with {BITS}")
        weights = np.zeros(1 << BITS, dtype=np.float32)
        weights[np.array(data["text"]["buckets"], dtype=np.int64)] = np.array(data["text"]["weights"], dtype=np.float32)
        return cls(
            text_weights=weights,
            text_bias=float(data["text"]["bias"]),
            pass1=lightgbm.Booster(model_str=data["pass1"]),
            pass2=lightgbm.Booster(model_str=data["pass2"]),
            threshold=float(data["threshold"]),
            paragraph_threshold=float(data["paragraph_threshold"]),
            reasons=tuple(data["reasons"]),
            signals=tuple(data["signals"]),
            kinds=KindModel.from_dict(data["kinds"]),
            meta=data.get("meta", {}),
        )


@lru_cache(maxsize=4)
def load(path: Path = MODEL_FILE) -> LineModel:
    """The model in `path` (the shipped one by default), read once per process."""
    try:
        data = json.loads(gzip.decompress(path.read_bytes()))
    except (OSError, ValueError, EOFError) as exc:
        raise ModelError(f"{path}: not a cleaner model file ({exc})") from None
    try:
        return LineModel.from_dict(data)
    except (KeyError, TypeError, lightgbm.basic.LightGBMError) as exc:
        raise ModelError(f"{path}: {exc}") from None


def open_lines(dense: np.ndarray) -> np.ndarray:
    """The lines the rules left open (the trees decide those only)."""
    return dense[:, REMOVED] == 0


def predict(booster: lightgbm.Booster, x: np.ndarray, open_: np.ndarray) -> np.ndarray:
    """The booster's probabilities for the open lines, 1 for the lines the rules removed."""
    out = np.ones(len(x))
    if open_.any():
        out[open_] = booster.predict(x[open_], num_threads=1)
    return out


def text_scores(weights: np.ndarray, bias: float, features: PageFeatures) -> np.ndarray:
    """The linear text model's score of each line: its features' weights, each feature 1/sqrt(k) for a
    line of k features (as it was trained)."""
    n = len(features.norm)
    sums = np.bincount(features.rows, weights=weights[features.buckets], minlength=n)
    return bias + sums * features.norm


def first_inputs(dense: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """The first pass's inputs: dense features, the line's text score and its neighbours'."""
    return np.column_stack([dense, scores, *(shift(scores, k, 0.0) for k in NEIGHBOURS)])


def second_inputs(x1: np.ndarray, p1: np.ndarray, features: PageFeatures) -> np.ndarray:
    """The second pass's inputs: the first pass's, and what the first probabilities say around the
    line — and whether the line talks about what the lines that read as article talk about (the share
    of its content words that another line under 0.5 has: another story's teaser does not)."""
    dense = features.dense
    n = len(p1)
    if n == 0:
        return np.zeros((0, x1.shape[1] + len(CONTEXT)))
    words = np.expm1(dense[:, WORDS].astype(np.float64))  # stored as log1p
    start, end = main_block(p1, words)
    positions = np.arange(n)
    inside = (positions >= start) & (positions <= end)
    cumulative = np.concatenate(([0.0], np.cumsum(p1)))

    def window(k: int) -> np.ndarray:
        lo, hi = np.maximum(positions - k, 0), np.minimum(positions + k + 1, n)
        return (cumulative[hi] - cumulative[lo] - p1) / np.maximum(hi - lo - 1, 1)

    context = np.column_stack([
        p1, *(shift(p1, k) for k in NEIGHBOURS), window(3), window(6), inside,
        np.minimum(np.maximum(start - positions, 0), 20) / 20, np.minimum(np.maximum(positions - end, 0), 20) / 20,
        np.full(n, words[inside].sum() / max(words.sum(), 1.0)), np.full(n, p1.mean()), np.full(n, (p1 < 0.5).mean()),
        shared_share(features.word_lines, features.word_ids, p1 < 0.5, n),
    ])
    return np.column_stack([x1, context])


def main_block(p1: np.ndarray, words: np.ndarray) -> tuple[int, int]:
    """The article's main block: the run of lines with the largest sum of words weighted by how much
    more article than boilerplate each line looks (the maximum subarray)."""
    gain = words * (0.5 - p1)
    best, current, start, best_start, best_end = -np.inf, 0.0, 0, 0, 0
    for i, value in enumerate(gain.tolist()):
        if current <= 0:
            current, start = value, i
        else:
            current += value
        if current > best:
            best, best_start, best_end = current, start, i
    return best_start, best_end


@dataclass
class KindModel:
    """What kind of boilerplate a removed line most resembles (the reason it is reported with): a
    nearest-centroid over the text features, one centroid per kind."""

    kinds: tuple[str, ...]
    buckets: np.ndarray  # (features,) int64, sorted
    centroids: np.ndarray  # (kinds, features) float32

    def predict(self, features: PageFeatures, lines: np.ndarray) -> list[str]:
        """The kind of each of `lines` (line numbers, in order)."""
        if not len(self.kinds) or not len(lines):
            return ["boilerplate"] * len(lines)
        mask = np.isin(features.rows, lines)
        rows, buckets = features.rows[mask], features.buckets[mask]
        at = np.searchsorted(self.buckets, buckets)
        at = np.minimum(at, len(self.buckets) - 1)
        known = self.buckets[at] == buckets
        local = np.searchsorted(lines, rows[known])  # `lines` are sorted: each row's place among them
        scores = np.zeros((len(lines), len(self.kinds)))
        np.add.at(scores, local, self.centroids[:, at[known]].T * features.norm[rows[known]][:, None])
        return [self.kinds[k] if scores[i, k] > 0 else "boilerplate" for i, k in enumerate(scores.argmax(axis=1))]

    def to_dict(self) -> dict:
        return {"kinds": list(self.kinds), "buckets": self.buckets.tolist(), "centroids": [[round(float(v), 4) for v in row] for row in self.centroids]}

    @classmethod
    def from_dict(cls, data: dict) -> KindModel:
        buckets = np.array(data["buckets"], dtype=np.int64)
        centroids = np.array(data["centroids"], dtype=np.float32).reshape(len(data["kinds"]), len(buckets))
        return cls(tuple(data["kinds"]), buckets, centroids)
