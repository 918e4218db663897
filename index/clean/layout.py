"""Stage 4: the page's layout. Boilerplate comes in blocks and around the article: a section after a
comment or read-also heading, a block grown from lines of one kind, bylines beside names, runs of
menu items or widget buttons, lines the corpus repeats across articles, and labels above and below
the article's text."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from itertools import islice

from index.clean.classify import needed_hits
from index.clean.rules import Kind, Words, word_count
from index.clean.shapes import (
    BARE_NAME,
    DIGIT,
    INITIALS,
    NAME_LINE,
    QUOTES,
    ends_article,
    ends_sentence,
    ends_statement,
    heads_paragraph,
    heads_sentence,
    is_article_paragraph,
    is_long_paragraph,
    is_menu_item,
    is_name,
    is_subheading,
    is_teaser,
    is_topic_line,
    table_rows,
)
from index.clean.text import Line, Page
from index.clean.thresholds import T
from index.repeated import RepeatedLines

_BREADCRUMB_TRAIL = re.compile(r"^[^>›]{1,60}(?:\s[>›]\s[^>›]{1,60}){2,}$")  # Politik > Ausland > …
_SOURCE_TEASER = re.compile(r"(?:[A-ZÆØÅÄÖÜ][\w.-]*\s+){0,2}[A-ZÆØÅÄÖÜ][\w.-]*\s+·\s+\S+(?:\s+\S+){2,}$")  # Ritzau · Dansk F-35-fly …


def _alternation(words: Iterable[str], capital: bool = False) -> str:
    """Words as a regex alternation, longest first; `capital`: the first letter in either case."""
    escaped = [(f"[{w[0].upper()}{w[0].lower()}]" + re.escape(w[1:])) if capital else re.escape(w) for w in words]
    return "|".join(sorted(escaped, key=len, reverse=True)) or "(?!)"


@lru_cache(maxsize=8)
def byline_patterns(words: Words) -> tuple[re.Pattern[str], re.Pattern[str], str]:
    """A name with a role (`Harriet Collingwood, diplomatic correspondent`), a role first
    (`Korrespondent in Washington`, `Journalist på NORDJYSKE`; not `Politikens korrespondent i …`, a
    possessive), and what follows a name with a year of birth (`, Jahrgang 1984`)."""
    name_role = re.compile(
        r"(?:[A-ZÆØÅÄÖÜ][\w'.-]+\s+){1,3}[A-ZÆØÅÄÖÜ][\w'.-]+,\s*(?:[\w-]+\s+){0,2}" rf"(?:{_alternation(words.roles, capital=True)})"
    )
    role_first = re.compile(
        rf"(?:[A-ZÄÖÜ][a-zäöüß]+(?:er|e)\s+)?[\w-]*(?:{_alternation(words.role_stems, capital=True)})"
        rf"(?:in|en)?\s+(?:{_alternation(words.role_prepositions)})\b"
    )
    born = rf",\s+(?:{_alternation(words.born)})\s+\d{{4}}\b"
    return name_role, role_first, born


def neighbours(page: Page) -> None:
    """Beside a line removed as one kind, half the usual evidence of that kind is enough. One pass
    down and one up lets a block grow in both directions."""
    lines = page.lines
    for order, step in ((range(1, len(lines)), -1), (range(len(lines) - 2, -1, -1), 1)):
        for i in order:
            line, reason = lines[i], lines[i + step].reason
            kind = page.rules.kinds_by_name.get(reason) if reason else None
            if line.kept and kind and not is_long_paragraph(line.text) and kind.hits(line.text) >= needed_hits(page, line.text) / 2:
                page.remove(line, kind.name)


def sections(page: Page) -> None:
    """Remove a heading's section: what follows a comment, read-also or reaction heading.

    Before the first article paragraph only the heading goes: the headline follows chrome there.
    """
    lines = page.lines
    total_words = sum(word_count(x.text) for x in lines if x.kept) or 1
    words_before = 0
    article_started = False
    for i, line in enumerate(lines):
        kind = _heading_kind(page, line, islice(lines, i + 1, None)) if line.kept else None
        if kind is None:
            if line.kept:
                words_before += word_count(line.text)
                article_started = article_started or is_article_paragraph(line.text)
            continue
        page.remove(line, kind.name)
        if kind.tail and words_before / total_words >= T.tail_fraction:
            for rest in lines[i + 1 :]:
                page.remove(rest, kind.name)
            return
        if not article_started:
            continue
        taken = 0
        followers = [x for x in lines[i + 1 :] if x.kept]
        for n, follower in enumerate(followers):
            if taken >= kind.section_max_lines or _heading_kind(page, follower, islice(followers, n + 1, None)) or not _belongs(page, follower, kind):
                break
            if n + 1 < len(followers) and is_subheading(follower.text, followers[n + 1].text):
                break  # the article's next subheading, not one more link of the box
            page.remove(follower, kind.name)
            taken += 1


def _heading_kind(page: Page, line: Line, rest: Iterable[Line]) -> Kind | None:
    """The kind whose heading this line is. A heading matched by a pattern (`Mehr aus …`) is one only
    over at least two teaser headlines; else it is the article's own subheading or list opener."""
    if word_count(line.text) > T.short_line_words:
        return None  # a heading is short
    key = page.label_key(line.text)
    if key in page.rules.heading_kinds:
        return page.rules.heading_kinds[key]
    kind = page.rules.heading_kind_of(key)
    if kind is None or line.text.endswith(":"):
        return None
    following = list(islice((x for x in rest if x.kept), T.teasers_under_heading))
    teasers = len(following) == T.teasers_under_heading and all(is_teaser(x.text) for x in following)
    return kind if teasers else None


