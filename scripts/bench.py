#!/usr/bin/env python3
"""Benchmark: generate a Danish/German news corpus, build it with the full pipeline, and measure the
build, an incremental rebuild, a fixed query mix in process and over HTTP, and the same mix on a
plain-Whoosh baseline (one stemmed field, facets through `groupedby`) and on SQLite FTS5 (the same
documents pre-stemmed, facets with SQL: bench_fts5.py). Prints one table.

    python scripts/bench.py                       # 10,000 and 100,000 documents
    python scripts/bench.py --docs 10000 --queries 500 --work /tmp/bench
    python scripts/bench.py --docs 100000 --backend whoosh opensearch   # both, on the same corpus
    python scripts/bench.py --docs 1000000 --shard 1000 --no-references --keep   # the growth table

`--backend opensearch` builds into the cluster NEWSFACET_OPENSEARCH_URL names (by default the local
one `make opensearch` starts), under the alias `bench-<size>`, and serves from it.

The corpus is generated here, word by word, from wordfreq's Danish and German frequency lists and
the gazetteer's actor names; nothing is copied from real articles.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import resource
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
import numpy as np
import wordfreq
from whoosh import query as wq
from whoosh.analysis import LanguageAnalyzer
from whoosh.fields import ID, KEYWORD, TEXT, Schema
from whoosh.index import create_in, open_dir
from whoosh.qparser import QueryParser
from whoosh.sorting import FieldFacet

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from opensearchpy import helpers  # noqa: E402

from bench_fts5 import Fts5  # noqa: E402
from bench_fts5 import build as build_fts5  # noqa: E402

from index import cli, store  # noqa: E402
from index.actors import load_gazetteer  # noqa: E402
from index.analysis import stem_terms  # noqa: E402
from index.dates import PartialDate  # noqa: E402
from index.opensearch.client import connect  # noqa: E402
from index.opensearch.mapping import STORED  # noqa: E402
from index.schema import text_field  # noqa: E402
from index.settings import Settings  # noqa: E402
from search import SearchRequest, SearchService  # noqa: E402
from search.backends import open_backend  # noqa: E402

LANGS = ("da", "de")
SITES_PER_LANG = 20
START_DAY = np.datetime64("2022-01-01")
DAYS = 4 * 365 + 1
# The actors this field's coverage is about come first; the rest of the gazetteer follows, rarer.
CORE_ACTORS = [
    "russia", "ukraine", "united-states", "iran", "european-union", "nato", "china", "vladimir-putin",
    "volodymyr-zelensky", "north-korea", "germany", "denmark", "israel", "united-kingdom", "donald-trump",
    "joe-biden", "kim-jong-un", "united-nations", "france", "turkey", "belarus", "sergei-lavrov",
]
BOILERPLATE = {
    "da": [
        "Vi bruger cookies til at forbedre din oplevelse og til statistik. Accepter alle cookies",
        "Læs også: {headline}", "Del artiklen på Facebook, X og LinkedIn", "Lyt til artiklen · 4 min.",
        "/ritzau/", "Foto: {name} / Ritzau Scanpix", "Annonce", "Tilmeld dig vores daglige nyhedsbrev her",
        "Kommentarfeltet er lukket for denne artikel", "Forsiden › Udland › Europa",
    ],
    "de": [
        "Wir verwenden Cookies, um Inhalte zu personalisieren. Alle akzeptieren",
        "Mehr zum Thema: {headline}", "Artikel teilen: Facebook, X, WhatsApp, E-Mail", "Artikel anhören · 5 Min.",
        "(dpa)", "Foto: {name}/dpa", "Anzeige", "Jetzt den kostenlosen Newsletter abonnieren",
        "Die Kommentarfunktion ist für diesen Artikel geschlossen", "Startseite › Politik › Ausland",
    ],
}


# -- the corpus -----------------------------------------------------------------------------


class Vocabulary:
    """A language's words with their frequencies, sampled in bulk."""

    def __init__(self, lang: str, size: int = 30_000) -> None:
        words = [w for w in wordfreq.top_n_list(lang, size) if w.isalpha() and len(w) > 1 or w in ("i", "å")]
        freq = np.array([wordfreq.word_frequency(w, lang) for w in words])
        self.words = np.array(words, dtype=object)
        self.cdf = np.cumsum(freq / freq.sum())

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return self.words[np.minimum(np.searchsorted(self.cdf, rng.random(n)), len(self.words) - 1)]


