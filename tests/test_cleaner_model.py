"""The learned line classifier: its file reproduced from its data, label files checked, a user's own
pages trained on, its features and filters against plain definitions, glued text cut at the seam,
rule files and thresholds checked, a user's rules folder and model file used by a build."""

from __future__ import annotations

import html
import json
import math
import random
import os
import re
import subprocess
import sys
import unicodedata

import numpy as np
import pytest
from conftest import REPO, needs_shared
from hypothesis import given, settings
from hypothesis import strategies as st

from index.build import build
from index.cli import main
from index.clean import RULES, clean, glued, model_for, rule_stages
from index.clean import training as fitting
from index.clean.dedupe import _LongLines
from index.clean.features import BITS, CHAR_NGRAM_WORDS, shared_share, text_features
from index.clean.model import MODEL_FILE, ModelError, load
from index.clean.rules import RulesError, content_key, load_rules
from index.clean import text as text_module
from index.clean.text import Page
from index.clean.thresholds import T, load as load_thresholds
from index.documents import RawDocument
from index.repeated import NO_REPEATED_LINES

ARTICLE = [
    "Die Regierung in Kopenhagen hat am Dienstag ein weiteres Hilfspaket für die Ukraine beschlossen, das vor allem Munition umfasst.",
    "Nach Angaben des Verteidigungsministeriums sollen die ersten Lieferungen noch vor dem Winter an der Front ankommen.",
    "Kritiker im Parlament bemängeln, dass die eigenen Bestände der Streitkräfte dadurch weiter schrumpfen.",
]

# rows of items that name two kinds of boilerplate as often, and the kind each is removed as (the one
# named first)
SEGMENT_ROWS = {"Synes godt om  Kommentarer  Del": "comments", "Ritzau · 3. marts 2024 kl. 08.15": "agency_byline"}


def write_set(folder, pages: dict[str, tuple[list[str], list[dict]]]) -> None:
    """A labelled set in the JSON format: {id: (page lines, label entries)}."""
    (folder / "pages").mkdir(parents=True)
    (folder / "labels").mkdir()
    for page_id, (lines, entries) in pages.items():
        (folder / "pages" / f"{page_id}.txt").write_text("\n".join(lines), encoding="utf-8")
        label = {"id": page_id, "site": f"{page_id}.example", "lang": "de", "lines": entries}
        (folder / "labels" / f"{page_id}.json").write_text(json.dumps(label), encoding="utf-8")


def own_pages(folder) -> None:
    """Two pages of a site of our own: chrome around three article lines, every line labelled."""
    pages = {}
    for n in range(2):
        lines = ["Startseite  Politik  Wirtschaft", "Jetzt Probeabo sichern", *ARTICLE, "Teilen auf Mastodon", f"Seite {n + 1} von 2"]
        entries = [{"n": i, "label": "drop" if i in (0, 1, 5, 6) else "keep", "text": line[:20]} for i, line in enumerate(lines)]
        pages[f"site-{n}"] = (lines, entries)
    write_set(folder, pages)


@needs_shared
def test_the_shipped_model_is_reproduced_exactly_from_its_data(tmp_path):
    model = fitting.train()
    model.save(tmp_path / "model.json.gz")
    assert (tmp_path / "model.json.gz").read_bytes() == MODEL_FILE.read_bytes()


def test_a_user_trains_on_pages_of_their_own_and_builds_with_that_model(tmp_path):
    own_pages(tmp_path / "mine")
    model = fitting.train([tmp_path / "mine"])
    assert model.meta["sets"]["mine"] == 2
    path = tmp_path / "model.json.gz"
    model.save(path)
    assert load(path).threshold == model.threshold
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("\n".join(["Jetzt Probeabo sichern", *ARTICLE]), encoding="utf-8")
    report = build(corpus, tmp_path / "index", cleaner_model=str(path))
    assert report.documents == 1


@pytest.mark.parametrize(
    "entry, message",
    [
        ({"n": 40, "label": "keep"}, "line 40 is past the end of p.txt (3 lines)"),
        ({"n": 1, "label": "junk"}, "unknown label 'junk'"),
        ({"n": 1, "label": "mixed"}, "a `mixed` line needs `drop`"),
        ({"n": -1, "label": "keep"}, "`n` must be a line number"),
        ({"n": 1, "label": "keep", "text": "Etwas ganz anderes"}, "does not start with the label's text"),
    ],
)
def test_a_label_file_with_a_mistake_stops_training_naming_the_file_and_the_entry(tmp_path, entry, message):
    write_set(tmp_path / "set", {"p": (["Oben", ARTICLE[0], "Unten"], [{"n": 0, "label": "drop"}, entry])})
    with pytest.raises(fitting.LabelError) as raised:
        fitting.read_json_set(tmp_path / "set")
    assert str(tmp_path / "set" / "labels" / "p.json") in str(raised.value)
    assert "lines[1]" in str(raised.value) and message in str(raised.value)


