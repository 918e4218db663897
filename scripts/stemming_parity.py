#!/usr/bin/env python3
"""Stemming on the two backends, over the Snowball project's reference vocabularies
(../shared/eval/snowball/{danish,german}): what each stems differently from the reference.

    python scripts/stemming_parity.py [--url http://127.0.0.1:9200]

Rows: the analysis both backends index with (index.analysis, in Python: the OpenSearch mapping gets
its terms as they are, which `_analyze` with the mapping's own analyzer confirms word by word), and,
for comparison, OpenSearch's built-in Snowball token filters, which the mapping does not use.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from opensearchpy import OpenSearch  # noqa: E402

from index.analysis import SnowballStemFilter  # noqa: E402
from index.opensearch.mapping import TERMS, index_body  # noqa: E402

VOCABULARIES = REPO.parent / "shared" / "eval" / "snowball"
BUILT_IN = {"danish": ["Danish"], "german": ["German", "German2"]}
BATCH = 2000
EXAMPLES = 8


def reference(language: str) -> list[tuple[str, str]]:
    folder = VOCABULARIES / language
    words = (folder / "voc.txt").read_text(encoding="utf-8").split()
    return list(zip(words, (folder / "output.txt").read_text(encoding="utf-8").split()))


def analyze(client: OpenSearch, words: list[str], **how) -> list[str]:
    """One token per word (the keyword tokenizer keeps each whole)."""
    tokens = []
    for start in range(0, len(words), BATCH):
        answer = client.indices.analyze(body={"text": words[start : start + BATCH], **how})
        tokens += [t["token"] for t in answer["tokens"]]
    return tokens


def through_mapping(client: OpenSearch, index: str, terms: list[str]) -> list[str]:
    tokens = []
    for start in range(0, len(terms), BATCH):
        answer = client.indices.analyze(index=index, body={"analyzer": TERMS, "text": terms[start : start + BATCH]})
        tokens += [t["token"] for t in answer["tokens"]]
    return tokens


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:9200")
    args = parser.parse_args()
    client = OpenSearch(hosts=[args.url], timeout=120)
    index = "stemming-parity"
    client.indices.delete(index=index, ignore=404)
    client.indices.create(index=index, body=index_body(1, 0))
    try:
        print("| vocabulary | words | stemmer | stems as the reference | differ |\n|---|---|---|---|---|")
        for language, names in BUILT_IN.items():
            pairs = reference(language)
            words = [w for w, _ in pairs]
            ours = [SnowballStemFilter(language).stem(w) for w in words]
            kept = through_mapping(client, index, ours)
            row = f"| {language} | {len(pairs):,} |"
            agree = sum(o == r for o, (_, r) in zip(ours, pairs))
            print(f"{row} Python `snowballstemmer`: what both backends index | {agree:,} | {len(pairs) - agree:,} |")
            same = sum(k == o for k, o in zip(kept, ours))
            print(f"{row} the mapping's `{TERMS}` over Python's stems (`_analyze`) | {same:,} kept as sent | {len(ours) - same:,} |")
            for name in names:
                theirs = analyze(client, words, tokenizer="keyword", filter=["lowercase", {"type": "snowball", "language": name}])
                wrong = [(w, r, t) for (w, r), t in zip(pairs, theirs) if r != t]
                print(f"{row} OpenSearch's `snowball` filter, `{name}` (not used) | {len(pairs) - len(wrong):,} | {len(wrong):,} |")
                if wrong:
                    kinds = Counter(f"+{t[len(r):]}" if t.startswith(r) else f"-{r[len(t):]}" if r.startswith(t) else "other" for _, r, t in wrong)
                    print(f"  {language}/{name}: what it leaves on (+) or cuts off (-) beside the reference: {kinds.most_common(8)}; "
                          + "e.g. " + ", ".join(f"{w} → {t} (reference {r})" for w, r, t in wrong[:EXAMPLES]), file=sys.stderr)
    finally:
        client.indices.delete(index=index, ignore=404)
    return 0


if __name__ == "__main__":
    sys.exit(main())
