"""End to end: corpus -> index on disk -> `python -m api` (uvicorn) on a free port -> HTTP."""

import itertools
import json
import re
import socket
import subprocess
import threading
import time
from collections import Counter

import httpx
import pytest
from conftest import FIXTURE_CORPUS, REPO, SAMPLE_CORPUS, Server
from facet_oracle import expected_facets, facet_counts

from index import cli
from index.build import build

pytestmark = pytest.mark.slow


def test_sample_corpus_answers_iran_with_hits_and_all_facets(backend_server):
    body = backend_server.client.get("/search", params={"q": "Iran"}).json()
    assert body["total"] >= 5 and body["hits"]
    for facet in ("lang", "actor", "date"):
        assert body["facets"][facet], facet
    assert {"da", "de"} <= {v["value"] for v in body["facets"]["lang"]}
    assert "iran" in {v["value"] for v in body["facets"]["actor"]}


def test_danish_query_finds_german_articles_about_russia(backend_server):
    body = backend_server.client.get("/search", params={"q": "Rusland", "lang": "de", "size": 50}).json()
    assert body["total"] >= 5
    assert all(h["lang"] == "de" for h in body["hits"])
    assert all("russia" in {a["id"] for a in h["actors"]} for h in body["hits"])


@pytest.mark.parametrize(
    "params",
    [
        {"lang": ["da"], "actor": ["russia"]},
        {"lang": ["de", "en"], "from": "2023-01", "to": "2024-12"},
        {"actor": ["ukraine", "united-states"], "interval": "year"},
        {"lang": ["da"], "actor": ["russia"], "from": "2022-11-14", "to": "2024-06-19", "interval": "day"},
    ],
)
def test_facets_over_http_match_the_documents(server, fixture_docs, params):
    body = server.client.get("/search", params={**params, "facet_size": 100}).json()
    total, langs, actors, dates = expected_facets(
        fixture_docs, lang=params.get("lang", ()), actor=params.get("actor", ()), date_from=params.get("from"),
        date_to=params.get("to"), interval=params.get("interval", "month"),
    )
    assert body["total"] == total
    assert facet_counts(body["facets"]["lang"]) == langs
    assert facet_counts(body["facets"]["actor"]) == actors
    assert facet_counts(body["facets"]["date"]) == dates


def test_malformed_requests_over_http_get_the_error_shape(server):
    for url, status in [("/search?size=0", 422), ("/search?page=-1", 422), ("/search?sort=x", 422),
                        ("/search?from=2022-02-30", 422), ("/documents/none", 404), ("/nope", 404)]:
        response = server.client.get(url)
        assert response.status_code == status
        assert set(response.json()["error"]) == {"status", "code", "message", "field"}
    for q in ['"Putin', "(Iran", "Iran - Rusland"]:
        assert server.client.get("/search", params={"q": q}).status_code == 200
    for q in ["(Iran OR", "OR", "NOT NOT", ")("]:
        assert server.client.get("/search", params={"q": q}).json()["error"]["code"] == "invalid_query"


