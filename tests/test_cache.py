"""The cache of derived word data: read back when nothing it comes from changed, derived again otherwise."""

from index import cache


def test_a_value_is_derived_once_and_read_back(tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSFACET_CACHE_DIR", str(tmp_path / "cache"))
    module = tmp_path / "module.py"
    module.write_text("VERSION = 1\n")
    calls = []

    def make():
        calls.append(1)
        return {"words": frozenset({"droner", "Drohnen"})}

    assert cache.cached("words", str(module), make) == {"words": frozenset({"droner", "Drohnen"})}
    assert cache.cached("words", str(module), make) == {"words": frozenset({"droner", "Drohnen"})}
    assert len(calls) == 1
    module.write_text("VERSION = 2\n")  # other code: derived again
    cache.cached("words", str(module), make)
    assert len(calls) == 2
    real = cache.importlib.metadata.version
    monkeypatch.setattr(cache.importlib.metadata, "version", lambda name: "99" if name == "wordfreq" else real(name))
    cache.cached("words", str(module), make)  # another wordfreq: derived again
    assert len(calls) == 3


def test_a_torn_file_is_derived_again(tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSFACET_CACHE_DIR", str(tmp_path))
    module = tmp_path / "module.py"
    module.write_text("")
    cache.cached("words", str(module), lambda: [1, 2, 3])
    (kept,) = tmp_path.glob("words-*.pickle")
    kept.write_bytes(kept.read_bytes()[:5])
    assert cache.cached("words", str(module), lambda: [4]) == [4]


def test_a_folder_that_cannot_be_written_only_costs_time(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("NEWSFACET_CACHE_DIR", str(blocker / "cache"))
    assert cache.cached("words", __file__, lambda: "derived") == "derived"