class CorpusGenerator:
    """Articles in Danish and German: headline, paragraphs of frequency-sampled words with actor names
    in them (a few actors a document, a heavy head and a long tail), dates over four years, and each
    site's own boilerplate lines around the article."""

    def __init__(self, seed: int = 7) -> None:
        self.rng = np.random.default_rng(seed)
        self.vocab = {lang: Vocabulary(lang) for lang in LANGS}
        gazetteer = load_gazetteer()
        ids = [a for a in CORE_ACTORS if a in gazetteer.actors]
        ids += [a for a in gazetteer.actors if a not in ids]
        self.actors = [gazetteer.actors[a] for a in ids]
        weights = 1.0 / np.arange(1, len(ids) + 1) ** 1.1
        self.actor_p = weights / weights.sum()
        self.sites = {
            lang: [
                (f"{lang}/site{i:02d}", self.rng.choice(BOILERPLATE[lang], size=self.rng.integers(2, 6), replace=False))
                for i in range(SITES_PER_LANG)
            ]
            for lang in LANGS
        }

    def _sentence(self, lang: str, names: list[str]) -> str:
        words = list(self.vocab[lang].sample(self.rng, int(self.rng.integers(6, 22))))
        for name in names:
            words.insert(int(self.rng.integers(0, len(words) + 1)), name)
        words[0] = words[0][:1].upper() + words[0][1:]
        return " ".join(words) + "."

    def _name(self, actor, lang: str) -> str:
        name = actor.labels.get(lang) or actor.label
        return name + "s" if self.rng.random() < 0.15 and not name.endswith("s") else name

    def article(self, n: int) -> tuple[str, str]:
        """The relative path and text of article `n`: front matter, a date line or neither."""
        site, headline, body, date, kind = self._parts(n)
        if kind == "front matter":
            text = f"---\ntitle: {headline}\ndate: {date}\nsource: {site}\nurl: https://{site}.example/{n}\n---\n{body}\n"
        elif kind == "date line":
            text = f"date {date} {headline}\n\n{body}\n"
        else:
            text = f"{headline}\n\n{body}\n"  # undated
        return f"{site}/{n:07d}.txt", text

    def record(self, n: int) -> dict:
        """Article `n` as a JSON Lines record: what `article` gives, the metadata as fields."""
        site, headline, body, date, kind = self._parts(n)
        if kind == "front matter":
            return {"id": f"{site}/{n:07d}", "title": headline, "date": date, "source": site, "url": f"https://{site}.example/{n}", "text": body}
        return {"id": f"{site}/{n:07d}", "text": f"{headline}\n\n{body}"} | ({"date": date} if date else {})

    def _parts(self, n: int) -> tuple[str, str, str, str | None, str]:
        """(site, headline, body, date, kind of dating) of article `n`."""
        rng = self.rng
        lang = LANGS[int(rng.random() < 0.5)]
        site, boilerplate = self.sites[lang][int(rng.integers(0, SITES_PER_LANG))]
        chosen = rng.choice(len(self.actors), size=int(rng.integers(1, 5)), replace=False, p=self.actor_p)
        mentions = [self._name(self.actors[i], lang) for i in chosen for _ in range(int(rng.integers(1, 4)))]
        rng.shuffle(mentions)
        words = int(np.clip(rng.lognormal(np.log(380), 0.45), 80, 1500))
        sentences, budget = [], words
        while budget > 0:
            names = [mentions.pop()] if mentions and rng.random() < 0.5 else []
            sentences.append(self._sentence(lang, names))
            budget -= sentences[-1].count(" ") + 1
        sentences += [self._sentence(lang, [m]) for m in mentions]
        paragraphs, i = [], 0
        while i < len(sentences):
            k = int(rng.integers(1, 5))
            paragraphs.append(" ".join(sentences[i : i + k]))
            i += k
        headline = self._sentence(lang, [self._name(self.actors[chosen[0]], lang)])[:-1]
        filler = {"headline": self._sentence(lang, [])[:-1], "name": "Anna Holm" if lang == "da" else "Jan Weber"}
        top = [b.format(**filler) for b in boilerplate[: len(boilerplate) // 2]]
        bottom = [b.format(**filler) for b in boilerplate[len(boilerplate) // 2 :]]
        body = "\n\n".join(top + paragraphs + bottom)
        day = START_DAY + int(rng.integers(0, DAYS))
        kind = rng.random()
        if kind < 0.7:
            return site, headline, body, str(day) if rng.random() < 0.93 else str(day)[:7], "front matter"
        if kind < 0.92:
            return site, headline, body, str(day), "date line"
        return site, headline, body, None, "undated"

    def write(self, corpus: Path, docs: int, shard: int = 0) -> None:
        """The corpus: a file an article, or (`shard`) JSON Lines files of `shard` articles each."""
        if shard:
            (corpus / "shards").mkdir(parents=True, exist_ok=True)
            for first in range(0, docs, shard):
                lines = (json.dumps(self.record(n), ensure_ascii=False) for n in range(first, min(first + shard, docs)))
                (corpus / "shards" / f"{first // shard:05d}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
            return
        for n in range(docs):
            rel, text = self.article(n)
            path = corpus / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")


UPDATE = "\nOpdateret: Artiklen er opdateret med nye oplysninger om forhandlingerne.\n"


def change_files(corpus: Path, share: float, seed: int = 11) -> int:
    """Append a paragraph to the articles of `share` of the files (an updated article, or a JSON
    Lines file of updated articles); returns how many files. Each is written anew and moved into
    place, as an editor saves: the corpus copy's files are hard links to the generated ones, which
    stay as they were."""
    files = sorted(corpus.rglob("*.txt")) or sorted(corpus.rglob("*.jsonl"))
    rng = np.random.default_rng(seed)
    chosen = rng.choice(len(files), size=max(1, int(len(files) * share)), replace=False)
    for i in chosen:
        new, text = files[i].with_suffix(".new"), files[i].read_text(encoding="utf-8")
        if files[i].suffix == ".jsonl":
            records = [json.loads(line) for line in text.splitlines()]
            text = "".join(json.dumps(r | {"text": r["text"] + UPDATE}, ensure_ascii=False) + "\n" for r in records)
        else:
            text += UPDATE
        new.write_text(text, encoding="utf-8")
        new.replace(files[i])
    return len(chosen)


# -- building -------------------------------------------------------------------------------


@dataclass
class Run:
    seconds: float
    peak_mib: float
    report: dict


def run_build(corpus: Path, engine: Engine, full: bool) -> Run:
    """newsfacet-index in its own process: wall time, peak resident memory, the build report."""
    started = time.perf_counter()
    command = cli.command(corpus, engine.index_dir, full=full)
    proc = subprocess.Popen(command, cwd=REPO, env=os.environ | engine.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = proc.communicate()
    seconds = time.perf_counter() - started
    if proc.returncode:
        raise SystemExit(f"build failed ({proc.returncode}): {err[-2000:]}")
    # ru_maxrss of waited-for children: the largest process of the build (KiB on Linux)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return Run(seconds, peak, json.loads(out))


def live_dir(index_dir: Path) -> Path:
    """The live generation's folder."""
    return store.generations_dir(index_dir) / store.current_name(index_dir)


def folder_mib(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


class Engine:
    """Where one size's index lives: the Whoosh index folder, or an alias of an OpenSearch cluster."""

    def __init__(self, backend: str, index_dir: Path, size: int) -> None:
        self.backend, self.index_dir = backend, index_dir
        self.env = {"NEWSFACET_INDEX_DIR": str(index_dir), "NEWSFACET_BACKEND": backend}
        if backend == "opensearch":
            self.env |= {"NEWSFACET_OPENSEARCH_INDEX": f"bench-{size}"}
        self.settings = Settings(**{k.removeprefix("NEWSFACET_").lower(): v for k, v in self.env.items()})

    def service(self) -> SearchService:
        return SearchService(open_backend(self.settings))

    def index_mib(self) -> float:
        """The live index's size: its folder, or its primary shards on the cluster (one copy, as the folder is)."""
        if self.backend == "whoosh":
            return folder_mib(live_dir(self.index_dir))
        client = connect(self.settings)
        stats = client.indices.stats(index=self.settings.opensearch_index, metric="store")
        return stats["_all"]["primaries"]["store"]["size_in_bytes"] / 2**20

    def doc_share(self) -> tuple[Callable[[str, str], float], Callable[[], None]]:
        """A function of (language, term) giving the share of documents whose text has the term,
        and one that closes what it opened."""
        if self.backend == "whoosh":
            searcher = open_dir(str(live_dir(self.index_dir))).searcher()
            reader, total = searcher.reader(), searcher.reader().doc_count()
            return (lambda lang, term: reader.doc_frequency(text_field(lang), term) / total), searcher.close
        client, alias = connect(self.settings), self.settings.opensearch_index
        total = client.count(index=alias)["count"]
        share = lambda lang, term: client.count(index=alias, body={"query": {"term": {text_field(lang): term}}})["count"] / total  # noqa: E731
        return share, client.close

    def facts(self) -> dict[str, dict]:
        """Language, actors and date of each document as our build found them: the baseline's facet
        values, so both answer with the same facets."""
        if self.backend == "whoosh":
            return baseline_facts(self.index_dir)
        facts, client = {}, connect(self.settings)
        for hit in helpers.scan(client, index=self.settings.opensearch_index, _source=["id", "lang", "date", f"{STORED}.actor_mentions"]):
            source = hit["_source"]
            facts[source["id"]] = {"lang": source["lang"], "date": source.get("date"), "actors": [a for a, _ in source[STORED]["actor_mentions"]]}
        return facts

    def documents(self) -> int:
        service = self.service()
        try:
            return service.stats()["documents"]
        finally:
            service.close()


# -- the query mix --------------------------------------------------------------------------


def query_mix(engine: Engine, gen: CorpusGenerator, n: int, seed: int = 5) -> list[dict]:
    """A fixed mix of `n` requests: selective words, broad words (in 30% or more of the documents),
    phrases, several words, actor/language/date filters, the empty query with facets, deep pages."""
    rng = np.random.default_rng(seed)
    share, close = engine.doc_share()
    try:

        def doc_share(lang: str, word: str) -> float:
            terms = stem_terms(lang, word)
            return share(lang, terms[0]) if len(terms) == 1 else 0.0

        broad = {lang: [w for w in gen.vocab[lang].words[:400] if doc_share(lang, w) >= 0.30] for lang in LANGS}
    finally:
        close()
    rare = {lang: list(gen.vocab[lang].words[3000:20000]) for lang in LANGS}
    mid = {lang: list(gen.vocab[lang].words[100:2000]) for lang in LANGS}
    actors = [a.id for a in gen.actors[:40]]

    def pick(items):
        return items[int(rng.integers(0, len(items)))]

    def span() -> dict:
        start = START_DAY + int(rng.integers(0, DAYS - 200))
        return {"date_from": str(start)[: int(pick([4, 7, 10]))], "date_to": str(start + int(rng.integers(30, 400)))}

    kinds = [
        ("selective word", lambda lang: {"q": pick(rare[lang])}),
        ("broad word", lambda lang: {"q": pick(broad[lang] or mid[lang])}),
        ("phrase", lambda lang: {"q": f'"{pick(mid[lang])} {pick(broad[lang] or mid[lang])}"'}),
        ("words", lambda lang: {"q": f"{pick(mid[lang])} {pick(mid[lang])}"}),
        ("word + actor", lambda lang: {"q": pick(mid[lang]), "actor": [pick(actors)]}),
        ("word + lang + date", lambda lang: {"q": pick(mid[lang]), "lang": [lang]} | span()),
        ("actors + date", lambda lang: {"actor": [pick(actors[:10]), pick(actors)]} | span()),
        ("empty + facets", lambda lang: {"interval": pick(["year", "month", "day"]), "lang": pick([[], [lang]])}),
        ("deep page", lambda lang: {"q": pick(broad[lang] or mid[lang]), "page": int(rng.integers(20, 100))}),
    ]
    mix = []
    for i in range(n):
        name, make = kinds[i % len(kinds)]
        mix.append({"kind": name} | make(LANGS[int(rng.integers(0, 2))]))
    return mix


WARM_UP = "regeringen Regierung"  # a word in each language: a new generation's vocabulary is read for it


def request_of(item: dict) -> SearchRequest:
    return SearchRequest(**{k: v for k, v in item.items() if k != "kind"})


def http_params(item: dict) -> dict:
    names = {"date_from": "from", "date_to": "to"}
    return {names.get(k, k): v for k, v in item.items() if k != "kind"}


def percentiles(ms: list[float]) -> tuple[float, float, float]:
    p = np.percentile(ms, [50, 95, 99])
    return float(p[0]), float(p[1]), float(p[2])


def time_in_process(engine: Engine, mix: list[dict]) -> list[float]:
    service = engine.service()
    for item in mix[:20]:  # open the searcher and the facet arrays
        service.search(request_of(item))
    service.close()
    service = engine.service()  # a fresh service: an empty query cache, warm OS page cache
    service.search(SearchRequest(q=WARM_UP, size=1))  # opens the generation and reads its vocabulary
    times = []
    for item in mix:
        started = time.perf_counter()
        service.search(request_of(item))
        times.append((time.perf_counter() - started) * 1000)
    service.close()
    return times


def distinct(mix: list[dict]) -> list[dict]:
    """The mix without repeated requests: over HTTP none is answered from the server's cache."""
    return list({json.dumps(http_params(item), sort_keys=True): item for item in mix}.values())


def time_http(engine: Engine, mix: list[dict], workers: int, clients: int = 8) -> tuple[float, list[float], float]:
    """The mix over HTTP from `clients` threads to a server of `workers` processes: requests/second,
    latencies, the server's peak resident memory (MiB, its processes together)."""
    env = os.environ | engine.env | {"NEWSFACET_PORT": "8765", "NEWSFACET_RATE_LIMIT": "0", "NEWSFACET_HOST": "127.0.0.1", "NEWSFACET_WORKERS": str(workers)}
    server = subprocess.Popen([sys.executable, "-m", "api"], cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = "http://127.0.0.1:8765"
    try:
        _wait_for_workers(server, workers)
        with httpx.Client(base_url=base, timeout=300) as warm:  # a new generation's vocabulary is read first
            warm.get("/search", params={"q": WARM_UP, "size": 1})
        work: queue.Queue = queue.Queue()
        for item in mix:
            work.put(http_params(item))
        times, failures = [], []

        def client() -> None:
            with httpx.Client(base_url=base, timeout=30) as c:
                while True:
                    try:
                        params = work.get_nowait()
                    except queue.Empty:
                        return
                    started = time.perf_counter()
                    response = c.get("/search", params=params)
                    times.append((time.perf_counter() - started) * 1000)
                    if response.status_code != 200:
                        failures.append(response.text[:200])

        threads = [threading.Thread(target=client) for _ in range(clients)]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - started
        if failures:
            raise SystemExit(f"{len(failures)} HTTP requests failed, e.g. {failures[0]}")
        peak = sum(_status_kib(pid, "VmHWM") for pid in _process_tree(server.pid)) / 1024
        return len(mix) / elapsed, times, peak
    finally:
        server.terminate()
        server.wait(timeout=10)


def _wait_for_workers(server: subprocess.Popen, workers: int) -> None:
    """Until every worker has opened the index (uvicorn logs each one's start-up): the load test
    measures the server as it serves, not one worker answering while the other still starts."""
    started = 0
    for line in server.stderr:
        started += "Application startup complete" in line
        if started == workers:
            break
    else:
        raise SystemExit(f"the server stopped before its {workers} workers started (exit code {server.wait()})")
    threading.Thread(target=server.stderr.read, daemon=True).start()  # drained, so that logging never blocks


def _process_tree(pid: int) -> list[int]:
    """`pid` and its descendants (uvicorn's workers are children of its supervisor)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            todo += [int(child) for child in task.read_text().split()]
    return found


def _status_kib(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


# -- the plain-Whoosh baseline --------------------------------------------------------------


def build_baseline(corpus: Path, index_dir: Path, docs: dict[str, dict]) -> float:
    """The raw files in one field stemmed by Whoosh's LanguageAnalyzer("de"), facet fields as IDs and
    KEYWORD, written the plain way with Whoosh's two-process multisegment writer; seconds."""
    schema = Schema(
        id=ID(stored=True, unique=True), text=TEXT(analyzer=LanguageAnalyzer("de"), stored=True),
        lang=ID(stored=True), actors=KEYWORD(stored=True, lowercase=False), year=ID, month=ID, day=ID,
    )
    index_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    writer = create_in(str(index_dir), schema).writer(procs=2, multisegment=True, limitmb=128)
    for path in sorted(corpus.rglob("*.txt")):
        rel = path.relative_to(corpus).with_suffix("").as_posix()
        meta = docs.get(rel)
        if meta is None:
            continue
        date = meta["date"] or ""
        writer.add_document(
            id=rel, text=path.read_text(encoding="utf-8"), lang=meta["lang"], actors=" ".join(meta["actors"]) or None,
            year=date[:4] or None, month=date[:7] if len(date) >= 7 else None, day=date if len(date) == 10 else None,
        )
    writer.commit()
    return time.perf_counter() - started


def baseline_facts(index_dir: Path) -> dict[str, dict]:
    """Language, actors and date of each document of a Whoosh index folder's live generation."""
    facts = {}
    with open_dir(str(live_dir(index_dir))).searcher() as searcher:
        for _, stored in searcher.iter_docs():
            facts[stored["id"]] = {"lang": stored["lang"], "date": stored.get("date"), "actors": [a for a, _ in stored["actor_mentions"]]}
    return facts


def time_fts5(db: Path, mix: list[dict]) -> list[float]:
    """The mix on the SQLite FTS5 reference (bench_fts5), after the first five as a warm-up."""
    fts5, times = Fts5(db), []
    for item in mix[:5] + mix:
        started = time.perf_counter()
        fts5.search(item)
        times.append((time.perf_counter() - started) * 1000)
    fts5.close()
    return times[5:]


def time_baseline(index_dir: Path, mix: list[dict]) -> list[float]:
    ix = open_dir(str(index_dir))
    parser = QueryParser("text", ix.schema)
    times = []
    with ix.searcher() as searcher:
        for item in mix[:5] + mix:
            started = time.perf_counter()
            q = parser.parse(item["q"]) if item.get("q") else wq.Every()
            filters = [wq.Or([wq.Term("lang", c) for c in item["lang"]])] if item.get("lang") else []
            filters += [wq.Term("actors", a) for a in item.get("actor", [])]
            if item.get("date_from"):
                lo = PartialDate.parse(item["date_from"]).first_day().isoformat()
                hi = PartialDate.parse(item["date_to"]).last_day().isoformat()
                filters.append(wq.TermRange("day", lo, hi))
            interval = item.get("interval", "month")
            facets = {"lang": FieldFacet("lang"), "actor": FieldFacet("actors", allow_overlap=True), "date": FieldFacet(interval)}
            page = searcher.search_page(q, item.get("page", 1), pagelen=10, filter=wq.And(filters) if filters else None, groupedby=facets)
            for name in facets:
                page.results.groups(name)
            for hit in page:
                hit.highlights("text")
            times.append((time.perf_counter() - started) * 1000)
    return times[5:]


# -- the table ------------------------------------------------------------------------------


def corpus_root(work: Path, size: int, shard: int) -> Path:
    return work / (f"docs-{size}-jsonl{shard}" if shard else f"docs-{size}")


def bench(size: int, backend: str, work: Path, queries: int, keep: bool, queries_only: bool = False, references: bool = True, shard: int = 0) -> dict:
    """One size's and backend's column of the table. `queries_only`: time the queries again on the
    index and baseline a kept run left (after a change to the search side only); the build rows stay
    empty. `references`: build and time plain Whoosh and SQLite FTS5 beside ours. `shard`: the
    corpus as JSON Lines files of that many articles."""
    root = corpus_root(work, size, shard)
    corpus, baseline_dir = root / "corpus", root / "baseline"
    engine = Engine(backend, root / ("index" if backend == "whoosh" else f"index-{backend}"), size)
    gen = CorpusGenerator()
    if queries_only:
        if not (store.current_name(engine.index_dir) and (baseline_dir.is_dir() or not references)):
            raise SystemExit(f"--queries-only needs the index and baseline a --keep run left in {root}")
        row = {"docs": engine.documents()}
    else:
        row = _build_rows(size, gen, corpus, engine, baseline_dir if references else None, shard)
    if references and backend == "whoosh" and (not queries_only or not (root / "fts5.db").exists()):
        seconds, documents = build_fts5(live_dir(engine.index_dir), root / "fts5.db")
        row["fts5_build_docs_s"] = documents / seconds
        print(f"[{size}] SQLite FTS5 reference built in {seconds:.0f} s", file=sys.stderr)
    row["backend"] = backend + (f", JSON Lines files of {shard:,}" if shard else "")
    mix = query_mix(engine, gen, queries)
    ours = time_in_process(engine, mix)
    unique = distinct(mix)
    rps, http, server_peak = time_http(engine, unique, workers=2)
    rps_one, _, _ = time_http(engine, unique, workers=1)
    base = time_baseline(baseline_dir, mix) if references else None
    fts5 = time_fts5(root / "fts5.db", mix) if references and (root / "fts5.db").exists() else None
    row |= {
        "ours": percentiles(ours), "http_rps": rps, "http_rps_one": rps_one, "http_distinct": len(unique),
        "http": percentiles(http), "server_peak_mib": server_peak,
        **({"baseline": percentiles(base)} if base else {}), **({"fts5": percentiles(fts5)} if fts5 else {}),
        "by_kind": {
            kind: tuple(percentiles([t for t, m in zip(times, mix) if m["kind"] == kind])[1] for times in (ours, base, fts5) if times)
            for kind in dict.fromkeys(m["kind"] for m in mix)
        },
    }
    return row


def _build_rows(size: int, gen: CorpusGenerator, corpus: Path, engine: Engine, baseline_dir: Path | None, shard: int = 0) -> dict:
    """Generate the corpus (once), build it full, change 1% and build again (on a copy of the
    corpus made of hard links: every backend gets the same one), build the baseline (once; None:
    none)."""
    if not corpus.is_dir():
        started = time.perf_counter()
        gen.write(corpus, size, shard)
        print(f"[{size}] generated the corpus in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    changed_corpus = corpus.with_name(f"corpus-{engine.backend}")
    shutil.rmtree(changed_corpus, ignore_errors=True)
    shutil.copytree(corpus, changed_corpus, copy_function=os.link)
    shutil.rmtree(engine.index_dir, ignore_errors=True)
    full = run_build(changed_corpus, engine, full=True)
    print(f"[{size} {engine.backend}] full build {full.seconds:.0f} s", file=sys.stderr)
    row = {
        "docs": full.report["documents"], "build_docs_s": full.report["documents"] / full.seconds,
        "build_s": full.seconds, "index_mib": engine.index_mib(), "build_peak_mib": full.peak_mib,
    }
    changed = change_files(changed_corpus, 0.01)
    incremental = run_build(changed_corpus, engine, full=False)
    row |= {"incremental_s": incremental.seconds, "incremental_files": changed}
    print(f"[{size} {engine.backend}] incremental rebuild {incremental.seconds:.1f} s ({changed} files)", file=sys.stderr)
    if baseline_dir is not None and not baseline_dir.is_dir():
        row["baseline_build_docs_s"] = row["docs"] / build_baseline(corpus, baseline_dir, engine.facts())
    else:
        row["baseline_build_docs_s"] = None
    print(f"[{size} {engine.backend}] timing queries", file=sys.stderr)
    return row


def table(rows: list[dict], queries: int) -> str:
    def cells(name, fmt, built=False):
        """A row; `built`: a figure of the build, left empty in a --queries-only row."""
        return f"| {name} | " + " | ".join(fmt(r) if "build_s" in r or not built else "—" for r in rows) + " |"

    def lat(key):
        return lambda r: "{:.1f} / {:.1f} / {:.1f}".format(*r[key])

    lines = [
        "| | " + " | ".join(f"{r['docs']:,} documents, {r['backend']}" for r in rows) + " |",
        "|---|" + "---|" * len(rows),
        cells("full build: documents/s (seconds)", lambda r: f"{r['build_docs_s']:.0f} ({r['build_s']:.0f} s)", True),
        cells("index size on disk", lambda r: f"{r['index_mib']:.0f} MiB", True),
        cells("build peak memory (largest process)", lambda r: f"{r['build_peak_mib']:.0f} MiB", True),
        cells("incremental rebuild after 1% of files changed", lambda r: f"{r['incremental_s']:.1f} s ({r['incremental_files']:,} files)", True),
        cells(f"in process, {queries} queries: p50 / p95 / p99 ms", lat("ours")),
        cells("HTTP, 8 clients, distinct queries: requests/s, 1 worker", lambda r: f"{r['http_rps_one']:.0f} ({r['http_distinct']} queries)"),
        cells("HTTP, 8 clients, distinct queries: requests/s, 2 workers", lambda r: f"{r['http_rps']:.0f} ({r['http_rps'] / r['http_rps_one']:.2f}×)"),
        cells("HTTP, 8 clients, 2 workers: p50 / p95 / p99 ms", lat("http")),
        cells("server peak resident memory, 2 workers together", lambda r: f"{r['server_peak_mib']:.0f} MiB"),
        cells("plain Whoosh + groupedby: p50 / p95 / p99 ms", lambda r: lat("baseline")(r) if "baseline" in r else "—"),
        cells("speed-up at p95 (plain Whoosh / ours)", lambda r: f"{r['baseline'][1] / r['ours'][1]:.1f}×" if "baseline" in r else "—"),
        cells("plain Whoosh build, 2 processes: documents/s", lambda r: f"{r['baseline_build_docs_s']:.0f}" if r["baseline_build_docs_s"] else "—", True),
        cells("SQLite FTS5, same documents pre-stemmed, SQL facets: p50 / p95 / p99 ms", lambda r: lat("fts5")(r) if "fts5" in r else "—"),
        cells("p95: FTS5 / ours", lambda r: f"{r['fts5'][1] / r['ours'][1]:.1f}×" if "fts5" in r else "—"),
        cells("SQLite FTS5 build (stemming included, 1 process): documents/s", lambda r: f"{r['fts5_build_docs_s']:.0f}" if r.get("fts5_build_docs_s") else "—"),
    ]
    for kind in rows[0]["by_kind"]:
        lines.append(cells(f"p95 ms, {kind}: ours / plain / FTS5", lambda r, k=kind: " / ".join(f"{v:.1f}" for v in r["by_kind"][k])))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, nargs="+", default=[10_000, 100_000], help="corpus sizes")
    parser.add_argument("--queries", type=int, default=540, help="queries in the mix (at least 500 for the report)")
    parser.add_argument("--work", type=Path, default=REPO / "var" / "bench", help="where corpora and indexes go")
    parser.add_argument("--backend", nargs="+", choices=["whoosh", "opensearch"], default=["whoosh"], help="where to build and search, on the same corpus")
    parser.add_argument("--keep", action="store_true", help="keep each size's corpus and indexes")
    parser.add_argument("--queries-only", action="store_true", help="time the queries again on what a --keep run left")
    parser.add_argument("--no-references", action="store_true", help="leave out plain Whoosh and SQLite FTS5 (at 1,000,000 documents they take hours)")
    parser.add_argument(
        "--shard", type=int, default=0, metavar="N",
        help="write the corpus as JSON Lines files of N articles each, not a file an article (a million small files not in the page "
        "cache read at about 400 a second on this machine's disk; needs --no-references)",
    )
    args = parser.parse_args(argv)
    if args.shard and not args.no_references:
        parser.error("--shard needs --no-references: the plain-Whoosh reference reads a file an article")
    rows = []
    for size in args.docs:
        for backend in args.backend:
            rows.append(bench(size, backend, args.work, args.queries, args.keep or args.queries_only, args.queries_only, not args.no_references, args.shard))
            print(json.dumps(rows[-1]), file=sys.stderr)  # each column as soon as it is measured
        if not (args.keep or args.queries_only):
            shutil.rmtree(corpus_root(args.work, size, args.shard))
    print(f"\nnewsfacet benchmark, {os.cpu_count()} cores, Python {sys.version.split()[0]}\n")
    print(table(rows, args.queries))
    return 0


if __name__ == "__main__":
    sys.exit(main())
