"""The Whoosh schema and its field names."""

from __future__ import annotations

from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema

from index.analysis import analyzer
from index.language import LANGUAGES

TITLE_BOOST = 2.0

ID_FIELD = "id"
LANG_FIELD = "lang"
DATE_FIELD = "date"  # YYYY, YYYY-MM or YYYY-MM-DD; absent when undated
ACTORS_FIELD = "actors"  # actor ids, repeated once per mention so that BM25 sees how often
STORED_FIELDS = ("title", "text", "url", "source", "source_path", "actor_mentions", "removed")


def title_field(lang: str) -> str:
    return f"title_{lang}"


def text_field(lang: str) -> str:
    return f"text_{lang}"


def make_schema() -> Schema:
    """Per-language title and text fields, each with that language's analyzer, plus facet fields."""
    fields = {
        ID_FIELD: ID(unique=True, stored=True),
        LANG_FIELD: ID(stored=True),
        DATE_FIELD: ID(stored=True),
        ACTORS_FIELD: KEYWORD(scorable=True, lowercase=False, commas=False),
    }
    for name in STORED_FIELDS:
        fields[name] = STORED()
    for code in LANGUAGES:
        fields[title_field(code)] = TEXT(analyzer=analyzer(code), field_boost=TITLE_BOOST, phrase=True)
        fields[text_field(code)] = TEXT(analyzer=analyzer(code), phrase=True)
    return Schema(**fields)
