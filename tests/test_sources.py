import json
import os

from index.documents import RawDocument, Skipped
from index.sources import MAX_PAGE_BYTES, decode, document_id, looks_binary, read_corpus, read_file, split_metadata


def items(corpus):
    return {(i.id if isinstance(i, RawDocument) else i.source): i for i in read_corpus(corpus)}


def skip_reasons(found):
    return {k: v.reason for k, v in found.items() if isinstance(v, Skipped)}


def test_date_header_line_keeps_the_rest_of_the_line_as_text():
    meta, body, warnings = split_metadata(" date 2022-11 Lyt til artiklen\n\nFørste afsnit.")
    assert meta == {"date": "2022-11"}
    assert body.splitlines()[0] == "Lyt til artiklen"
    assert warnings == []


def test_front_matter_is_read_and_unknown_keys_warned():
    text = "---\ntitle: En titel\ndate: 2024-05\nurl: https://example.dk/a\nsource: Avis\nauthor: X\n---\nBrødtekst her."
    meta, body, warnings = split_metadata(text)
    assert meta == {"title": "En titel", "date": "2024-05", "url": "https://example.dk/a", "source": "Avis"}
    assert body.strip() == "Brødtekst her."
    assert warnings == ["front matter key 'author' ignored"]


def test_a_dash_line_without_closing_is_text_not_front_matter():
    meta, body, _ = split_metadata("---\nDette er bare en streg og så tekst.\nMere tekst.")
    assert meta == {}
    assert "Mere tekst." in body


def test_decode_falls_back_with_a_warning():
    assert decode("Außenministerin".encode("utf-8")) == ("Außenministerin", [])
    text, warnings = decode("Außenministerin Rüstung".encode("cp1252"))
    assert text == "Außenministerin Rüstung"
    assert warnings == ["not valid UTF-8; decoded as cp1252"]
    text, warnings = decode(b"\x81\x8d abc")  # bytes cp1252 leaves undefined
    assert warnings == ["not valid UTF-8; decoded as latin-1"] and text.endswith("abc")