def _belongs(page: Page, line: Line, kind: Kind) -> bool:
    key = page.label_key(line.text)
    return (
        key in kind.vocabulary
        or key in kind.lines
        or kind.hits(line.text) > 0
        or (word_count(line.text) <= T.link_like_words and not ends_statement(line.text))
    )


def bylines(page: Page) -> None:
    """A bare name (Verena Hochstrasser; Jonas Meili, Bern) beside a byline or timestamp is a byline.
    A bare name over a line that starts with a role (`Korrespondent in Washington.`, `Journalist
    på NORDJYSKE …`) or with the same name and a year of birth is an author box, both lines."""
    _, role_first, born = byline_patterns(page.rules.words)
    lines = page.lines
    for i, line in enumerate(lines):
        if not line.kept or not NAME_LINE.fullmatch(line.text) or word_count(line.text) > T.byline_neighbour_words:
            continue
        beside = [lines[j] for j in (i - 1, i + 1) if 0 <= j < len(lines)]
        if any(n.reason in ("byline", "timestamp") for n in beside):
            page.remove(line, "byline")
        elif i + 1 < len(lines) and lines[i + 1].kept and BARE_NAME.fullmatch(line.text) and (
            role_first.match(lines[i + 1].text) or re.match(re.escape(line.text) + born, lines[i + 1].text)
        ):
            page.remove(line, "author_box")
            page.remove(lines[i + 1], "author_box")


def runs(page: Page) -> None:
    """Remove runs of widget buttons and menu-like very short lines."""
    vocabulary = page.rules.vocabulary
    kept = page.kept()
    for reason, test, minimum in (
        ("reaction_widget", lambda x: page.label_key(x.text) in vocabulary, T.vocabulary_run),
        ("menu", lambda x: is_menu_item(x.text) and not DIGIT.search(x.text), T.menu_run),
    ):
        start = 0
        while start < len(kept):
            end = start
            while end < len(kept) and kept[end].kept and test(kept[end]):
                end += 1
            introduced = start > 0 and opens_list(page, kept[start - 1])
            if reason == "menu" and end < len(kept) and end > start and is_topic_line(kept[end - 1].text, kept[end].text):
                end -= 1  # a topic line over the headline (Dachzeile), not one more menu item
            if end - start >= minimum and not introduced:
                for x in kept[start:end]:
                    page.remove(x, reason)
            start = max(end, start + 1)


def repeated(page: Page, corpus: RepeatedLines) -> None:
    """Remove lines the corpus repeats across different articles (see index.repeated). Such a line
    goes unless it ends a sentence — a stock phrase like `Det oplyser politiet.` recurs in real
    articles — or is a heading of this article (a heading-like line over an article paragraph) or
    opens a list. A sentence goes too when the lines on both sides of it are repeated chrome
    that is no sentence (or one is and the page ends on the other): a block of chrome."""
    if not corpus:
        return
    lines = page.lines
    flagged = [line.key in corpus for line in lines]
    chrome = [f and not ends_sentence(line.text) for f, line in zip(flagged, lines)]
    kept = [i for i, line in enumerate(lines) if line.kept]
    for position, i in enumerate(kept):
        line = lines[i]
        if not flagged[i] or opens_list(page, line):
            continue
        after = lines[kept[position + 1]] if position + 1 < len(kept) else None
        if ends_sentence(line.text):
            before = chrome[i - 1] if i > 0 else True
            after_chrome = chrome[i + 1] if i + 1 < len(lines) else True
            if before and after_chrome and len(lines) > 1:
                page.remove(line, "repeated_line")
        elif not (after and not flagged[after.index] and heads_paragraph(line.text, after.text)):
            page.remove(line, "repeated_line")


