"""Who is named together (GET /actors/{id}/co-mentions): the actors most often mentioned in the same
articles as one actor, with a lift that keeps ubiquitous actors from always winning.

Over the N articles a search matches, of which n_x name actor x and n_y name actor y, and n_xy
both: lift = (n_xy / n_x) / (n_y / N), how much likelier y is in x's articles than in any.
"""

from __future__ import annotations

from search.backends.base import Tally

ORDERS = ("lift", "count")


def rank(actor: str, within: Tally, with_actor: Tally, min_count: int, order: str, leave_out: set[str]) -> list[dict]:
    """The actors named with `actor` at least `min_count` times (`with_actor`: the articles naming it
    among `within`), best first by `order`, ties by count then id; `leave_out`: the actor itself
    and the actors every article was filtered on."""
    found = []
    for other, count in with_actor.actors.items():
        if other == actor or other in leave_out or count < min_count:
            continue
        articles = within.actors[other]
        lift = count * within.total / (with_actor.total * articles)
        found.append({"id": other, "count": count, "articles": articles, "share": round(count / with_actor.total, 6), "lift": round(lift, 4)})
    key = (lambda c: (-c["lift"], -c["count"], c["id"])) if order == "lift" else (lambda c: (-c["count"], -c["lift"], c["id"]))
    return sorted(found, key=key)
