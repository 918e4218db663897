"""A search request and its validation: what every backend is asked, checked once for all of them.
A bad request is an InvalidParameter naming the parameter (the API's 422)."""

from __future__ import annotations

from dataclasses import dataclass, field

from index.actors import Gazetteer
from index.dates import PartialDate
from index.language import LANGUAGES, normalise_code
from search.errors import InvalidParameter
from search.facets import INTERVALS, DateRange
from search.query import MAX_QUERY_CHARS

SORTS = ("relevance", "newest", "oldest")
MAX_SIZE = 100
MAX_FACET_SIZE = 100
MAX_RESULT_WINDOW = 10_000  # page * size: deeper pages are refused, as search engines do


@dataclass
class SearchRequest:
    q: str = ""
    lang: list[str] = field(default_factory=list)
    actor: list[str] = field(default_factory=list)
    date_from: str | None = None
    date_to: str | None = None
    sort: str | None = None
    page: int = 1
    size: int = 10
    facet_size: int = 10
    interval: str = "month"
    collapse: bool = True


def _date(value: str | None, name: str) -> PartialDate | None:
    if value is None or value == "":
        return None
    try:
        return PartialDate.parse(value)
    except ValueError as exc:
        raise InvalidParameter(f"{name} must be a date as YYYY, YYYY-MM or YYYY-MM-DD ({exc})", name) from None


def check_range(low: int, high: int, value: int, name: str) -> None:
    if value < low:
        raise InvalidParameter(f"{name} must be at least {low}", name)
    if value > high:
        raise InvalidParameter(f"{name} must be at most {high}", name)


def validate(req: SearchRequest, gazetteer: Gazetteer) -> tuple[DateRange, str]:
    """Check a request (languages normalised and actors deduplicated in place); (its date window, the
    sort it gets: relevance for a query, newest without one, unless it asks)."""
    if len(req.q) > MAX_QUERY_CHARS:
        raise InvalidParameter(f"q must be at most {MAX_QUERY_CHARS} characters", "q")
    codes = []
    for code in req.lang:
        known = code if code in LANGUAGES else normalise_code(code)  # nb -> no, de-AT -> de
        if known is None:
            raise InvalidParameter(f"unknown language {code!r}; known: {', '.join(LANGUAGES)}", "lang")
        codes.append(known)
    req.lang = list(dict.fromkeys(codes))
    req.actor = list(dict.fromkeys(req.actor))
    for actor in req.actor:
        if actor not in gazetteer.actors:
            raise InvalidParameter(f"unknown actor {actor!r}; GET /actors lists them", "actor")
    window = DateRange(_date(req.date_from, "from"), _date(req.date_to, "to"))
    if window.start and window.end and window.start.first_day() > window.end.last_day():
        raise InvalidParameter("from must not be after to", "from")
    if req.sort is not None and req.sort not in SORTS:
        raise InvalidParameter(f"sort must be one of {', '.join(SORTS)}", "sort")
    if req.interval not in INTERVALS:
        raise InvalidParameter(f"interval must be one of {', '.join(INTERVALS)}", "interval")
    check_range(1, MAX_SIZE, req.size, "size")
    check_range(1, MAX_FACET_SIZE, req.facet_size, "facet_size")
    check_range(1, MAX_RESULT_WINDOW // req.size, req.page, "page")
    sort = req.sort or ("relevance" if req.q.strip() else "newest")
    return window, sort
