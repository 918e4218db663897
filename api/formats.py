"""What exports and feeds are written as: CSV, JSON Lines and Atom (RFC 4287), each a stream of
text chunks where the data is long."""

from __future__ import annotations

import csv
import html
import io
import json
from collections.abc import Iterable, Iterator
from urllib.parse import quote
from xml.etree import ElementTree as ET

from index.dates import PartialDate

COLUMNS = ["id", "date", "lang", "title", "url", "source", "actors"]
ROWS_PER_CHUNK = 200
ATOM = "http://www.w3.org/2005/Atom"


def _chunks(lines: Iterable[str]) -> Iterator[str]:
    chunk = []
    for line in lines:
        chunk.append(line)
        if len(chunk) == ROWS_PER_CHUNK:
            yield "".join(chunk)
            chunk = []
    if chunk:
        yield "".join(chunk)


def csv_chunks(rows: Iterable[dict], text: bool) -> Iterator[str]:
    """A header, then a line per row (RFC 4180, CRLF; actor ids joined by `;`)."""
    columns = COLUMNS + (["text"] if text else [])
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns)

    def lines() -> Iterator[str]:
        writer.writeheader()
        for row in rows:
            writer.writerow(row | {"actors": ";".join(row["actors"])})
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()

    return _chunks(lines())


def jsonl_chunks(rows: Iterable[dict]) -> Iterator[str]:
    """One JSON object per line."""
    return _chunks(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)


def _timestamp(date: str | None, fallback: str) -> str:
    """An article's date as an Atom date-time (its first day at midnight UTC; `fallback` undated)."""
    return f"{PartialDate.parse(date).first_day().isoformat()}T00:00:00Z" if date else fallback


def atom(found: dict, base: str, page: str, feed: str) -> bytes:
    """The feed of a search's newest hits. `base`: the API's address (entry ids and links),
    `page`: the search page showing the same search, `feed`: the feed's own address."""
    built = found["built_at"].replace("+00:00", "Z")
    root = ET.Element("feed", xmlns=ATOM)
    query = found["query"]
    asked = {k: ", ".join(v) if isinstance(v, list) else v for k, v in query.items() if k in ("q", "lang", "actor", "from", "to") and v}
    described = "; ".join(f"{k}={v}" for k, v in asked.items()) or "every article"
    ET.SubElement(root, "title").text = f"newsfacet: {described}"
    ET.SubElement(root, "id").text = feed
    ET.SubElement(root, "link", rel="self", type="application/atom+xml", href=feed)
    ET.SubElement(root, "link", rel="alternate", type="text/html", href=page)
    ET.SubElement(ET.SubElement(root, "author"), "name").text = "newsfacet"
    ET.SubElement(root, "generator").text = "newsfacet"
    stamps = [_timestamp(h["date"], built) for h in found["hits"]]
    ET.SubElement(root, "updated").text = max(stamps, default=built)
    for hit, stamp in zip(found["hits"], stamps):
        entry = ET.SubElement(root, "entry")
        document = f"{base}documents/{quote(hit['id'])}"
        ET.SubElement(entry, "id").text = document
        ET.SubElement(entry, "title").text = hit["title"] or html.unescape(hit["snippet"].replace("<mark>", "").replace("</mark>", ""))[:80]
        ET.SubElement(entry, "updated").text = stamp
        ET.SubElement(entry, "link", rel="alternate", href=hit["url"] or document)
        if hit["source"]:
            ET.SubElement(ET.SubElement(entry, "author"), "name").text = hit["source"]
        for actor in hit["actors"]:
            ET.SubElement(entry, "category", term=actor["id"], label=actor["label"])
        summary = ET.SubElement(entry, "summary", type="html")
        summary.text = hit["snippet"]
        entry.set("xml:lang", hit["lang"])
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
