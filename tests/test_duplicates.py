"""Near-duplicate articles: found at build time, collapsed in results, listed by the document."""

import shutil
import subprocess
import sys

import numpy as np
import pytest
from conftest import FIXTURE_CORPUS, REPO

from index.build import build
from index.duplicates import MAX_BUCKET, groups, signature
from search import SearchRequest, SearchService

STORY = [
    "Det danske forsvar har onsdag sendt en fregat til Østersøen for at holde øje med russiske skibe nær de undersøiske kabler.",
    "Ifølge Forsvarskommandoen skal fregatten patruljere i farvandet syd for Bornholm de kommende tre uger sammen med tyske og svenske skibe.",
    "Baggrunden er en række skader på datakabler og gasrør, som myndighederne i flere lande undersøger som mulig sabotage.",
    "Forsvarsministeren siger, at Danmark ikke vil acceptere, at kritisk infrastruktur bliver et mål, og at overvågningen kan blive forlænget.",
    "Rusland afviser at have noget med skaderne at gøre og kalder beskyldningerne for et led i en vestlig propagandakampagne mod Moskva.",
]
OTHER = [
    "Regeringen har fremlagt et forslag om at hæve forsvarsbudgettet med ti milliarder kroner over de næste fem år.",
    "Pengene skal især gå til luftforsvar, ammunition og flere soldater i de jyske kaserner, oplyser Finansministeriet.",
    "Oppositionen kalder forslaget for sent og for lille, mens to støttepartier kræver, at udgifterne finansieres uden nye skatter.",
    "Forhandlingerne om den endelige aftale ventes at begynde i næste uge og afsluttet inden sommerferien, siger ministeren.",
]


def _edited(paragraphs: list[str]) -> list[str]:
    """Another site's copy: a paragraph dropped, a sentence reworded, one added."""
    copy = paragraphs[:3] + paragraphs[4:]
    copy[1] = copy[1].replace("de kommende tre uger", "i mindst tre uger")
    return copy + ["Nato har også øget sin tilstedeværelse i området med fly og droner."]


def test_an_edited_copy_is_grouped_and_another_article_on_the_topic_is_not():
    texts = {"a": STORY, "b": _edited(STORY), "c": OTHER, "d": STORY[3:] + OTHER[:2]}
    ids = sorted(texts)
    sigs = np.stack([signature("\n".join(texts[i])) for i in ids])
    assert groups(ids, sigs) == [["a", "b"]]


def test_groups_are_transitive_and_large_buckets_still_group():
    ids = [f"copy-{n:03d}" for n in range(MAX_BUCKET + 20)]
    sigs = np.stack([signature("\n".join(STORY) + f" Opdatering nummer {n}.") for n in range(len(ids))])
    assert groups(ids, sigs) == [ids]


def test_signatures_are_the_same_in_another_process():
    """They are kept with the index and compared across builds: no per-process hash seed."""
    code = "from index.duplicates import signature; print(list(signature('to be or not to be that is the question')))"
    other = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True).stdout
    assert other.strip() == str(list(signature("to be or not to be that is the question")))


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    root = tmp_path_factory.mktemp("duplicates")
    corpus, index_dir = root / "corpus", root / "index"
    shutil.copytree(FIXTURE_CORPUS, corpus)
    (corpus / "da/oestersoe-a.txt").write_text("date 2024-05-02\n" + "\n\n".join(STORY), encoding="utf-8")
    (corpus / "da/oestersoe-b.txt").write_text("date 2024-05-03\n" + "\n\n".join(_edited(STORY)), encoding="utf-8")
    (corpus / "da/forsvarsbudget.txt").write_text("date 2024-05-04\n" + "\n\n".join(OTHER), encoding="utf-8")
    report = build(corpus, index_dir)
    assert report.near_duplicates >= 2
    svc = SearchService(index_dir)
    yield svc
    svc.close()


def test_copies_collapse_into_the_best_hit_unless_asked_not_to(service):
    collapsed = service.search(SearchRequest(q="fregat Østersøen"))
    assert collapsed["total"] == 2 and collapsed["collapsed"] == 1
    assert [h["duplicates"] for h in collapsed["hits"]] == [1]
    every = service.search(SearchRequest(q="fregat Østersøen", collapse=False))
    assert every["collapsed"] == 0 and {h["id"] for h in every["hits"]} == {"da/oestersoe-a", "da/oestersoe-b"}
    newest = service.search(SearchRequest(q="fregat", sort="newest"))
    assert [h["id"] for h in newest["hits"]] == ["da/oestersoe-b"]  # the newest copy stands for the story


def test_the_document_lists_its_copies_and_related_leaves_them_out(service):
    assert [c["id"] for c in service.document("da/oestersoe-a")["duplicates"]] == ["da/oestersoe-b"]
    assert service.document("da/forsvarsbudget")["duplicates"] == []
    related = [h["id"] for h in service.related("da/oestersoe-a", size=20)]
    assert related and "da/oestersoe-a" not in related and "da/oestersoe-b" not in related
