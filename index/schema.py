"""The Whoosh schema and its field names."""

from __future__ import annotations

from whoosh.fields import ID, KEYWORD, STORED, TEXT, FieldType, Schema
from whoosh.formats import Existence

from index.analysis import analyzer, parts_analyzer
from index.compounds import LINKS
from index.language import LANGUAGES

TITLE_BOOST = 2.0

ID_FIELD = "id"
LANG_FIELD = "lang"
DATE_FIELD = "date"  # YYYY, YYYY-MM or YYYY-MM-DD; absent when undated
ACTORS_FIELD = "actors"  # actor ids, for facets and filters
ACTOR_TERMS_FIELD = "actor_terms"  # `lang:actor`, once per mention, for queries: BM25 sees how often
STORED_FIELDS = ("title", "text", "url", "source", "source_path", "actor_mentions", "removed")


def actor_term(lang: str, actor: str) -> str:
    """The query term for documents in `lang` that mention `actor`. Keeping the language in the term
    lets a per-language query match actors only in its own documents."""
    return f"{lang}:{actor}"


def title_field(lang: str) -> str:
    return f"title_{lang}"


def text_field(lang: str) -> str:
    return f"text_{lang}"


def words_field(lang: str) -> str:
    """Unstemmed words of a document's title and text: the vocabulary spelling suggestions use. Only
    which documents have a word is kept (no frequencies, positions or lengths): half the cost of
    indexing a text field."""
    return f"words_{lang}"


def parts_fields(lang: str) -> tuple[str, str]:
    """The title's and the text's compound parts, stemmed (index.compounds): which documents have
    a word inside a longer one, and how often; no positions. Danish and German only."""
    return f"title_parts_{lang}", f"text_parts_{lang}"


def compounding(lang: str) -> bool:
    """Whether `lang` has a parts field."""
    return lang in LINKS


def make_schema() -> Schema:
    """Per-language title, text, words and (Danish, German) compound parts fields, each with that
    language's analyzer, plus facet fields."""
    fields = {
        ID_FIELD: ID(unique=True, stored=True),
        LANG_FIELD: ID(stored=True),
        DATE_FIELD: ID(stored=True),
        ACTORS_FIELD: KEYWORD(lowercase=False, commas=False),
        ACTOR_TERMS_FIELD: KEYWORD(scorable=True, lowercase=False, commas=False),
    }
    for name in STORED_FIELDS:
        fields[name] = STORED()
    for code in LANGUAGES:
        fields[title_field(code)] = TEXT(analyzer=analyzer(code), field_boost=TITLE_BOOST, phrase=True)
        fields[text_field(code)] = TEXT(analyzer=analyzer(code), phrase=True)
        fields[words_field(code)] = FieldType(Existence(), analyzer(code, stem=False), scorable=False)
        if compounding(code):
            title_parts, text_parts = parts_fields(code)
            fields[title_parts] = TEXT(analyzer=parts_analyzer(code), field_boost=TITLE_BOOST, phrase=False)
            fields[text_parts] = TEXT(analyzer=parts_analyzer(code), phrase=False)
    return Schema(**fields)
