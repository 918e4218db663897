"""The manifest as saved and carried over: records out of its entries and arrays, whatever the
selection and order."""

import numpy as np

from index import manifest
from index.duplicates import HASHES
from index.manifest import DocSummary, FileRecord, Manifest
from index.repeated import LineHashes, LineCounter


def record(n: int, articles: int, segment: str | None = "s1") -> FileRecord:
    lines = [LineHashes(np.arange(n * 10 + a, n * 10 + a + a % 3, dtype=np.int64), np.array([n * 100 + a], dtype=np.int64), n + a) for a in range(articles)]
    docs = [
        DocSummary(f"d{n}-{a}", "de", bool(a % 2), ["ru"] * a, {"nav": a}, where=(segment, n + a) if segment else None, minhash=np.full(HASHES, n + a, np.uint32))
        for a in range(articles)
    ]
    return FileRecord(1000 + n, 10**9 + n, f"{n:064x}", docs, [(f"f{n}", "empty", "")] * (articles == 0), [], lines)


def same(a: FileRecord, b: FileRecord) -> bool:
    def docs(r):
        return [(d.id, d.lang, d.dated, d.actors, d.removed, d.where, d.minhash.tolist()) for d in r.docs]

    def lines(r):
        return [(h.short.tolist(), h.long.tolist(), h.fallback) for h in r.lines]

    return (a.size, a.mtime_ns, a.sha256, docs(a), [tuple(s) for s in a.skipped], lines(a)) == (b.size, b.mtime_ns, b.sha256, docs(b), [tuple(s) for s in b.skipped], lines(b))


def test_records_survive_saving_selecting_in_another_order_and_extending(tmp_path):
    records = {"a": record(1, 3), "b": record(2, 0), "c": record(3, 2, segment=None), "d": record(4, 4, segment="s0")}
    saved = Manifest.empty().extended("fp", frozenset({5, 7}), records)
    manifest.save(tmp_path, saved)
    loaded = manifest.load(tmp_path)
    assert (loaded.fingerprint, loaded.repeated, list(loaded.entries)) == ("fp", frozenset({5, 7}), ["a", "b", "c", "d"])
    assert all(same(loaded.record(rel), r) for rel, r in records.items())
    assert loaded.ids() == [doc.id for r in records.values() for doc in r.docs]

    touched = loaded.entries["a"] | {"mtime_ns": 7}
    picked = loaded.select({"d": loaded.entries["d"], "a": touched, "b": loaded.entries["b"]})  # "c" is gone
    assert picked.record("a").mtime_ns == 7 and same(picked.record("d"), records["d"]) and same(picked.record("b"), records["b"])
    assert picked.signatures()[:, 0].tolist() == [4, 5, 6, 7, 1, 2, 3]

    grown = picked.extended("fp2", frozenset(), {"e": record(5, 2, segment="s2")})
    assert list(grown.entries) == ["d", "a", "b", "e"] and grown.segments == ["s0", "s1", "s2"]
    assert same(grown.record("e"), record(5, 2, segment="s2")) and same(grown.record("d"), records["d"])
    manifest.save(tmp_path, grown)
    again = manifest.load(tmp_path)
    assert all(same(again.record(rel), grown.record(rel)) for rel in grown.entries)


def test_the_line_hashes_count_as_the_articles_added_one_by_one_and_files_are_found_by_a_line():
    records = {f"f{n}": record(n, n % 4 + 1) for n in range(12)}
    saved = Manifest.empty().extended("fp", frozenset(), records)
    one_by_one, at_once = LineCounter(), LineCounter()
    for r in records.values():
        for lines in r.lines:
            one_by_one.add(lines)
    at_once.add_many(*saved.line_hashes())
    assert at_once.documents == one_by_one.documents == sum(len(r.lines) for r in records.values())
    assert at_once.signatures().tolist() == one_by_one.signatures().tolist()
    assert at_once.result() == one_by_one.result()
    # article a of file n has the short lines n * 10 + a onwards, a % 3 of them: 31 is f3's, 51 f5's
    assert saved.holding(np.array([31, 51, 10**6])) == ["f3", "f5"]
    assert saved.holding(np.array([10**6])) == []


def test_a_manifest_whose_arrays_do_not_fit_its_entries_is_not_read(tmp_path):
    records = {"a": record(1, 3), "b": record(2, 2)}
    manifest.save(tmp_path, Manifest.empty().extended("fp", frozenset(), records))
    lines = (tmp_path / manifest.LINES).read_bytes()
    manifest.save(tmp_path, Manifest.empty().extended("fp", frozenset(), {"a": records["a"]}))
    assert manifest.load(tmp_path) is not None
    (tmp_path / manifest.LINES).write_bytes(lines)  # another generation's arrays
    assert manifest.load(tmp_path) is None
    (tmp_path / manifest.CORPUS).write_bytes(b"{")
    assert manifest.load(tmp_path) is None