def test_the_training_script_reports_a_label_mistake_and_exits(tmp_path):
    import subprocess
    import sys

    write_set(tmp_path / "set", {"p": (["Oben", ARTICLE[0]], [{"n": 9, "label": "keep"}])})
    run = subprocess.run([sys.executable, "scripts/train_cleaner.py", "--with", str(tmp_path / "set"), "--out", str(tmp_path / "m.gz")],
                         cwd=REPO, capture_output=True, text=True, timeout=300)
    assert run.returncode == 2 and "line 9 is past the end of p.txt" in run.stderr and not (tmp_path / "m.gz").exists()


def test_a_broken_model_file_is_a_clear_error(tmp_path):
    path = tmp_path / "model.json.gz"
    path.write_bytes(b"not a model")
    with pytest.raises(ModelError, match=str(path)):
        load(path)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("\n".join(ARTICLE), encoding="utf-8")
    assert main(["--corpus", str(corpus), "--index", str(tmp_path / "index"), "--cleaner-model", str(path), "--quiet"]) != 0


def test_rules_alone_on_request():
    assert model_for(RULES) is False
    doc = clean(RawDocument(id="t", text="\n".join(["Jetzt Probeabo sichern", *ARTICLE]), source_path="t.txt"), model=model_for(RULES))
    assert doc.paragraphs[-3:] == ARTICLE


# -- what the model sees ----------------------------------------------------------------------
def features_of(*lines: str):
    page = Page(RawDocument(id="t", text="\n".join(lines), source_path="t.txt"), load_rules())
    return page, text_features([line.text for line in page.lines])


def buckets_of(features, line: int) -> list[int]:
    return sorted(features.buckets[features.rows == line].tolist())


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet="abcæøäöß ,.!AB12»«_", min_size=1, max_size=40).filter(str.strip), min_size=1, max_size=5))
def test_a_lines_text_features_are_its_words_pairs_ends_and_letters_whatever_the_page_around_it(lines):
    page, alone = features_of(lines[0])
    text = page.lines[0].text
    _, among = features_of("Ein ganz anderer Absatz steht davor.", *lines)
    assert buckets_of(alone, 0) == buckets_of(among, 1) and all(0 <= b < 2**BITS for b in among.buckets.tolist())
    # one feature a word, a pair of neighbouring words, the first and the last word, and for a short
    # line each 3-, 4- and 5-gram of its characters with a line break on either side
    words = len(re.findall(r"\w+", text))
    padded = len(text) + 2
    grams = sum(max(padded - size + 1, 0) for size in (3, 4, 5)) if words <= CHAR_NGRAM_WORDS else 0
    assert len(buckets_of(alone, 0)) == words + max(words - 1, 0) + (2 if words else 0) + grams


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sets(st.sampled_from([f"w{i}" for i in range(14)]), min_size=T.near_duplicate_min_words, max_size=12), min_size=2, max_size=12))
def test_near_duplicate_paragraphs_are_found_as_a_comparison_with_every_earlier_one_finds_them(sets):
    index = _LongLines()
    for position, words in enumerate(map(frozenset, sets)):
        prefix = index.prefix(words)
        found = index.near_duplicate(words, prefix)
        earlier = [p for p, other in enumerate(map(frozenset, sets[:position])) if len(words & other) >= T.near_duplicate_jaccard * len(words | other)]
        assert found == (max(earlier) if earlier else None)
        index.add(position, words, prefix)



@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40))
def test_a_lines_content_key_is_its_words_case_folded_whatever_characters_it_holds(text):
    # the definition: every character below U+3000 that is no word character is a space
    spaced = "".join(" " if ord(c) < 0x3000 and not (c.isalnum() or c == "_") else c for c in text.casefold())
    assert content_key(text) == " ".join(spaced.split())



@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list("ab é\n\r\t\u00a0\u00ad\u200b\u2003\u3000\x01\x7f") + ["   ", "&nbsp;", "&amp;", "&#1;", "&shy;"]), max_size=40).map("".join))
def test_normalising_with_the_fast_path_equals_running_every_pattern(text):
    # the fast path for printable text (text._plain) must change nothing: the patterns, always run
    expected = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    expected = html.unescape(text_module._CONTROL.sub("", expected))
    expected = text_module._spaced(text_module._INVISIBLE.sub("", expected))
    assert Page(RawDocument(id="t", text="x", source_path="t.txt"), load_rules()).normalise(text) == expected