def edges(page: Page) -> None:
    """Labels around the article. Above its second paragraph (the first is often a lead, with the
    byline after it): a line of one or two words that ends no sentence (a masthead, a section
    name), a bare name or a name with a role (a byline), a trail of four or more steps (a
    breadcrumb) — but not the headline, a two-word topic line over it, or a heading over a
    sentence. Below its last sentence (and an author's bio there): a label of up to
    `footer_label_words` words without figures or quotation marks (a follow button, a masthead), a
    bare name or a name with a role, and other articles' headlines two or more in a row or tagged
    with their source (`Ritzau · …`). Never the items of a list, a fact box or a table."""
    name_role, _, _ = byline_patterns(page.rules.words)
    kept = page.kept()
    texts = [x.text for x in kept]
    paragraphs = [n for n, text in enumerate(texts) if is_article_paragraph(text)]
    if not paragraphs:
        return
    listed = list_items(page, kept)
    table = table_rows(texts)
    head_end = paragraphs[1] if len(paragraphs) > 1 else paragraphs[0]
    for n, line in enumerate(kept[:head_end]):
        if listed[n] or (ends_sentence(line.text) and not INITIALS.fullmatch(line.text)):
            continue
        if _BREADCRUMB_TRAIL.search(line.text):
            page.remove(line, "breadcrumb")
            continue
        if n == 0 and is_article_paragraph(texts[1]):
            continue  # the headline, however short
        if n > 0 and is_topic_line(line.text, texts[n + 1]):
            continue  # the first line is the masthead, a later one over the headline its topic
        if n > paragraphs[0] and heads_sentence(line.text, texts[n + 1]):
            continue  # after the lead, a line over a sentence is a subheading
        if word_count(line.text) <= T.kicker_words:
            page.remove(line, "page_header")
        elif n > 0 and (is_name(line.text) or name_role.fullmatch(line.text)):  # line 0 may be a Title Case headline
            page.remove(line, "byline")
    last = max(n for n, text in enumerate(texts) if ends_article(text))
    if _author_bio(page, kept[last]):
        last = max((n for n, text in enumerate(texts[:last]) if ends_article(text)), default=last)
    for n, line in enumerate(kept[last + 1 :], start=last + 1):
        if listed[n] or ends_sentence(line.text) or table[n]:
            continue
        teasers = [m for m in (n - 1, n + 1) if last < m < len(kept) and is_teaser(texts[m])]
        if is_name(line.text) or name_role.fullmatch(line.text):
            page.remove(line, "byline")
        elif word_count(line.text) <= T.footer_label_words and not DIGIT.search(line.text) and not QUOTES.search(line.text):
            page.remove(line, "page_footer")
        elif _SOURCE_TEASER.match(line.text) or (is_teaser(line.text) and teasers):
            page.remove(line, "related_links")  # other articles' headlines, one after another


def _author_bio(page: Page, line: Line) -> bool:
    """Remove the page's last sentence when it has the shape of an author's bio (`Kasper Holm er
    Berlingskes korrespondent i …`) and a line beside it was removed as an author box."""
    kind = page.rules.kinds_by_name.get("author_box")
    lines = page.lines
    beside = [lines[i] for i in (line.index - 1, line.index + 1) if 0 <= i < len(lines)]
    if kind and kind.hits(line.text) and any(x.reason == "author_box" for x in beside):
        page.remove(line, "author_box")
        return True
    return False


def fact_box(page: Page) -> None:
    """Mark the items of a fact box (under a line that starts like one: `Fakta`, `Hintergrund`, `Das
    Wichtigste in Kürze`): the article's own, which the line model leaves alone. A list after a
    colon may as well be a paywall's offers."""
    open_box = False
    for line in page.lines:
        if not line.kept:
            continue
        if page.rules.list_openers.search(line.text) is not None:
            open_box = True
        elif ends_sentence(line.text) or word_count(line.text) > T.link_like_words:
            open_box = False
        elif open_box:
            line.protected = True


def opens_list(page: Page, line: Line) -> bool:
    """A line that introduces a list: it ends with a colon or starts like a fact box (`Fakta`)."""
    return line.text.endswith(":") or page.rules.list_openers.search(line.text) is not None


def list_items(page: Page, kept: list[Line], opens: list[bool] | None = None) -> list[bool]:
    """Per kept line, whether it opens a list (a line ending with a colon, or starting like a fact
    box: `Fakta`, `Hintergrund`) or is an item of one: the short lines without a sentence end
    that follow. One pass down the page. `opens`: per line, opens_list, when known."""
    result, open_list = [], False
    for i, line in enumerate(kept):
        if opens[i] if opens is not None else opens_list(page, line):
            open_list = True
        elif ends_sentence(line.text) or word_count(line.text) > T.link_like_words:
            open_list = False
        result.append(open_list)
    return result