@pytest.mark.parametrize(
    "target",
    ["/documents/../../../etc/passwd", "/documents/da/../../../../etc/passwd", "/documents/..%2F..%2Fetc%2Fpasswd",
     "/documents/%2e%2e/%2e%2e/etc/passwd", "/documents/da/x%00", "/documents/%00/../pyproject.toml"],
)
def test_document_ids_cannot_reach_outside_the_index(server, target):
    """Sent byte for byte as written (a client would normalise the dots away)."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as conn:
        conn.sendall(f"GET {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".encode())
        raw = b""
        while chunk := conn.recv(65536):
            raw += chunk
    head, _, body = raw.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 404"), head
    error = json.loads(body)["error"]
    assert error["code"] == "not_found" and b"root:" not in body and b"[project]" not in body


def test_document_actors_stats_and_health(server, fixture_docs):
    doc = server.client.get("/documents/de/blatt-x/2024-06-19-pjoengjang", params={"include": "removed"}).json()
    assert {"kim-jong-un", "north-korea", "russia"} <= {a["id"] for a in doc["actors"]}
    assert "comments" in {r["reason"] for r in doc["removed"]}
    actors = server.client.get("/actors", params={"q": "Selensk"}).json()["actors"]
    assert actors[0]["id"] == "volodymyr-zelensky"
    assert server.client.get("/stats").json()["documents"] == len(fixture_docs)
    assert server.client.get("/health").json()["status"] == "ok"


def test_server_serves_a_rebuilt_index_without_restart(tmp_path):
    corpus, index_dir = tmp_path / "corpus", tmp_path / "index"
    (corpus / "a").mkdir(parents=True)
    (corpus / "a" / "one.txt").write_text("Rusland sender flere soldater til fronten i Ukraine, oplyser Kreml.", encoding="utf-8")
    build(corpus, index_dir)
    srv = Server(index_dir)
    try:
        before = srv.client.get("/health").json()
        (corpus / "a" / "two.txt").write_text("Iran leverer droner til Rusland, siger amerikanske kilder.", encoding="utf-8")
        build(corpus, index_dir)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            after = srv.client.get("/health").json()
            if after["generation"] != before["generation"]:
                break
            time.sleep(0.1)
        assert after["documents"] == 2 and after["generation"] != before["generation"]
        assert srv.client.get("/search", params={"q": "droner"}).json()["total"] == 1
    finally:
        srv.stop()


def test_no_request_fails_while_rebuilds_switch_generations(tmp_path):
    """At least 2,000 requests while two rebuilds, each a real `newsfacet-index` process that
    changes the corpus's contents, switch the running server's generation."""
    corpus, index_dir = tmp_path / "corpus", tmp_path / "index"
    for i in range(40):
        path = corpus / f"d{i % 4}" / f"{i}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"Rusland og Iran indgår aftale nummer {i} om droner og missiler, oplyser Kreml.", encoding="utf-8")
    build(corpus, index_dir)
    srv = Server(index_dir, NEWSFACET_RATE_LIMIT="0")  # one client making thousands of requests
    failures, answered, windows, stop = [], [0], [], threading.Event()

    def hammer():
        with httpx.Client(base_url=srv.url, timeout=10) as client:
            while not stop.is_set():
                for params in ({"q": "droner"}, {"actor": "iran", "lang": "da"}, {"q": "Rusland OR Iran", "sort": "newest"}):
                    try:
                        response = client.get("/search", params=params)
                    except httpx.HTTPError as exc:
                        failures.append(repr(exc))
                        continue
                    answered[0] += 1
                    if response.status_code != 200:
                        failures.append((response.status_code, response.text[:200]))

    workers = [threading.Thread(target=hammer) for _ in range(2)]
    try:
        for w in workers:
            w.start()
        seen = [srv.client.get("/health").json()["generation"]]
        for n in range(2):  # each switch inside a window of at least 1,000 requests
            start, deadline = answered[0], time.monotonic() + 120
            (corpus / "new").mkdir(exist_ok=True)
            (corpus / "new" / f"{n}.txt").write_text(f"Nordkorea sender flere soldater til Rusland, runde {n}, siger Seoul.", encoding="utf-8")
            run = subprocess.run(cli.command(corpus, index_dir), cwd=REPO, capture_output=True, text=True, timeout=120)
            assert run.returncode == 0, run.stderr
            seen.append(json.loads(run.stdout)["generation"])
            while answered[0] - start < 1000 and time.monotonic() < deadline:
                time.sleep(0.05)
            windows.append(answered[0] - start)
    finally:
        stop.set()
        for w in workers:
            w.join()
    try:
        deadline = time.monotonic() + 2  # the server looks for a new generation every second
        while (health := srv.client.get("/health").json())["generation"] != seen[-1] and time.monotonic() < deadline:
            time.sleep(0.05)
        total = srv.client.get("/search", params={"q": "Nordkorea"}).json()["total"]
    finally:
        srv.stop()
    assert len(set(seen)) == 3 and health["generation"] == seen[-1] and health["documents"] == 42 and total == 2
    assert min(windows) >= 1000 and failures == [], (windows, failures[:3])


def test_a_word_finds_the_compounds_it_is_part_of_after_the_word_itself(backend_server):
    def hits(q: str) -> list[dict]:
        return backend_server.client.get("/search", params={"q": q, "size": 50, "collapse": "false"}).json()["hits"]

    droner = hits("droner")
    ids = [h["id"] for h in droner]
    compound_only = "dk/radio-lyngby/2025-04-13-usa-iran-samtaler-oman"  # only `kamikazedroner`
    assert compound_only in ids and ids.index(compound_only) > 0
    assert "<mark>kamikazedroner</mark>" in droner[ids.index(compound_only)]["snippet"]
    partnerschaft = [h["id"] for h in hits("Partnerschaft")]
    assert "de/elbkurier/2024-02-12-rheinmetall-munitionswerk-unterluess" in partnerschaft  # Verteidigungspartnerschaft
    assert partnerschaft[0] in {"de/elbkurier/2024-10-18-nordkorea-soldaten-russland", "de/ostseeblick/2024-10-18-seoul-nordkoreanische-soldaten", "de/hafenblick/2024-06-19-putin-pjoengjang"}


@pytest.mark.parametrize(("typed", "meant"), [("Pezeshkain", "Pezeshkian"), ("Nordkorae", "Nordkorea")])
def test_a_misspelt_query_gets_a_suggestion_with_its_hit_count(backend_server, typed, meant):
    body = backend_server.client.get("/search", params={"q": typed}).json()
    assert body["total"] == 0 and body["suggestion"]["q"] == meant
    corrected = backend_server.client.get("/search", params={"q": meant}).json()
    assert body["suggestion"]["total"] == corrected["total"] > 0


def test_copies_of_a_story_collapse_and_the_document_lists_them(backend_server):
    group = {
        "de/elbkurier/2024-10-18-nordkorea-soldaten-russland", "de/ostseeblick/2024-10-18-seoul-nordkoreanische-soldaten",
        "ch/basler-rundschau/pjoengjang-spezialkraefte-russland",
    }
    collapsed = backend_server.client.get("/search", params={"q": "nordkoreanische Soldaten Russland", "size": 50}).json()
    shown = [h for h in collapsed["hits"] if h["id"] in group]
    assert len(shown) == 1 and shown[0]["duplicates"] == 2 and collapsed["collapsed"] >= 2
    every = backend_server.client.get("/search", params={"q": "nordkoreanische Soldaten Russland", "size": 50, "collapse": "false"}).json()
    assert group <= {h["id"] for h in every["hits"]} and every["collapsed"] == 0
    doc = backend_server.client.get(f"/documents/{shown[0]['id']}").json()
    assert {d["id"] for d in doc["duplicates"]} == group - {shown[0]["id"]}


def test_related_articles_are_like_it_in_any_language_and_never_its_copies(backend_server):
    doc_id = "de/elbkurier/2024-10-18-nordkorea-soldaten-russland"
    related = backend_server.client.get(f"/documents/{doc_id}/related").json()["related"]
    ids = {h["id"] for h in related}
    assert related and doc_id not in ids
    assert not ids & {"de/ostseeblick/2024-10-18-seoul-nordkoreanische-soldaten", "ch/basler-rundschau/pjoengjang-spezialkraefte-russland"}
    assert "dk/fjordbyens-avis/nordkoreanske-soldater-kursk" in ids  # the story as a Danish paper told it
    assert backend_server.client.get("/documents/no/such/doc/related").status_code == 404


def distinct_queries(n: int) -> list[str]:
    """`n` different queries: the sample corpus's words, alone and then in pairs."""
    words = sorted({w.lower() for path in SAMPLE_CORPUS.rglob("*.txt") for w in re.findall(r"[^\W\d_]{4,}", path.read_text(encoding="utf-8"))})
    pairs = (f"{a} {b}" for a, b in zip(words, reversed(words)))
    return list(itertools.islice(itertools.chain(words, pairs), n))


