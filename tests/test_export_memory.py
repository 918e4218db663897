"""An export streams: 10,000 generated articles go out as CSV with their text while the server's
memory stays flat (its peak grows by a small part of what it sends), and the client reads it a
chunk at a time."""

from __future__ import annotations

import csv
import io
import json
import random

import pytest
from conftest import Server

from index.build import build

pytestmark = pytest.mark.slow

DOCS = 10_000
WORDS = (
    "regeringen ministeren forhandlingerne sanktionerne grænsen hæren topmødet aftalen valget parlamentet "
    "økonomien handelen flygtningene våbnene ambassaden krisen budgettet udvalget kommissionen borgerne "
    "diskuterer kritiserer vedtager afviser støtter forsinker undersøger lover kræver meddeler "
    "hurtigt igen endelig alligevel samtidig stadig måske tydeligt åbent forsigtigt"
).split()
ACTORS = ["Rusland", "Iran", "Nordkorea", "Ukraine", "Kina", "NATO"]


def _corpus(folder, rng: random.Random) -> None:
    """One JSON Lines file of Danish articles made of random sentences: no two alike."""
    with open(folder / "articles.jsonl", "w", encoding="utf-8") as out:
        for n in range(DOCS):
            sentences = []
            for _ in range(45):
                words = rng.choices(WORDS, k=rng.randint(8, 14))
                words.insert(rng.randrange(len(words)), rng.choice(ACTORS))
                sentences.append(" ".join(words).capitalize() + ".")
            text = "\n\n".join(" ".join(sentences[i : i + 5]) for i in range(0, len(sentences), 5))
            day = f"2024-{1 + n % 12:02d}-{1 + n % 28:02d}"
            out.write(json.dumps({"id": f"gen/{n:05d}", "title": f"Artikel {n}", "date": day, "lang": "da", "text": text}) + "\n")


def _peak_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))


def test_an_export_of_10000_articles_streams_in_flat_memory(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _corpus(corpus, random.Random(3))
    report = build(corpus, tmp_path / "index")
    assert report.documents == DOCS, report.skipped[:3]
    server = Server(tmp_path / "index", NEWSFACET_WORKERS="1")
    try:
        children = open(f"/proc/{server.process.pid}/task/{server.process.pid}/children").read().split()
        worker = int(children[0]) if children else server.process.pid  # one worker: uvicorn serves in its own process
        server.client.get("/search.csv", params={"q": '"artikel 17"', "fields": "text"})  # the worker has read what an export reads
        before = _peak_kib(worker)
        chunks = []
        with server.client.stream("GET", "/search.csv", params={"fields": "text", "collapse": "false"}, timeout=300) as answer:
            assert answer.status_code == 200 and answer.headers["x-total-count"] == str(DOCS)
            chunks = list(answer.iter_text())
        grown = (_peak_kib(worker) - before) * 1024
    finally:
        server.stop()
    sent = sum(len(c.encode()) for c in chunks)
    rows = list(csv.reader(io.StringIO("".join(chunks))))
    assert len(rows) == DOCS + 1 and rows[0][0] == "id"  # the header and every article
    assert {r[0] for r in rows[1:]} == {f"gen/{n:05d}" for n in range(DOCS)}
    assert sent > 30 * 2**20 and len(chunks) > 10
    assert grown < sent / 4, f"the server's peak grew by {grown / 2**20:.1f} MiB to send {sent / 2**20:.1f} MiB"
