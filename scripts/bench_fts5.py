"""SQLite FTS5 as the reference a user might pick instead: the same cleaned documents (read from the
live generation of a newsfacet index), stemmed by newsfacet's own analyzers, in an FTS5 table; facet
counts, the page and its snippets with SQL. Used by scripts/bench.py.

Per request: the matches, after the filters, go into a temporary table once; the total, the
language, actor and date counts (each with every filter applied: drill-down, not multi-select), the
page (by bm25, or newest first for the empty query) and its snippets are read from it.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from whoosh.index import open_dir

from index.analysis import stem_terms
from index.dates import PartialDate

LANGS = ("da", "de")
_PERIOD_CHARS = {"year": 4, "month": 7, "day": 10}
_SCHEMA = """
CREATE TABLE docs (id INTEGER PRIMARY KEY, doc_id TEXT, lang TEXT, date TEXT, first_day TEXT, last_day TEXT, title TEXT);
CREATE TABLE doc_actors (id INTEGER, actor TEXT);
CREATE VIRTUAL TABLE fts USING fts5(terms, tokenize = 'unicode61 remove_diacritics 0');
"""
_INDEXES = """
CREATE INDEX docs_lang ON docs (lang, first_day);
CREATE INDEX docs_first ON docs (first_day);
CREATE INDEX actors_actor ON doc_actors (actor, id);
CREATE INDEX actors_id ON doc_actors (id);
"""


def build(generation: Path, db: Path) -> tuple[float, int]:
    """Write the FTS5 database from a generation's stored documents: (seconds, documents)."""
    db.unlink(missing_ok=True)
    started = time.perf_counter()
    con = sqlite3.connect(db)
    con.executescript(_SCHEMA)
    n = 0
    with open_dir(str(generation)).searcher() as searcher:
        for docnum, stored in searcher.iter_docs():
            if not searcher.reader().is_deleted(docnum):
                n += 1
                _add(con, n, stored)
    con.executescript(_INDEXES)
    con.commit()
    con.execute("INSERT INTO fts(fts) VALUES ('optimize')")
    con.commit()
    con.close()
    return time.perf_counter() - started, n


def _add(con: sqlite3.Connection, rowid: int, stored: dict) -> None:
    lang, date = stored["lang"], stored.get("date")
    first = last = None
    if date:
        partial = PartialDate.parse(date)
        first, last = partial.first_day().isoformat(), partial.last_day().isoformat()
    terms = " ".join(stem_terms(lang, (stored.get("title") or "") + "\n" + stored["text"]))
    con.execute("INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?, ?)", (rowid, stored["id"], lang, date, first, last, stored.get("title")))
    con.executemany("INSERT INTO doc_actors VALUES (?, ?)", [(rowid, a) for a, _ in stored["actor_mentions"]])
    con.execute("INSERT INTO fts(rowid, terms) VALUES (?, ?)", (rowid, terms))


def match_expression(q: str) -> str | None:
    """The mix's query (words ANDed, or one quoted phrase) as an FTS5 expression over both
    languages' stems; None when no word is left (stop words only)."""
    def quoted(terms: list[str]) -> str:
        return '"' + " ".join(t.replace('"', '""') for t in terms) + '"'

    if q.startswith('"'):
        phrases = {tuple(stem_terms(lang, q.strip('"'))) for lang in LANGS} - {()}
        return " OR ".join(quoted(list(p)) for p in sorted(phrases)) or None
    groups = []
    for word in q.split():
        stems = sorted({t for lang in LANGS for t in stem_terms(lang, word)})
        if stems:
            groups.append("(" + " OR ".join(quoted([s]) for s in stems) + ")")
    return " AND ".join(groups) or None


class Fts5:
    """One connection to the database `build` wrote; `search` answers one request of the mix."""

    def __init__(self, db: Path) -> None:
        self.con = sqlite3.connect(db, check_same_thread=False)

    def search(self, item: dict) -> dict:
        con = self.con
        where, params = [], []
        expression = match_expression(item["q"]) if item.get("q") else None
        if expression:
            source = "SELECT fts.rowid AS id, bm25(fts) AS score FROM fts WHERE fts MATCH ?"
            params.append(expression)
        else:
            source = "SELECT id, 0.0 AS score FROM docs"
        if item.get("lang"):
            where.append(f"d.lang IN ({','.join('?' * len(item['lang']))})")
            params += item["lang"]
        for actor in item.get("actor", []):
            where.append("m.id IN (SELECT id FROM doc_actors WHERE actor = ?)")
            params.append(actor)
        if item.get("date_from"):
            where.append("d.first_day <= ? AND d.last_day >= ?")
            params += [PartialDate.parse(item["date_to"]).last_day().isoformat(), PartialDate.parse(item["date_from"]).first_day().isoformat()]
        con.execute("DROP TABLE IF EXISTS temp.m")
        con.execute(
            f"CREATE TEMP TABLE m AS SELECT m.id AS id, m.score AS score, d.lang AS lang, d.date AS date, d.first_day AS day "
            f"FROM ({source}) m JOIN docs d ON d.id = m.id" + (" WHERE " + " AND ".join(where) if where else ""),
            params,
        )
        chars = _PERIOD_CHARS[item.get("interval", "month")]
        page, size = item.get("page", 1), 10
        order = "score, day DESC" if expression else "day DESC"
        hits = [row[0] for row in con.execute(f"SELECT id FROM m ORDER BY {order} LIMIT ? OFFSET ?", (size, (page - 1) * size))]
        found = {
            "total": con.execute("SELECT count(*) FROM m").fetchone()[0],
            "langs": dict(con.execute("SELECT lang, count(*) FROM m GROUP BY lang")),
            "actors": dict(con.execute("SELECT a.actor, count(*) AS n FROM m JOIN doc_actors a ON a.id = m.id GROUP BY a.actor ORDER BY n DESC LIMIT 30")),
            "dates": dict(con.execute("SELECT substr(date, 1, ?), count(*) FROM m WHERE date IS NOT NULL GROUP BY 1", (chars,))),
            "hits": hits,
        }
        if expression and hits:
            marks = ",".join("?" * len(hits))
            found["snippets"] = [
                row[0] for row in con.execute(
                    f"SELECT snippet(fts, 0, '<b>', '</b>', '…', 24) FROM fts WHERE fts MATCH ? AND rowid IN ({marks})", [expression, *hits]
                )
            ]
        return found

    def close(self) -> None:
        self.con.close()
