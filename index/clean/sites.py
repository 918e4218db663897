"""Stage 5: the site's own name. A page repeats its publication's name — as a masthead, in a slogan,
over an address — and the name is known from the page's `source` and URL, from what its own chrome
says (its imprint, the subject of its consent notice) and from the short label that opens it."""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urlsplit

from index.clean.rules import Words, word_count
from index.clean.shapes import INITIALS, ends_sentence, heads_paragraph, is_article_paragraph
from index.clean.text import Page
from index.clean.thresholds import T
from index.documents import RawDocument

_NON_ALNUM = re.compile(r"[\W_]+")
_NAME_PARTS = re.compile(r"[\s-]+")
# A publisher's postal address: `Jyllands-Posten · Grøndalsvej 3 · 8260 Viby J` names the site first.
_ADDRESS = re.compile(r"((?:\S+\s+){0,3}?\S+)\s+[·|]\s+[^·|]{2,40}\s\d+\w?\s+[·|,]\s+(?:[A-Z]{1,2}-)?\d{4,5}\s+\w")


@lru_cache(maxsize=8)
def _chrome_patterns(words: Words) -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """An imprint (`© 2024 Name`), its rights phrase, what follows © but names nobody, a consent
    notice's subject (`TV 2 og vores 143 partnere`, `Die Presse verwendet Cookies`), and a subject
    that is a pronoun."""

    def alternation(items: tuple[str, ...]) -> str:
        return "|".join(sorted(map(re.escape, items), key=len, reverse=True)) or "(?!)"

    imprint = re.compile(
        r"(?:copyright\s*)?(?:©|\(c\))\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?\s*)?((?-i:[A-ZÆØÅÄÖÜ])[\w&.-]*(?:\s+(?-i:[A-ZÆØÅÄÖÜ])[\w&-]*){0,2})",
        re.I,
    )
    rights = re.compile(rf"\b(?:{alternation(words.rights)})\b", re.I)
    not_a_name = re.compile(rf"(?:{alternation(words.not_names)})\b", re.I)
    subject = re.compile(
        rf"((?:\S+\s+){{0,2}}?\S+)\s+(?:(?:{alternation(words.consent_joiners)})\s+(?:{alternation(words.consent_owners)}|\d+)\s+(?:\d+\s+)?partner"
        rf"|(?:{alternation(words.consent_verbs)})\s+cookies)",
        re.I,
    )
    pronoun = re.compile(rf"(?:{alternation(words.consent_pronouns)})\b", re.I)
    return imprint, rights, not_a_name, subject, pronoun


def names(page: Page) -> None:
    """Lines that are the publication's own name — known from the page's `source` or URL, the
    names its own chrome gives (see self_names) or the short label that opens the page — again:
    alone or with a product word (`ZEIT ONLINE`, `Yahoo Nachrichten`), with a slogan or address
    after a dash or dot (`Politiken – dagbladet …`), or after a slogan (`Nyheder døgnet rundt fra
    TV 2`)."""
    words = page.rules.words
    kept = page.kept()
    known = {name for name in site_names(page.raw, words) | self_names(page) if len(name) >= T.site_name_min_chars}
    first = kept[0] if len(kept) > 1 else None
    if first and _names_site(first.text, known, words):
        page.remove(first, "masthead")  # named by the page's source, URL or own chrome, not only by itself
    elif first and word_count(first.text) <= T.site_name_max_words and not ends_sentence(first.text) and not is_article_paragraph(kept[1].text):
        known |= name_forms(first.text, words)  # the page's first label, its masthead: `Politiken – …` below
    if not known:
        return
    for n, line in enumerate(kept[1:], start=1):  # an unnamed first line is the page edges' to judge
        after = kept[n + 1] if n + 1 < len(kept) else None
        if after is not None and heads_paragraph(line.text, after.text):
            continue
        if _names_site(line.text, known, words):
            page.remove(line, "masthead")


