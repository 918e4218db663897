import json

from index.documents import RawDocument, Skipped
from index.sources import decode, document_id, looks_binary, read_corpus, split_metadata


def items(corpus):
    return {(i.id if isinstance(i, RawDocument) else i.source): i for i in read_corpus(corpus)}


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
    reasons = {k: v.reason for k, v in found.items() if isinstance(v, Skipped)}
    assert reasons == {
        "empty.txt": "empty",
        "image.txt": "binary",
        "notes.md": "unsupported_type",
        "feed.jsonl:3": "missing_id",
        "feed.jsonl:4": "empty",
        "feed.jsonl:5": "invalid_json",
        "feed.jsonl:6": "invalid_json",
    }
    assert ".hidden" not in " ".join(found)


def test_unreadable_file_is_skipped_not_fatal(tmp_path):
    (tmp_path / "ok.txt").write_text("Tekst.", encoding="utf-8")
    (tmp_path / "gone.txt").symlink_to(tmp_path / "missing-target.txt")
    found = items(tmp_path)
    assert isinstance(found["ok"], RawDocument)
    assert found["gone.txt"].reason == "unreadable"


def test_document_id_is_relative_path_without_suffix(tmp_path):
    assert document_id(tmp_path, tmp_path / "dk" / "bt" / "2022-11-12.txt") == "dk/bt/2022-11-12"