def test_default_settings_answer_eight_busy_clients_on_one_address_with_no_refusal(sample_server):
    """8 clients x 500 distinct queries from 127.0.0.1 (as behind a proxy, or one newsroom): the rate
    limit is off by default, so every answer is a 200."""
    queries = distinct_queries(8 * 500)
    assert len(set(queries)) == 4000
    statuses: list[list[int]] = [[] for _ in range(8)]

    def client(n: int) -> None:
        with httpx.Client(base_url=sample_server.url, timeout=30) as http:
            statuses[n] += [http.get("/search", params={"q": q}).status_code for q in queries[n::8]]

    threads = [threading.Thread(target=client, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Counter(itertools.chain(*statuses)) == Counter({200: 4000})


def test_the_rate_limit_counts_a_client_once_whichever_worker_answers(fixture_index):
    """Two worker processes, a limit of 10 a minute: 30 requests, each on a new connection so that
    both workers answer some, get 10 answers and 20 refusals (each worker counting alone would let
    up to 20 through)."""
    server = Server(fixture_index, NEWSFACET_WORKERS="2", NEWSFACET_RATE_LIMIT="10", NEWSFACET_TRUSTED_PROXIES="127.0.0.1")
    reader = {"X-Forwarded-For": "198.51.100.77"}  # a reader of its own, whose budget the server's start-up check did not touch
    try:
        statuses = Counter(httpx.get(f"{server.url}/search", params={"q": "Iran"}, headers=reader).status_code for _ in range(30))
        assert statuses == Counter({200: 10, 429: 20})
    finally:
        server.stop()


def test_a_reindex_started_through_one_worker_is_refused_by_every_worker_while_it_runs(tmp_path):
    index_dir = tmp_path / "index"
    build(FIXTURE_CORPUS, index_dir)
    token = "e2e-admin-token"
    server = Server(index_dir, NEWSFACET_WORKERS="2", NEWSFACET_ADMIN_TOKEN=token, NEWSFACET_CORPUS_DIR=str(FIXTURE_CORPUS))
    auth = {"Authorization": f"Bearer {token}"}
    try:
        started = httpx.post(f"{server.url}/admin/reindex", headers=auth, json={"full": True})
        assert started.status_code == 202
        job = started.json()["job"]
        # new connections, so that both workers answer: each sees the job and refuses another
        again = [httpx.post(f"{server.url}/admin/reindex", headers=auth) for _ in range(8)]
        assert {r.status_code for r in again} == {409} and all(job in r.json()["error"]["message"] for r in again)
        deadline = time.monotonic() + 120
        while (status := httpx.get(f"{server.url}/admin/reindex/{job}", headers=auth).json()["status"]) == "running":
            assert time.monotonic() < deadline
            time.sleep(0.2)
        assert status == "succeeded"
        assert {httpx.get(f"{server.url}/admin/reindex/{job}", headers=auth).json()["status"] for _ in range(6)} == {"succeeded"}
    finally:
        server.stop()
