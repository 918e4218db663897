import re

import pytest
from conftest import FIXTURE_CORPUS, SAMPLE_CORPUS

from index.clean.rules import load_rules
from index.prefilter import FilteredPattern, required_literals


@pytest.mark.parametrize(
    "pattern, literals",
    [
        (r"\btillad (?:alle|cookies)\b", {"tillad "}),
        (r"(?:foo|barbaz)\s+quxxy", {"quxxy"}),
        (r"(?:foo|barbaz)\s+\d", {"foo", "barbaz"}),
        (r"\b(?:z|f|sz)\+", {"+"}),
        (r"^\d+:\d+$", {":"}),
        (r"^[^\w]*$", None),
        (r"(?-i:Foto|Bild)\s*:", {"foto", "bild"}),
        (r"x?abc", {"abc"}),
        (r"(?:ab)*cd", {"cd"}),
    ],
)
def test_required_literals(pattern, literals):
    found = required_literals(pattern, re.I)
    assert (set(found) if found is not None else None) == literals


def test_prefilters_never_skip_a_real_match():
    """Every rule pattern against every line of two corpora: a match implies the prefilter allows it."""
    lines = {
        line.strip()
        for corpus in (SAMPLE_CORPUS, FIXTURE_CORPUS)
        for path in corpus.rglob("*.txt")
        for line in path.read_bytes().decode("utf-8", "replace").splitlines()
        if line.strip()
    }
    rules = load_rules()
    patterns = [p.regex for k in rules.kinds for p in k.patterns] + [p for k in rules.kinds for p in k.trailing + k.leading]
    matched = 0
    for pattern in patterns:
        assert isinstance(pattern, FilteredPattern)
        for line in lines:
            if pattern.regex.search(line):
                matched += 1
                assert pattern.possible(line.lower()), (pattern.pattern, line)
    assert matched > 200  # the check ran on many real matches
