"""The title: the page's own (front matter, metadata) or else its first kept line when that reads as
a headline or heads the first paragraph."""

from __future__ import annotations

from index.clean.shapes import heads_paragraph, is_headline
from index.clean.text import Page


def pick(page: Page) -> None:
    if page.title is not None:
        return
    kept = page.kept()
    if len(kept) > 1 and (is_headline(kept[0].text) or heads_paragraph(kept[0].text, kept[1].text)):
        page.headline = kept[0]
        page.title = " ".join(kept[0].text.split())
