"""Builds on the OpenSearch test cluster (`make opensearch`): an incremental build sends only what
changed and keeps the near-duplicate groups right across generations, a rollback moves the alias
back, and the index holds the Whoosh analyzers' stems of the Snowball reference vocabularies."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from urllib.parse import quote

import httpx
import pytest
from conftest import EVAL, OPENSEARCH_URL, REPO, SAMPLE_CORPUS, build_for, drop_alias, needs_shared, opensearch_settings

from index.analysis import SnowballStemFilter
from index.opensearch.mapping import TERMS, index_body

pytestmark = pytest.mark.slow

CHANGED = "dk/kanal-nord/2023-06-24-wagner-oproer"
DELETED = "dk/kanal-nord/2023-07-12-nato-topmoede-vilnius"
COPIED = "dk/kanal-nord/2022-09-27-nord-stream-laek"


@pytest.fixture
def cluster(tmp_path):
    alias = f"build-{tmp_path.name.lower().replace('_', '-')[-20:]}"
    env = opensearch_settings(alias)
    corpus = tmp_path / "corpus"
    shutil.copytree(SAMPLE_CORPUS, corpus)
    yield env, alias, corpus, tmp_path / "index"
    drop_alias(alias)


def _get(alias: str, path: str, **params) -> dict:
    return httpx.get(f"{OPENSEARCH_URL.split(',')[0]}/{alias}{path}", params=params, timeout=30).json()


def test_an_incremental_build_sends_only_what_changed_and_keeps_groups_right(cluster):
    env, alias, corpus, index_dir = cluster
    first = build_for(env, corpus, index_dir)
    assert first.mode == "full" and _get(alias, "/_count")["count"] == first.documents
    with open(corpus / f"{CHANGED}.txt", "a", encoding="utf-8") as fh:
        fh.write("\nTilføjet senere: Forsvarsministeren kaldte oprøret et vendepunkt for Ruslands hær.\n")
    (corpus / f"{DELETED}.txt").unlink()
    shutil.copy(corpus / f"{COPIED}.txt", corpus / "dk" / "kanal-nord" / "kopi-af-laekket.txt")  # a new copy of a story
    second = build_for(env, corpus, index_dir)
    assert second.mode == "incremental" and (second.files_new, second.files_changed, second.files_deleted) == (1, 1, 1)
    # the new and the changed file, and those whose lines the copy made repeated: nothing else was read or sent
    assert second.files_read == 2 + second.files_recleaned < 10
    assert _get(alias, "/_count")["count"] == second.documents == first.documents
    changed = _get(alias, f"/_doc/{quote(CHANGED, safe='')}")
    assert "vendepunkt" in changed["_source"]["stored"]["text"]
    assert _get(alias, "/_search", q=f'id:"{DELETED}"')["hits"]["total"]["value"] == 0
    original = _get(alias, "/_search", q=f'id:"{COPIED}"')["hits"]["hits"][0]["_source"]
    copy = _get(alias, "/_search", q='id:"dk/kanal-nord/kopi-af-laekket"')["hits"]["hits"][0]["_source"]
    assert original["duplicate_group"] and original["duplicate_group"] == copy["duplicate_group"] == original["collapse_key"]


def test_rollback_moves_the_alias_to_the_previous_generation(cluster):
    env, alias, corpus, index_dir = cluster
    first = build_for(env, corpus, index_dir)
    second = build_for(env, corpus, index_dir, full=True)

    def live() -> list[str]:
        return sorted(httpx.get(f"{OPENSEARCH_URL.split(',')[0]}/_alias/{alias}", timeout=10).json())

    assert live() == [f"{alias}-{second.generation.lower()}"]
    rolled = subprocess.run(
        [sys.executable, "-m", "index.cli", "--backend", "opensearch", "--index", str(index_dir), "--rollback"],
        cwd=REPO, env=os.environ | env, capture_output=True, text=True, timeout=60,
    )
    assert rolled.returncode == 0, rolled.stderr
    assert f"to generation {first.generation}" in rolled.stdout
    assert live() == [f"{alias}-{first.generation.lower()}"]


@needs_shared
@pytest.mark.parametrize("language", ["danish", "german"])
def test_the_mapping_keeps_every_stem_of_the_snowball_reference_vocabulary(cluster, language):
    """What the Whoosh analyzers make of every reference word is what the OpenSearch index holds:
    the mapping's analyzer, asked through `_analyze` on a real index, keeps each stem as sent."""
    env, alias, _, _ = cluster
    first = OPENSEARCH_URL.split(",")[0]
    folder = EVAL / "snowball" / language
    expected = (folder / "output.txt").read_text(encoding="utf-8").split()
    stems = [SnowballStemFilter(language).stem(w) for w in (folder / "voc.txt").read_text(encoding="utf-8").split()]
    assert stems == expected  # both backends index the reference's stems (tests/test_analysis.py checks the stemmer too)
    index = f"{alias}-g-parity"
    httpx.put(f"{first}/{index}", json=index_body(1, 0), timeout=30).raise_for_status()
    kept = []
    for start in range(0, len(stems), 2000):
        answer = httpx.post(f"{first}/{index}/_analyze", json={"analyzer": TERMS, "text": stems[start : start + 2000]}, timeout=60)
        kept += [t["token"] for t in answer.json()["tokens"]]
    assert kept == stems
