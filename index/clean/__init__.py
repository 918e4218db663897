"""Boilerplate stripping: a raw page in, the article's title and paragraphs out, every removal with
its reason. The stages, in the order `clean` runs them:

1. `text`      characters and markup normalised, the page split into lines
2. `inline`    boilerplate inside a line cut off (caption toggles, datelines, credits)
3. `classify`  whole lines classified by rule (index/rules/*.toml), code and scrambled letters
4. `layout`    blocks: sections after a heading, neighbours of one kind, bylines, runs of menu
               items, lines the corpus repeats, labels around the article
5. `sites`     the site's own name
6. `model`     the learned line classifier decides what the rules left open, and cuts
               boilerplate glued onto article text
7. `title`, `dedupe`  the title picked; truncated copies, duplicate paragraphs, repeated articles
8. `verdict`   whether what is left is an article at all, and if not, what the page is
"""

from __future__ import annotations

from index.clean import classify, dedupe, inline, layout, sites, title
from index.clean.rules import Rules, load_rules
from index.clean.shapes import ends_article, is_headline
from index.clean.text import Page, line_keys
from index.documents import CleanDocument, RawDocument
from index.repeated import NO_REPEATED_LINES, RepeatedLines

__all__ = ["clean", "has_article_text", "is_headline", "line_keys", "removal_reasons"]

MIN_ARTICLE_WORDS = 40

# Removal reasons the cleaner itself gives; every other reason is the name of a rule kind.
CODE_REASONS = frozenset({
    "html", "caption_toggle", "duplicate_caption", "breadcrumb", "menu", "duplicate_paragraph",
    "near_duplicate_paragraph", "repeated_article", "duplicate_title", "scrambled_text", "repeated_line",
    "code", "page_header", "page_footer", "masthead", "related_links",
})


def clean(raw: RawDocument, rules: Rules | None = None, repeated: RepeatedLines = NO_REPEATED_LINES) -> CleanDocument:
    """Clean one raw article; `repeated` are the lines its corpus repeats across articles. The title
    is the explicit one, or the first line when it reads as a headline, or None. The result may have
    no paragraphs: then it has no article text."""
    page = Page(raw, rules or load_rules())
    inline.cut(page)
    classify.by_rules(page)
    layout.neighbours(page)
    layout.sections(page)
    layout.bylines(page)
    layout.runs(page)
    layout.repeated(page, repeated)
    sites.names(page)
    layout.edges(page)
    title.pick(page)
    dedupe.apply(page)
    paragraphs = [" ".join(x.text.split()) for x in page.lines if x.kept and x is not page.headline]
    return CleanDocument(
        id=raw.id,
        title=page.title,
        paragraphs=paragraphs,
        removed=page.removed,
        source_path=raw.source_path,
        date=raw.date,
        url=raw.url,
        source=raw.source,
        lang=raw.lang or "und",
    )


def has_article_text(paragraphs: list[str]) -> bool:
    """Whether cleaning left an article: one finished sentence of some length (a brief may be no more),
    or a few short lines. What a consent wall or login page leaves behind is buttons and labels."""
    return any(ends_article(p) for p in paragraphs) or sum(len(p.split()) for p in paragraphs) >= MIN_ARTICLE_WORDS


def removal_reasons(rules: Rules | None = None) -> frozenset[str]:
    """Every reason a removal can carry."""
    return CODE_REASONS | {kind.name for kind in (rules or load_rules()).kinds}


