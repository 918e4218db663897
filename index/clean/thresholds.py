"""The cleaner's thresholds, read from thresholds.toml beside this module: every field below must
be there, and nothing else may be."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

THRESHOLDS_FILE = Path(__file__).with_name("thresholds.toml")


@dataclass(frozen=True)
class Thresholds:
    trailing_chars: int
    short_line_words: int
    medium_line_words: int
    link_like_words: int
    article_paragraph_words: int
    segment_label_words: int
    last_sentence_words: int
    byline_name_words: int
    byline_neighbour_words: int
    code_min_symbols: int
    code_symbol_share: float
    menu_run: int
    menu_line_words: int
    menu_line_min_words: int
    vocabulary_run: int
    tail_fraction: float
    teasers_under_heading: int
    teaser_min_words: int
    teaser_with_figures_words: int
    kicker_words: int
    footer_label_words: int
    subheading_words: int
    site_name_min_chars: int
    site_name_max_words: int
    slogan_max_words: int
    near_duplicate_min_words: int
    near_duplicate_jaccard: float
    near_duplicate_window: int
    repeated_article_run: int
    truncated_min_words: int
    prefix_copy_min_words: int
    min_article_words: int
    index_teasers: int
    index_lead_words: int
    index_body_run: int
    title_max_words: int
    title_max_chars: int


def load(path: Path = THRESHOLDS_FILE) -> Thresholds:
    """The thresholds of `path` (its tables only group them for reading). Raises ValueError naming
    the file and the unknown, missing or mistyped names."""
    with path.open("rb") as fh:
        tables = tomllib.load(fh)
    values: dict[str, object] = {}
    for table in tables.values():
        values.update(table)
    types = {f.name: f.type for f in fields(Thresholds)}
    unknown, missing = sorted(set(values) - set(types)), sorted(set(types) - set(values))
    if unknown or missing:
        raise ValueError(f"{path}: unknown thresholds {unknown}, missing {missing}")
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int if types[name] == "int" else (int, float)):
            raise ValueError(f"{path}: `{name}` must be {'an integer' if types[name] == 'int' else 'a number'}")
    return Thresholds(**values)


T = load()
