"""Language identification with lingua, restricted to the languages this product indexes."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass


@dataclass(frozen=True)
class LanguageInfo:
    code: str
    label: str
    snowball: str | None  # Snowball algorithm name; None: no stemming
    stopwords: bool  # Whoosh has a stop-word list for this code


LANGUAGES: dict[str, LanguageInfo] = {
    info.code: info
    for info in (
        LanguageInfo("da", "Danish", "danish", True),
        LanguageInfo("de", "German", "german", True),
        LanguageInfo("en", "English", "english", True),
        LanguageInfo("no", "Norwegian", "norwegian", True),
        LanguageInfo("sv", "Swedish", "swedish", True),
        LanguageInfo("nl", "Dutch", "dutch", True),
        LanguageInfo("und", "Undetermined", None, False),
    )
}
UNDETERMINED = "und"
# Codes people and feeds write for a language we index under another code.
ALIASES = {"nb": "no", "nn": "no", "dk": "da", "ger": "de", "deu": "de", "dan": "da", "eng": "en", "swe": "sv", "nor": "no"}
SAMPLE_CHARS = 1500
QUICK_CHARS = 400
# On the 352 pages of the sample, the written and the real pages, the first 400 characters gave the
# language of the first 1,500 with a confidence of 0.99 or more each time they agreed, 0.948 the one
# time they did not (Danish taken for Norwegian): below this, the longer sample decides.
QUICK_CONFIDENCE = 0.99
MIN_LETTERS = 3
# From about 120 letters lingua's full models give the very confidence values its trigram models
# give (the UD sentences of ../shared/eval/langid and the sample's pages cut at 400 and 1,500
# characters: all 2,076 texts of 121 letters or more, the same to 12 digits), and the trigram models
# load in 0.07 s where all of them take 2 s. A sample of this many letters is judged by the trigram
# models; a shorter one by the full models, loaded when one first comes.
TRIGRAMS_FROM_LETTERS = 150

_LINGUA_NAMES = {"da": ["DANISH"], "de": ["GERMAN"], "en": ["ENGLISH"], "no": ["BOKMAL"], "sv": ["SWEDISH"], "nl": ["DUTCH"]}
_detectors: dict[bool, tuple] = {}  # full models or not -> (detector, lingua language -> our code)
_lock = threading.Lock()
_LETTER = re.compile(r"[^\W\d_]")


def normalise_code(code: str | None) -> str | None:
    """A known language code for `code` (`nb` -> `no`), or None when it is not one we index."""
    if not code:
        return None
    code = code.strip().lower().replace("_", "-").split("-")[0]
    code = ALIASES.get(code, code)
    return code if code in LANGUAGES and code != UNDETERMINED else None


def _get_detector(full: bool):
    """lingua's detector over our languages: with all its models (`full`), or its trigram models only."""
    with _lock:
        if full not in _detectors:
            from lingua import Language, LanguageDetectorBuilder

            by_name = {}
            for code, names in _LINGUA_NAMES.items():
                for name in names:
                    by_name[getattr(Language, name)] = code
            builder = LanguageDetectorBuilder.from_languages(*by_name)
            _detectors[full] = ((builder if full else builder.with_low_accuracy_mode()).build(), by_name)
        return _detectors[full]


def load() -> None:
    """Load lingua's trigram models now (a build does it before it forks its workers, which then
    share them instead of each loading its own); the full models are loaded when a short text needs them."""
    _detect(" ".join(["Sprog og sprache"] * TRIGRAMS_FROM_LETTERS))


def detect(text: str) -> tuple[str, float]:
    """The language of `text` and lingua's confidence in it; `und` when there is too little text. A
    long text is judged by its first QUICK_CHARS characters when they decide it (lingua's time grows
    with the text), else by its first SAMPLE_CHARS."""
    if len(text) > 2 * QUICK_CHARS:
        code, confidence = _detect(text[: text.rfind(" ", 0, QUICK_CHARS) + 1 or QUICK_CHARS])
        if confidence >= QUICK_CONFIDENCE:
            return code, confidence
    return _detect(text[:SAMPLE_CHARS])


def _detect(sample: str) -> tuple[str, float]:
    letters = len(_LETTER.findall(sample))
    if letters < MIN_LETTERS:
        return UNDETERMINED, 0.0
    detector, codes = _get_detector(full=letters < TRIGRAMS_FROM_LETTERS)
    values = detector.compute_language_confidence_values(sample)
    if not values:
        return UNDETERMINED, 0.0
    scores: dict[str, float] = {}
    for value in values:
        code = codes[value.language]
        scores[code] = scores.get(code, 0.0) + value.value
    code = max(scores, key=scores.__getitem__)
    return code, scores[code]


def identify(text: str, declared: str | None = None) -> str:
    """The document's language: a declared known code wins, otherwise detection."""
    return normalise_code(declared) or detect(text)[0]