def self_names(page: Page) -> set[str]:
    """The names the page's own chrome gives the site: its imprint (`© 2025 Yahoo. Alle Rechte
    vorbehalten.`), the subject of its consent notice, the name over its postal address."""
    words = page.rules.words
    imprint, rights, not_a_name, subject, pronoun = _chrome_patterns(words)
    found = set()
    said = [(removal.text, removal.reason) for _, removal in page.removals]
    said += [(line.text, signal) for line in page.lines for signal in line.signals]
    for text, reason in said:
        if reason == "copyright" and rights.search(text) and (m := imprint.match(text)) and not not_a_name.match(m.group(1)):
            found |= name_forms(m.group(1).split(". ")[0], words)
        elif reason == "consent" and (m := subject.match(text)) and not pronoun.match(m.group(1)):
            found |= name_forms(m.group(1), words)
        elif (m := _ADDRESS.match(text)) is not None:
            found |= name_forms(m.group(1), words)
    return found


def site_names(raw: RawDocument, words: Words) -> set[str]:
    """The publication's names in compact form (letters and digits, lower case), from `source` and the
    URL's host (`https://www.ekstrabladet.dk/…` -> `ekstrabladet`), see name_forms."""
    return set().union(*(name_forms(name, words) for name in (raw.source, host(raw.url)) if name))


def name_forms(name: str, words: Words) -> set[str]:
    """A site's name in compact form, without its legal form (`TV 2 DANMARK A/S`) or, for a host
    name (`Stiften.dk`), as its second-level label; a name of several words also by its initials
    (`Süddeutsche Zeitung` is `SZ`, `Jyllands-Posten` is `JP`)."""
    parts = name.split()
    if len(parts) > 1 and parts[-1].casefold() in words.site_legal_forms:
        parts = parts[:-1]
    if len(parts) > 1 and parts[0].casefold() in words.site_articles:
        parts = parts[1:]
    labels = name.casefold().split(".")
    if len(parts) == 1 and len(labels) >= 2 and labels[-1].isalpha() and 2 <= len(labels[-1]) <= 3:
        return {compact(name), compact(labels[-2])}
    pieces = _NAME_PARTS.split(" ".join(parts))
    initials = len(pieces) > 1 and all(len(piece) > 1 and piece[0].isalpha() for piece in pieces)  # not `t-online`, `TV 2`
    return {compact(" ".join(parts))} | ({"".join(piece[0] for piece in pieces).casefold()} if initials else set())


def host(url: str | None) -> str:
    try:
        return urlsplit(url or "").hostname or ""
    except ValueError:  # a malformed URL names no host
        return ""


def compact(text: str) -> str:
    return _NON_ALNUM.sub("", text.casefold())


def _names_site(text: str, known: set[str], words: Words) -> bool:
    """A line that is the site's name, perhaps with a product word (`ONLINE`, `Play`, `Nachrichten`),
    or the name, a dash or dot and a slogan or address (or a short slogan, a dash and the name),
    ending no sentence."""
    parts = text.split()
    if len(parts) > T.slogan_max_words or (ends_sentence(text) and not INITIALS.fullmatch(text)):
        return False
    if len(parts) > 1 and parts[0].casefold() in words.site_articles:
        parts = parts[1:]  # DER SPIEGEL
    for k in range(1, min(len(parts), T.site_name_max_words) + 1):
        if compact(" ".join(parts[:k])) in known:
            rest = parts[k:]
            if rest and rest[0].casefold() in words.site_legal_forms:
                rest = rest[1:]  # Sjællandske Medier A/S · …
            if not rest or (len(rest) == 1 and rest[0].casefold() in words.site_suffixes) or rest[0] in words.site_separators:
                return True
        if len(parts) > k + 1 and compact(" ".join(parts[-k:])) in known and (
            parts[-k - 1] in words.site_separators or parts[-k - 1].casefold() in words.site_from
        ):
            return True  # a slogan, then the name: `Nachrichten rund um die Uhr – ntv.de`
    return False