def test_what_a_line_is_removed_as_does_not_depend_on_the_interpreters_hash_seed():
    # items of a row that name different kinds: the reason is the same in every process
    script = (
        "from index.clean import clean\n"
        "from index.documents import RawDocument\n"
        f"text = {chr(10).join([*SEGMENT_ROWS, *ARTICLE])!r}\n"
        "print([(r.text, r.reason) for r in clean(RawDocument(id='t', text=text, source_path='t.txt')).removed])\n"
    )
    outputs = {
        subprocess.run([sys.executable, "-c", script], cwd=REPO, env={**os.environ, "PYTHONHASHSEED": str(seed)},
                       capture_output=True, text=True, check=True).stdout
        for seed in range(4)
    }
    assert len(outputs) == 1
    assert all(repr((row, kind)) in next(iter(outputs)) for row, kind in SEGMENT_ROWS.items())


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sets(st.integers(0, 9), max_size=6), min_size=1, max_size=8), st.data())
def test_the_share_of_a_lines_words_another_chosen_line_has_is_counted_as_by_hand(lines, data):
    among = np.array(data.draw(st.lists(st.booleans(), min_size=len(lines), max_size=len(lines))))
    pairs = sorted((i, w) for i, words in enumerate(lines) for w in words)
    found = shared_share(np.array([i for i, _ in pairs], dtype=np.int64), np.array([w for _, w in pairs], dtype=np.int64), among, len(lines))
    for i, words in enumerate(lines):
        others = set().union(*(lines[j] for j in range(len(lines)) if j != i and among[j]))
        assert found[i] == (len(words & others) / len(words) if words else -1.0)

# -- glued text -------------------------------------------------------------------------------
def test_boilerplate_glued_onto_a_line_is_cut_at_the_seam_and_words_of_a_language_are_no_seam():
    assert glued.candidates("PlusDie Regierung hat ein neues Paket beschlossen") == [("Plus", "Die Regierung hat ein neues Paket beschlossen", glued.SEAM_PROBABILITY)]
    assert glued.candidates("Wer zahlt für den Wiederaufbau?nyheder-eksempel.dk") == [("nyheder-eksempel.dk", "Wer zahlt für den Wiederaufbau?", 0.0)]
    assert glued.candidates("Das YouTube-Video zeigt Soldaten an der Grenze") == []
    assert glued.candidates("Die LinkedIn-Seite des Ministers wurde gelöscht") == []
    doc = clean(RawDocument(id="t", text="\n".join(["Dänemark schickt mehr Munition in die Ukraine?nyheder-eksempel.dk", *ARTICLE]), source_path="t.txt"))
    assert doc.title == "Dänemark schickt mehr Munition in die Ukraine?" and doc.paragraphs == ARTICLE
    assert [(r.text, r.reason) for r in doc.removed] == [("nyheder-eksempel.dk", "glued")]


# -- rules and thresholds as data ----------------------------------------------------------------
def test_a_rule_file_with_an_unknown_key_or_table_is_refused_naming_the_file(tmp_path):
    (tmp_path / "mine.toml").write_text('[paywall]\npaterns = ["^nur für abonnenten"]\n', encoding="utf-8")
    with pytest.raises(RulesError, match=r"mine\.toml: \[paywall\]: unknown key `paterns`"):
        load_rules(tmp_path)
    (tmp_path / "mine.toml").write_text('[sites]\nsuffixes = "plus"\n', encoding="utf-8")
    with pytest.raises(RulesError, match="must be a list"):
        load_rules(tmp_path)
    (tmp_path / "mine.toml").write_text('[paywall]\npatterns = ["(unclosed"]\n', encoding="utf-8")
    with pytest.raises(RulesError, match="invalid pattern"):
        load_rules(tmp_path)


def test_a_users_rules_folder_adds_a_kind_that_removes_its_lines(tmp_path):
    (tmp_path / "mine.toml").write_text('[house_ad]\ndescription = "our own ads"\nlines = ["Besuchen Sie unseren Hofladen"]\n', encoding="utf-8")
    rules = load_rules(tmp_path)
    page = rule_stages(RawDocument(id="t", text="\n".join([ARTICLE[0], "Besuchen Sie unseren Hofladen", *ARTICLE[1:]]), source_path="t.txt"), rules, NO_REPEATED_LINES)
    assert [line.reason for line in page.lines] == [None, "house_ad", None, None]


def test_thresholds_must_all_be_there_and_nothing_else(tmp_path):
    path = tmp_path / "thresholds.toml"
    path.write_text("[lines]\ntrailing_chars = 160\n", encoding="utf-8")
    with pytest.raises(ValueError, match="missing"):
        load_thresholds(path)
    names = (REPO / "index" / "clean" / "thresholds.toml").read_text(encoding="utf-8")
    path.write_text(names + "\n[extra]\nshiny = 3\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown thresholds \\['shiny'\\]"):
        load_thresholds(path)
    assert math.isclose(load_thresholds(REPO / "index" / "clean" / "thresholds.toml").near_duplicate_jaccard, T.near_duplicate_jaccard)


def test_the_model_keeps_an_articles_lines_when_its_chrome_is_shuffled():
    """The same article with its chrome lines in a different order keeps every article line."""
    chrome = ["Startseite  Politik  Ausland", "Artikel anhören", "Teilen: Facebook · X · E-Mail", "Mehr zum Thema", "Anzeige"]
    rng = random.Random(7)
    for _ in range(5):
        rng.shuffle(chrome)
        doc = clean(RawDocument(id="t", text="\n".join([chrome[0], chrome[1], *ARTICLE, *chrome[2:]]), source_path="t.txt"))
        assert all(doc.text.count(line) == 1 for line in ARTICLE)