def test_binary_detection():
    assert looks_binary(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert not looks_binary("Rusland og Iran – »citat«\n".encode())


def test_corpus_reading_reports_every_unusable_file(tmp_path):
    (tmp_path / "dk" / "avis").mkdir(parents=True)
    (tmp_path / "dk" / "avis" / "2022-11-12.txt").write_text("date 2022-11-12 Overskrift her\nTekst.", encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"  \n")
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\x00\x00\x00")
    (tmp_path / "notes.md").write_text("not a corpus file")
    (tmp_path / ".hidden.txt").write_text("ignored")
    records = [
        {"id": "r1", "text": "Tekst et.", "date": "2023-01-02", "lang": "da", "title": "T1"},
        {"id": 7, "html": "<p>Tekst to.</p>"},
        {"text": "no id"},
        {"id": "r3"},
        ["not", "an", "object"],
    ]
    lines = [json.dumps(r) for r in records] + ["{broken json"]
    (tmp_path / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    found = items(tmp_path)
    doc = found["dk/avis/2022-11-12"]
    assert str(doc.date) == "2022-11-12" and doc.text.startswith("Overskrift her")
    assert found["r1"].lang == "da" and found["r1"].title == "T1" and str(found["r1"].date) == "2023-01-02"
    assert found["7"].text == "<p>Tekst to.</p>"
    assert skip_reasons(found) == {
        "empty.txt": "empty",
        "image.txt": "binary",
        "notes.md": "unsupported_type",
        "feed.jsonl:3": "missing_id",
        "feed.jsonl:4": "empty",
        "feed.jsonl:5": "invalid_json",
        "feed.jsonl:6": "invalid_json",
    }
    assert ".hidden" not in " ".join(found)


def test_every_kind_of_bad_file_is_skipped_with_its_reason_and_the_good_ones_are_read(tmp_path):
    good = "date 2024-03-01 Overskrift\n\nRusland og Iran har underskrevet en aftale om droner og missiler."
    (tmp_path / "ok.txt").write_text(good, encoding="utf-8")
    (tmp_path / "legacy.txt").write_bytes("Außenministerin Baerbock reist nach Kiew und trifft Selenskyj.".encode("cp1252"))
    (tmp_path / "bad-utf8.txt").write_bytes("Rusland og Iran mødes i Teheran om atomaftalen.".encode() + b"\xff\xfe")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "image.txt").write_bytes(bytes(range(256)) * 40)
    (tmp_path / "huge.txt").write_bytes(b"Rusland. " * (MAX_PAGE_BYTES // 9 + 10))
    (tmp_path / "gone.txt").symlink_to(tmp_path / "missing-target.txt")
    (tmp_path / "self.txt").symlink_to(tmp_path / "self.txt")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "loop").symlink_to(tmp_path)  # a folder that contains itself
    (tmp_path / "sub" / "linked.txt").symlink_to(tmp_path / "ok.txt")  # a good file through a link
    (tmp_path / "unreadable.txt").symlink_to("/proc/self/mem")  # a file every reader, root too, fails on
    os.mkfifo(tmp_path / "pipe.txt")  # would block a naive reader forever
    found = items(tmp_path)
    assert isinstance(found["ok"], RawDocument) and isinstance(found["sub/linked"], RawDocument)
    assert found["legacy"].text.startswith("Außenministerin") and found["legacy"].warnings == ("not valid UTF-8; decoded as cp1252",)
    assert "Teheran" in found["bad-utf8"].text
    assert skip_reasons(found) == {
        "empty.txt": "empty",
        "image.txt": "binary",
        "huge.txt": "too_large",
        "gone.txt": "broken_symlink",
        "self.txt": "symlink_loop",
        "sub/loop": "symlink_loop",
        "unreadable.txt": "unreadable",
        "pipe.txt": "not_a_file",
    }


def test_a_big_jsonl_file_is_read_record_by_record(tmp_path):
    record = json.dumps({"id": "x", "text": "Rusland. " * 1000})
    with (tmp_path / "big.jsonl").open("w", encoding="utf-8") as fh:
        for n in range(6000):  # some 55 MB
            fh.write(record.replace('"x"', f'"r{n}"') + "\n")
    assert (tmp_path / "big.jsonl").stat().st_size > 50 * 2**20
    ids = [item.id for item in read_corpus(tmp_path) if isinstance(item, RawDocument)]
    assert len(ids) == 6000 and ids[-1] == "r5999"


def test_the_parts_of_a_jsonl_file_hold_each_record_once_and_other_files_are_all_in_part_zero(tmp_path):
    lines = [json.dumps({"id": f"r{n}", "text": "Iran."}) for n in range(10)]
    lines[3:3] = ["", "[1]"]
    (tmp_path / "many.jsonl").write_text("\n".join(lines), encoding="utf-8")
    (tmp_path / "page.txt").write_text("Iran.", encoding="utf-8")
    (tmp_path / "binary.jsonl").write_bytes(b"\x00" * 10)

    def sources(name: str, part: tuple[int, int]) -> list[str]:
        return [item.source_path if isinstance(item, RawDocument) else item.source for item in read_file(tmp_path, tmp_path / name, part)]

    assert sources("many.jsonl", (1, 4)) == ["many.jsonl:2", "many.jsonl:7", "many.jsonl:11"]  # every 4th non-blank line from the 2nd
    parts = [sources("many.jsonl", (k, 4)) for k in range(4)]
    assert sorted(sum(parts, [])) == sorted(sources("many.jsonl", (0, 1))) and len(sources("many.jsonl", (0, 1))) == 11
    assert sources("page.txt", (0, 3)) == ["page.txt"] and sources("page.txt", (1, 3)) == []
    assert sources("binary.jsonl", (0, 2)) == ["binary.jsonl"] and sources("binary.jsonl", (1, 2)) == []


def test_html_pages_give_main_text_title_date_and_url(tmp_path):
    page = """<html><head><title>Putin trifft Kim | Nachrichten</title>
    <meta property="article:published_time" content="2024-06-19T08:00:00Z">
    <link rel="canonical" href="https://example.de/ausland/putin-kim.html"></head>
    <body><nav><a href="/">Startseite</a> <a href="/ausland">Ausland</a></nav>
    <article><h1>Putin trifft Kim in Pjöngjang</h1>
    <p>Der russische Präsident Wladimir Putin ist zu einem Staatsbesuch in Nordkorea eingetroffen, dem ersten seit 24 Jahren.</p>
    <p>Beide Seiten wollen ein Abkommen über eine strategische Partnerschaft unterzeichnen, hieß es aus dem Kreml.</p></article>
    <footer>Impressum · Datenschutz · Cookie-Einstellungen</footer></body></html>"""
    (tmp_path / "ausland").mkdir()
    (tmp_path / "ausland" / "putin-kim.html").write_text(page, encoding="utf-8")
    records = [{"id": "feed-1", "html": page, "source": "Feed"}, {"id": "feed-2", "html": "<p>Kun <b>et</b> afsnit om Rusland.</p>"}]
    (tmp_path / "feed.jsonl").write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    found = items(tmp_path)
    doc = found["ausland/putin-kim"]
    assert doc.title == "Putin trifft Kim in Pjöngjang" and str(doc.date) == "2024-06-19"
    assert doc.url == "https://example.de/ausland/putin-kim.html"
    assert "Staatsbesuch in Nordkorea" in doc.text and "Kreml" in doc.text
    assert "Startseite" not in doc.text and "Impressum" not in doc.text
    assert found["feed-1"].source == "Feed" and "Staatsbesuch" in found["feed-1"].text
    assert found["feed-2"].text == "<p>Kun <b>et</b> afsnit om Rusland.</p>"  # a fragment: the cleaner strips the markup


def test_document_id_is_relative_path_without_suffix(tmp_path):
    assert document_id(tmp_path, tmp_path / "dk" / "bt" / "2022-11-12.txt") == "dk/bt/2022-11-12"
