"""The OpenSearch mapping and each document's source.

Text is analysed here, by the same analyzers as the Whoosh index (index.analysis): a text field
holds the terms Python made, space-separated, and OpenSearch only splits them at the spaces. Both
backends therefore index the same terms at the same positions, whatever the cluster's own stemmers
do (its German Snowball stemmer is an older algorithm: docs/opensearch.md lists what it stems
differently), and a managed cluster that takes no plugins serves it as well as any.
"""

from __future__ import annotations

from index.analysis import analyzer, parts_analyzer
from index.dates import INTERVALS, PartialDate, day_number
from index.documents import CleanDocument
from index.language import LANGUAGES
from index.schema import (
    ACTOR_TERMS_FIELD, ACTORS_FIELD, DATE_FIELD, ID_FIELD, LANG_FIELD, actor_term, compounding, parts_fields, text_field,
    title_field, words_field,
)

TERMS = "newsfacet_terms"  # the analyzer of every text field: terms made in Python, split at spaces
FIRST_DAY, LAST_DAY = "first_day", "last_day"  # a date's first and last day (days since 1970-01-01)
DUPLICATE_GROUP = "duplicate_group"  # a near-duplicate group's key; only grouped documents have one
COLLAPSE_KEY = "collapse_key"  # the group's key, or the document's id: what search results collapse on
SEQUENCE = "seq"  # the order documents were added in: the last tie-break, as Whoosh's document numbers
STORED = "stored"  # what the API shows (title, text, url, …), kept in _source and not indexed


def period_field(interval: str) -> str:
    return f"period_{interval}"


def date_fields(date: PartialDate) -> dict:
    """A date's fields: its first and last day (a date known to the month spans the month), and the
    period it is counted in per interval (its own, when it is less precise than the interval)."""
    return {
        DATE_FIELD: str(date),
        FIRST_DAY: day_number(date.first_day()),
        LAST_DAY: day_number(date.last_day()),
    } | {period_field(interval): str(date.truncate(interval)) for interval in INTERVALS}


def index_body(shards: int, replicas: int) -> dict:
    """Settings and mapping of a new concrete index."""
    properties: dict = {
        ID_FIELD: {"type": "keyword"},
        LANG_FIELD: {"type": "keyword"},
        DATE_FIELD: {"type": "keyword"},
        FIRST_DAY: {"type": "integer"},
        LAST_DAY: {"type": "integer"},
        ACTORS_FIELD: {"type": "keyword"},
        ACTOR_TERMS_FIELD: {"type": "text", "analyzer": TERMS, "index_options": "freqs"},
        DUPLICATE_GROUP: {"type": "keyword"},
        COLLAPSE_KEY: {"type": "keyword"},
        SEQUENCE: {"type": "long"},
        STORED: {"type": "object", "enabled": False},
    }
    for interval in INTERVALS:
        properties[period_field(interval)] = {"type": "keyword"}
    for code in LANGUAGES:
        properties[title_field(code)] = {"type": "text", "analyzer": TERMS}
        properties[text_field(code)] = {"type": "text", "analyzer": TERMS}
        properties[words_field(code)] = {"type": "keyword"}  # a document's distinct words: doc values list the vocabulary
        if compounding(code):
            for name in parts_fields(code):
                properties[name] = {"type": "text", "analyzer": TERMS, "index_options": "freqs"}
    return {
        "settings": {
            "index": {"number_of_shards": shards, "number_of_replicas": replicas, "max_result_window": 10_000},
            "analysis": {
                "tokenizer": {TERMS: {"type": "whitespace", "max_token_length": 4096}},
                "analyzer": {TERMS: {"type": "custom", "tokenizer": TERMS}},
            },
        },
        "mappings": {"dynamic": "strict", "properties": properties},
    }


def _terms(chain, text: str) -> str:
    return " ".join(token.text for token in chain(text))


def source(doc: CleanDocument) -> dict:
    """One document as OpenSearch indexes it (its SEQUENCE is set as it is sent, its duplicate group
    when the build knows it)."""
    lang = doc.lang
    body: dict = {
        ID_FIELD: doc.id,
        LANG_FIELD: lang,
        ACTORS_FIELD: [m.id for m in doc.actors],
        ACTOR_TERMS_FIELD: " ".join(actor_term(lang, m.id) for m in doc.actors for _ in range(m.count)),
        title_field(lang): _terms(analyzer(lang), doc.title or ""),
        text_field(lang): _terms(analyzer(lang), doc.text),
        words_field(lang): sorted({t.text for t in analyzer(lang, stem=False)("\n".join(doc.content))}),
        COLLAPSE_KEY: doc.id,
        STORED: {
            "title": doc.title,
            "text": doc.text,
            "url": doc.url,
            "source": doc.source,
            "source_path": doc.source_path,
            "actor_mentions": [[m.id, m.count] for m in doc.actors],
            "removed": [[r.text, r.reason] for r in doc.removed],
        },
    }
    if compounding(lang):
        title_parts, text_parts = parts_fields(lang)
        body[title_parts] = _terms(parts_analyzer(lang), doc.title or "")
        body[text_parts] = _terms(parts_analyzer(lang), doc.text)
    if doc.date is not None:
        body |= date_fields(doc.date)
    return body
