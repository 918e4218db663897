"""The API's JSON made from what a backend found: hits, facets as `{value, label, count, selected}`
(multi-select: a selected value stays listed with its count), documents and references to them."""

from __future__ import annotations

import heapq

from index.actors import Gazetteer
from index.dates import PartialDate
from index.language import LANGUAGES
from search.facets import UNDATED, DateRange
from search.snippets import snippet


class Shaper:
    """Shapes with the gazetteer's labels, and its names for the snippets' highlights."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer
        self._labels = {a.id: a.label for a in gazetteer.actors.values()}

    def actor_ref(self, actor_id: str) -> dict:
        return {"id": actor_id, "label": self._labels.get(actor_id, actor_id)}

    def hit(self, stored: dict, score: float | None, highlight, duplicates: int = 0) -> dict:
        return {
            "id": stored["id"],
            "title": stored.get("title"),
            "lang": stored["lang"],
            "date": stored.get("date"),
            "actors": [self.actor_ref(a) for a, _ in stored["actor_mentions"]],
            "snippet": snippet(stored["text"], stored["lang"], highlight, self.gazetteer),
            "score": round(score, 4) if score is not None else None,
            "url": stored.get("url"),
            "source": stored.get("source"),
            "duplicates": duplicates,
        }

    @staticmethod
    def lang_facet(counts: dict[str, int], selected: list[str]) -> list[dict]:
        codes = sorted(set(counts) | set(selected), key=lambda c: (-counts.get(c, 0), c))
        return [
            {"value": c, "label": LANGUAGES[c].label, "count": counts.get(c, 0), "selected": c in selected}
            for c in codes
        ]

    def actor_facet(self, counts: dict[str, int], selected: list[str], size: int) -> list[dict]:
        def label(a: str) -> str:
            return self._labels.get(a, a)

        top = heapq.nsmallest(size + len(selected), counts, key=lambda a: (-counts[a], label(a)))
        chosen = [a for a in selected] + [a for a in top if a not in selected][: max(0, size - len(selected))]
        return [{"value": a, "label": label(a), "count": counts.get(a, 0), "selected": a in selected} for a in chosen]

    @staticmethod
    def date_facet(counts: dict[str, int], window: DateRange) -> list[dict]:
        lo, hi = window.bounds()

        def selected(value: str) -> bool:
            if not window.active or value == UNDATED:
                return False
            period = DateRange(PartialDate.parse(value), PartialDate.parse(value))
            start, end = period.bounds()
            return lo <= start and end <= hi

        values = sorted(v for v in counts if v != UNDATED) + ([UNDATED] if UNDATED in counts else [])
        return [{"value": v, "label": v, "count": counts[v], "selected": selected(v)} for v in values]

    def document(self, stored: dict, copies: list[dict], include_removed: bool) -> dict:
        doc = {
            "id": stored["id"],
            "title": stored.get("title"),
            "lang": stored["lang"],
            "date": stored.get("date"),
            "actors": [self.actor_ref(a) | {"mentions": n} for a, n in stored["actor_mentions"]],
            "text": stored["text"],
            "url": stored.get("url"),
            "source": stored.get("source"),
            "duplicates": copies,
        }
        if include_removed:
            doc["removed"] = [{"text": t, "reason": r} for t, r in stored["removed"]]
        return doc

    @staticmethod
    def row(stored: dict, text: bool) -> dict:
        """An export's row: the reference, the ids of the actors it mentions (most mentioned first)
        and, when asked, the cleaned text."""
        row = {k: stored.get(k) for k in ("id", "date", "lang", "title", "url", "source")}
        row["actors"] = [a for a, _ in stored["actor_mentions"]]
        return row | {"text": stored["text"]} if text else row

    @staticmethod
    def ref(stored: dict) -> dict:
        return {k: stored.get(k) for k in ("id", "title", "lang", "date", "url", "source")}
