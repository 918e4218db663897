"""Strip boilerplate and duplicates from a raw article; every removal carries a reason.

The unit is the line (a scraped page has one paragraph, caption or widget label per line). Stages,
in order: normalise characters, strip leftover HTML, cut toggles and credits inside lines, remove
whole lines by rule, as code, or because their letters are no language's, remove sections that
follow a heading, remove runs of menu-like lines, remove lines the corpus repeats across
articles, remove labels above and below the article, remove copies cut short, duplicated lines
and repeated articles, and pick the title.
"""

from __future__ import annotations

import html
import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import islice
from urllib.parse import urlsplit

from index.boilerplate import Kind, Rules, content_key, line_key, load_rules, word_count
from index.documents import CleanDocument, RawDocument, Removal
from index.letters import is_scrambled
from index.prefilter import FilteredPattern
from index.repeated import NO_REPEATED_LINES, RepeatedLines

# Characters that end a sentence (a closing quote or bracket may follow).
_SENTENCE_END = re.compile(r"[.!?…][»«\"”“'’)\]]*$")
_STATEMENT_END = re.compile(r"[.!…][»«\"”“'’)\]]*$")  # a headline may end with a question mark
_LEFT_CONTEXT_OK = re.compile(r"(?:^|[.!?…»«\"”“)\]])$")
_QUOTES = re.compile(r"[»«„“”\"]")
_INVISIBLE = re.compile(r"[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_WIDE_GAP = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]{2,}")
_ODD_SPACE = re.compile(r"[\t\u00a0\u2000-\u200a\u202f\u205f\u3000]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SCRIPT_STYLE = re.compile(r"<\s*(script|style|noscript)\b[^>]*>.*?<\s*/\s*\1\s*>", re.I | re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_BLOCK_TAG = re.compile(r"<\s*/?\s*(?:p|div|br|li|ul|ol|h[1-6]|section|article|tr|figure|figcaption|header|footer|blockquote)\b", re.I)
# What joins the items of a share bar, menu or byline line: dots, bars, arrows, emoji, wide gaps.
_SEGMENT_SEPARATOR = re.compile(r"\s*[·•|›»>]\s+|\s+/\s+|\s{2,}|\s*[\U0001F000-\U0001FAFF\u2600-\u27BF]+\s*")
_SEPARATOR_HINT = re.compile(r"[·•|›»>/\U0001F000-\U0001FAFF\u2600-\u27BF]|\s\s")  # cheap test first
_NAME_LINE = re.compile(r"(?:[A-ZÆØÅÄÖÜ][\w'.-]+\s+){1,3}[A-ZÆØÅÄÖÜ][\w'.-]+(?:,\s*[\w .-]{1,40})?")
_DIGIT = re.compile(r"\d")
_NAME_ROLE = re.compile(
    r"(?:[A-ZÆØÅÄÖÜ][\w'.-]+\s+){1,3}[A-ZÆØÅÄÖÜ][\w'.-]+,\s*(?:[\w-]+\s+){0,2}"
    r"(?:correspondent|reporter|editor|writer|[Kk]orrespondent(?:in)?|[Jj]ournalist(?:in)?|redaktør|[Rr]edakteur(?:in)?|[Rr]eporterin)"
)  # Harriet Collingwood, diplomatic correspondent
_IMPRINT = re.compile(r"(?:copyright\s*)?(?:©|\(c\))\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?\s*)?((?-i:[A-ZÆØÅÄÖÜ])[\w&.-]*(?:\s+(?-i:[A-ZÆØÅÄÖÜ])[\w&-]*){0,2})", re.I)
_RIGHTS = re.compile(r"\b(?:alle rechte|alle rettigheder|all rights)\b", re.I)
_NOT_A_NAME = re.compile(r"(?:alle|all|copyright)\b", re.I)  # `© 2024 Alle rettigheder …` names nobody
# The subject of a consent notice is the site: `TV 2 og vores 143 partnere bruger cookies`, `Die Presse
# verwendet Cookies`, `t-online und 156 Partner nutzen Cookies`.
_CONSENT_SUBJECT = re.compile(
    r"((?:\S+\s+){0,2}?\S+)\s+(?:(?:og|und|and|sowie)\s+(?:vores|unsere|seine|our|its|\d+)\s+(?:\d+\s+)?partner"
    r"|(?:bruger|anvender|verwendet|verwenden|nutzt|nutzen|benutzt|setzt|uses?)\s+cookies)",
    re.I,
)
_PRONOUN_SUBJECT = re.compile(r"(?:vi|wir|we|denne|dette|diese[rs]?|this|our|vores|unsere?|hjemmesiden|websitet|siden|webseite|website)\b", re.I)
# A publisher's postal address: `Jyllands-Posten · Grøndalsvej 3 · 8260 Viby J` names the site first.
_ADDRESS = re.compile(r"((?:\S+\s+){0,3}?\S+)\s+[·|]\s+[^·|]{2,40}\s\d+\w?\s+[·|,]\s+(?:[A-Z]{1,2}-)?\d{4,5}\s+\w")
_BREADCRUMB_TRAIL = re.compile(r"^[^>›]{1,60}(?:\s[>›]\s[^>›]{1,60}){2,}$")  # Politik > Ausland > …
_SOURCE_TEASER = re.compile(r"(?:[A-ZÆØÅÄÖÜ][\w.-]*\s+){0,2}[A-ZÆØÅÄÖÜ][\w.-]*\s+·\s+\S+(?:\s+\S+){2,}$")  # Ritzau · Dansk F-35-fly …
_BARE_NAME = re.compile(r"[A-ZÆØÅÄÖÜ][\w'-]+(?:\s+[A-ZÆØÅÄÖÜ][\w'-]+){1,2}")
# A role first: `Korrespondent in Washington`, `FOCUS-online-Korrespondent in …`, `Politischer
# Korrespondent für …`, `Journalist på NORDJYSKE`; not `Politikens korrespondent i …` (a possessive).
_ROLE_FIRST = re.compile(
    r"(?:[A-ZÄÖÜ][a-zäöüß]+(?:er|e)\s+)?[\w-]*(?:[Kk]orrespondent|[Jj]ournalist|[Rr]edakteur|[Rr]edaktør|[Rr]eporter|[Ss]kribent)"
    r"(?:in|en)?\s+(?:für|in|im|bei|i|på|hos|ved|for)\b"
)
_BORN = r",\s+(?:Jahrgang|født|født i|f\.)\s+\d{4}\b"
_NON_ALNUM = re.compile(r"[\W_]+")
_NAME_PARTS = re.compile(r"[\s-]+")
_INITIALS = re.compile(r"(?:[A-ZÆØÅÄÖÜ]\.){2,}")  # B.T., F.A.Z.
_CODE_CHARS = re.compile(r'[{}\[\];=<>"\\|&$]')
_CODE_HINT = re.compile(r'[{}=]|":')  # what prose never has, but code and JSON always do

# Removal reasons the cleaner itself gives; every other reason is the name of a rule kind.
CODE_REASONS = frozenset({
    "html", "caption_toggle", "duplicate_caption", "breadcrumb", "menu", "duplicate_paragraph",
    "near_duplicate_paragraph", "repeated_article", "duplicate_title", "scrambled_text", "repeated_line",
    "code", "page_header", "page_footer", "masthead", "related_links",
})
TRAILING_CHARS = 160  # credits and agency marks at a line's end are never longer
SHORT_LINE_WORDS = 12  # one pattern hit removes a line this short
MEDIUM_LINE_WORDS = 40  # two different hits remove a line this long; longer ones need three
LINK_LIKE_WORDS = 15
ARTICLE_PARAGRAPH_WORDS = 15  # a line this long that ends a sentence is article text
SEGMENT_LABEL_WORDS = 3
MENU_RUN = 4  # this many consecutive very short lines look like a menu or a button row
MENU_LINE_WORDS = 3
MENU_LINE_MIN_WORDS = 5
VOCABULARY_RUN = 3
TAIL_FRACTION = 0.3  # a comment heading after this share of the words ends the article
NEAR_DUPLICATE_MIN_WORDS = 8
NEAR_DUPLICATE_JACCARD = 0.8
NEAR_DUPLICATE_WINDOW = 200  # compare with this many earlier long lines: linear time on huge files
REPEATED_ARTICLE_RUN = 3
TRUNCATED_MIN_WORDS = 4  # a line cut with an ellipsis, when another line goes on where it stops
PREFIX_COPY_MIN_WORDS = 8  # the same without the ellipsis (a toggle took it): a longer start
KICKER_WORDS = 2  # a line this short above the article's text is a label, not a headline
FOOTER_LABEL_WORDS = 6  # a line after the article's last sentence this short is a label
SUBHEADING_WORDS = 4
TEASERS_UNDER_HEADING = 2
TEASER_MIN_WORDS = 4
TEASER_WITH_FIGURES_WORDS = 6
SITE_NAME_MIN_CHARS = 2  # `DR`, `B.T.`
SITE_NAME_MAX_WORDS = 3
SLOGAN_MAX_WORDS = 12
SITE_NAME_ARTICLES = frozenset({"der", "die", "das", "the"})
SITE_NAME_SEPARATORS = frozenset({"–", "—", "-", "·", "|", "•"})
SITE_NAME_SUFFIXES = frozenset({"online", "news", "nyheder", "nachrichten", "plus", "play", "pro", "live", "tv", "digital", "e-avis", "epaper", "+"})
SITE_NAME_LEGAL_FORMS = frozenset({"a/s", "aps", "i/s", "gmbh", "ag", "se", "kg", "ab", "asa"})
SITE_NAME_FROM = frozenset({"fra", "von", "from", "bei", "hos", "på", "auf"})  # `Nyheder døgnet rundt fra TV 2`
MIN_ARTICLE_WORDS = 40  # without a finished sentence of LAST_SENTENCE_WORDS, this much text is an article
BYLINE_NAME_WORDS = 4
LAST_SENTENCE_WORDS = 8  # what follows the last finished sentence this long is no longer article
CODE_MIN_SYMBOLS = 4
CODE_SYMBOL_SHARE = 0.06  # prose has one such character in a hundred or fewer; code many more
TITLE_MAX_WORDS = 25
TITLE_MAX_CHARS = 200


@dataclass
class _Line:
    text: str
    index: int
    key: str  # the line as the corpus count compared it (line_key before any cut)
    reason: str | None = None

    @property
    def kept(self) -> bool:
        return self.reason is None


class _Cleaner:
    def __init__(self, rules: Rules) -> None:
        self.rules = rules
        self._removed: list[tuple[int, Removal]] = []
        self._label_keys: dict[str, str] = {}
        self._kinds: dict[str, str | None] = {}
        self._cuts: dict[str, tuple[Kind, int] | None] = {}

    def label_key(self, text: str) -> str:
        """A line's key with counters removed (`Kommentarer (214)` is `kommentarer`), computed once."""
        key = self._label_keys.get(text)
        if key is None:
            key = self._label_keys[text] = line_key(_strip_counts(text))
        return key

    def drop(self, text: str, reason: str, index: int = -1) -> None:
        if text.strip():
            self._removed.append((index, Removal(text.strip(), reason)))

    @property
    def removed(self) -> list[Removal]:
        """Removals in document order."""
        return [removal for _, removal in sorted(self._removed, key=lambda item: item[0])]

    # -- characters and markup ---------------------------------------------------------------
    def normalise(self, text: str) -> str:
        text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
        text = _CONTROL.sub("", _INVISIBLE.sub("", text))
        if "&" in text:
            text = html.unescape(text)
        for pattern in (_SCRIPT_STYLE, _COMMENT):
            for m in pattern.finditer(text):
                self.drop(m.group(0), "html")
            text = pattern.sub("\n", text)

        def strip_tag(m: re.Match[str]) -> str:
            self.drop(m.group(0), "html")
            return "\n" if _BLOCK_TAG.match(m.group(0)) else " "

        text = self.rules.tag.sub(strip_tag, text)
        return _INVISIBLE.sub("", text)

    @staticmethod
    def split_lines(text: str) -> list[_Line]:
        """Non-empty lines, spacing collapsed (wide gaps kept: they separate widget items)."""
        lines: list[_Line] = []
        for raw in text.split("\n"):
            line = _ODD_SPACE.sub(" ", _WIDE_GAP.sub("  ", raw)).strip()
            if line:
                lines.append(_Line(line, len(lines), line_key(line)))
        return lines

    # -- inside a line ---------------------------------------------------------------------
    def cut_toggles(self, line: _Line) -> None:
        """Remove caption toggles at a line's end or between two copies of the same caption."""
        if self.rules.toggle is None or not self.rules.may_have_toggle(line.text):
            return
        parts = self.rules.toggle.split(line.text)
        if len(parts) == 1:
            return
        labels = self.rules.toggle.findall(line.text)
        kept = [parts[0].strip()]
        for label, segment in zip(labels, parts[1:]):
            segment = segment.strip()
            previous = kept[-1]
            if not segment:
                self.drop(label, "caption_toggle", line.index)
            elif _same_caption(previous, segment):
                self.drop(label, "caption_toggle", line.index)
                longer, shorter = (segment, previous) if len(segment) > len(previous) else (previous, segment)
                self.drop(shorter, "duplicate_caption", line.index)
                kept[-1] = longer
            else:
                kept[-1] = f"{previous} {label}".strip()
                kept.append(segment)
        line.text = " ".join(k for k in kept if k)
        if not line.text:
            line.reason = "caption_toggle"

    def cut_edges(self, line: _Line) -> None:
        """Cut datelines that start a line, and credits and agency marks that end it after a finished sentence."""
        for kind in self.rules.kinds:
            for pattern in kind.leading:
                m = pattern.match(line.text)
                if m and m.end() < len(line.text):
                    self.drop(m.group(0), kind.name, line.index)
                    line.text = line.text[m.end() :]
        while True:
            cut = self._trailing_cut(line.text)
            if cut is None or cut[1] == 0:
                return  # a whole line of credit or agency marks is left to classify()
            kind, start = cut
            self.drop(line.text[start:], kind.name, line.index)
            line.text = line.text[:start].rstrip()

    def _trailing_cut(self, text: str) -> tuple[Kind, int] | None:
        """The first trailing pattern that ends `text`, and where its match starts (remembered per
        text: cut_edges and classify both ask about a line's final text)."""
        if text not in self._cuts:
            self._cuts[text] = self._find_trailing_cut(text)
        return self._cuts[text]

    def _find_trailing_cut(self, text: str) -> tuple[Kind, int] | None:
        first = max(0, len(text) - TRAILING_CHARS)
        for kind, pattern in self.rules.trailing_candidates(text[first:].lower()):
            start = _trailing_start(pattern, text, first)
            if start is not None:
                return kind, start
        return None

    # -- whole lines -----------------------------------------------------------------------
    def classify(self, text: str, key: str | None = None) -> str | None:
        """The kind of boilerplate a whole line is, or None for article text (remembered per text:
        pages repeat their labels). `key` is its line_key when known."""
        if text not in self._kinds:
            self._kinds[text] = self._classify(text, line_key(text) if key is None else key)
        return self._kinds[text]

    def _classify(self, text: str, key: str) -> str | None:
        if not key and not any(ch.isalnum() for ch in text):
            return "no_letters"
        words = word_count(text)
        needed = self.needed_hits(text, words)
        candidates = self.rules.candidates(text)
        for kind in self.rules.kinds:
            if key in kind.lines:
                return kind.name
            patterns = candidates.get(kind.name)
            if patterns and _reachable(patterns, needed, words) and kind.hits(text, patterns, words) >= needed:
                return kind.name
        cut = self._trailing_cut(text)
        if cut and cut[1] == 0:
            return cut[0].name
        if self.is_menu_line(text):
            return "menu"
        if words > MEDIUM_LINE_WORDS and _SENTENCE_END.search(text):
            return None  # a long paragraph that ends a sentence is no row of items
        return self.classify_segments(text)

    def is_menu_line(self, text: str) -> bool:
        """Five or more capitalised words, no punctuation, none of the small words of a Title Case headline."""
        words = text.split()
        return (
            len(words) >= MENU_LINE_MIN_WORDS
            and all(w[:1].isupper() or w[:1].isdigit() for w in words)
            and not re.search(r"[.,:;!?»«\"“”„()]", text)
            and not any(w.casefold() in self.rules.title_case_words for w in words)
        )

    def needed_hits(self, text: str, words: int | None = None) -> float:
        """Pattern hits that make a line boilerplate: more for longer lines and for quotations."""
        words = word_count(text) if words is None else words
        needed = 1 if words <= SHORT_LINE_WORDS else 2 if words <= MEDIUM_LINE_WORDS else 3
        if _QUOTES.search(text) and self.rules.speech.search(text):
            needed += 1
        return needed

    def classify_segments(self, text: str) -> str | None:
        """A line of items joined by separators (share bar, menu, byline with reading time): boilerplate
        when every item is boilerplate or a short label."""
        if not _SEPARATOR_HINT.search(text):
            return None
        segments = [s for s in _SEGMENT_SEPARATOR.split(text) if s and s.strip(" :·")]
        if len(segments) < 2:
            return None
        for kind in self.rules.kinds:  # a row of widget buttons: Gefällt mir 312 · Traurig 188
            if kind.vocabulary and all(self.label_key(s) in kind.vocabulary for s in segments):
                return kind.name
        kinds = [self.classify(s) for s in segments]
        if not all(k or word_count(_strip_counts(s)) <= SEGMENT_LABEL_WORDS for k, s in zip(kinds, segments)):
            return None
        if re.search(r"\s[›>/]\s", text):
            return "breadcrumb"
        named = [k for k in kinds if k]
        return max(set(named), key=named.count) if named else "menu"

    def sections(self, lines: list[_Line]) -> None:
        """Remove a heading's section: what follows a comment, read-also or reaction heading.

        Before the first article paragraph only the heading goes: the headline follows chrome there.
        """
        total_words = sum(word_count(x.text) for x in lines if x.kept) or 1
        words_before = 0
        article_started = False
        for i, line in enumerate(lines):
            kind = self._heading_kind(line, islice(lines, i + 1, None)) if line.kept else None
            if kind is None:
                if line.kept:
                    words_before += word_count(line.text)
                    article_started = article_started or _is_article_paragraph(line.text)
                continue
            self.remove(line, kind.name)
            if kind.tail and words_before / total_words >= TAIL_FRACTION:
                for rest in lines[i + 1 :]:
                    self.remove(rest, kind.name)
                return
            if not article_started:
                continue
            taken = 0
            followers = [x for x in lines[i + 1 :] if x.kept]
            for n, follower in enumerate(followers):
                if taken >= kind.section_max_lines or self._heading_kind(follower, islice(followers, n + 1, None)) or not self._belongs(follower, kind):
                    break
                if n + 1 < len(followers) and _is_subheading(follower, followers[n + 1]):
                    break  # the article's next subheading, not one more link of the box
                self.remove(follower, kind.name)
                taken += 1

    def _heading_kind(self, line: _Line, rest: Iterable[_Line]) -> Kind | None:
        """The kind whose heading this line is. A heading matched by a pattern (`Mehr aus …`) is one only
        over at least two teaser headlines; else it is the article's own subheading or list opener."""
        key = self.label_key(line.text)
        if key in self.rules.heading_kinds:
            return self.rules.heading_kinds[key]
        kind = self.rules.heading_kind_of(key)
        if kind is None or line.text.endswith(":"):
            return None
        following = list(islice((x for x in rest if x.kept), TEASERS_UNDER_HEADING))
        teasers = len(following) == TEASERS_UNDER_HEADING and all(_is_teaser(x.text) for x in following)
        return kind if teasers else None

    def _belongs(self, line: _Line, kind: Kind) -> bool:
        key = self.label_key(line.text)
        return (
            key in kind.vocabulary
            or key in kind.lines
            or kind.hits(line.text) > 0
            or (word_count(line.text) <= LINK_LIKE_WORDS and not _STATEMENT_END.search(line.text))
        )

    def neighbours(self, lines: list[_Line]) -> None:
        """Boilerplate comes in blocks: beside a line removed as one kind, half the usual evidence of
        that kind is enough. One pass down and one up lets a block grow in both directions."""
        for order, step in ((range(1, len(lines)), -1), (range(len(lines) - 2, -1, -1), 1)):
            for i in order:
                line, reason = lines[i], lines[i + step].reason
                kind = self.rules.kinds_by_name.get(reason) if reason else None
                if line.kept and kind and kind.hits(line.text) >= self.needed_hits(line.text) / 2:
                    self.remove(line, kind.name)

    def names_by_bylines(self, lines: list[_Line]) -> None:
        """A bare name (Verena Hochstrasser; Jonas Meili, Bern) beside a byline or timestamp is a byline.
        A bare name over a line that starts with a role (`Korrespondent in Washington.`, `Journalist
        på NORDJYSKE …`) or with the same name and a year of birth is an author box, both lines."""
        for i, line in enumerate(lines):
            if not line.kept or not _NAME_LINE.fullmatch(line.text) or word_count(line.text) > 8:
                continue
            neighbours = [lines[j] for j in (i - 1, i + 1) if 0 <= j < len(lines)]
            if any(n.reason in ("byline", "timestamp") for n in neighbours):
                self.remove(line, "byline")
            elif i + 1 < len(lines) and lines[i + 1].kept and _BARE_NAME.fullmatch(line.text) and (
                _ROLE_FIRST.match(lines[i + 1].text) or re.match(re.escape(line.text) + _BORN, lines[i + 1].text)
            ):
                self.remove(line, "author_box")
                self.remove(lines[i + 1], "author_box")

    def site_name(self, lines: list[_Line], raw: RawDocument) -> None:
        """Lines that are the publication's own name — known from the page's `source` or URL, the
        names its own chrome gives (see self_names) or the short label that opens the page — again:
        alone or with a product word (`ZEIT ONLINE`, `Yahoo Nachrichten`), with a slogan or address
        after a dash or dot (`Politiken – dagbladet …`), or after a slogan (`Nyheder døgnet rundt fra
        TV 2`)."""
        kept = [x for x in lines if x.kept]
        names = {name for name in _site_names(raw) | self.self_names() if len(name) >= SITE_NAME_MIN_CHARS}
        first = kept[0] if len(kept) > 1 else None
        if first and _names_site(first.text, names):
            self.remove(first, "masthead")  # named by the page's source, URL or own chrome, not only by itself
        elif first and word_count(first.text) <= SITE_NAME_MAX_WORDS and not _SENTENCE_END.search(first.text) and not _is_article_paragraph(kept[1].text):
            names |= _name_forms(first.text)  # the page's first label, its masthead: `Politiken – …` below
        if not names:
            return
        for n, line in enumerate(kept[1:], start=1):  # an unnamed first line is page_edges' to judge
            after = kept[n + 1] if n + 1 < len(kept) else None
            if after is not None and _heads_paragraph(line, after):
                continue
            if _names_site(line.text, names):
                self.remove(line, "masthead")

    def self_names(self) -> set[str]:
        """The names the page's own chrome gives the site: its imprint (`© 2025 Yahoo. Alle Rechte
        vorbehalten.`), the subject of its consent notice, the name over its postal address."""
        names = set()
        for _, removal in self._removed:
            text, reason = removal.text, removal.reason
            if reason == "copyright" and _RIGHTS.search(text) and (m := _IMPRINT.match(text)) and not _NOT_A_NAME.match(m.group(1)):
                names |= _name_forms(m.group(1).split(". ")[0])
            elif reason == "consent" and (m := _CONSENT_SUBJECT.match(text)) and not _PRONOUN_SUBJECT.match(m.group(1)):
                names |= _name_forms(m.group(1))
            elif (m := _ADDRESS.match(text)) is not None:
                names |= _name_forms(m.group(1))
        return names

    def runs(self, lines: list[_Line]) -> None:
        """Remove runs of widget buttons and menu-like very short lines."""
        vocabulary = self.rules.vocabulary
        kept = [x for x in lines if x.kept]
        for reason, test, minimum in (
            ("reaction_widget", lambda x: self.label_key(x.text) in vocabulary, VOCABULARY_RUN),
            ("menu", lambda x: _is_menu_item(x) and not _DIGIT.search(x.text), MENU_RUN),
        ):
            start = 0
            while start < len(kept):
                end = start
                while end < len(kept) and kept[end].kept and test(kept[end]):
                    end += 1
                introduced = start > 0 and self.opens_list(kept[start - 1])
                if reason == "menu" and end < len(kept) and end > start and _is_topic_line(kept[end - 1], kept[end]):
                    end -= 1  # a topic line over the headline (Dachzeile), not one more menu item
                if end - start >= minimum and not introduced:
                    for x in kept[start:end]:
                        self.remove(x, reason)
                start = max(end, start + 1)

    def repeated(self, lines: list[_Line], corpus: RepeatedLines) -> None:
        """Remove lines the corpus repeats across different articles (see index.repeated). Such a line
        goes unless it ends a sentence — a stock phrase like `Det oplyser politiet.` recurs in real
        articles — or is a heading of this article (a heading-like line over an article paragraph) or
        opens a list. A sentence goes too when the lines on both sides of it are repeated chrome
        that is no sentence (or one is and the page ends on the other): a block of chrome."""
        if not corpus:
            return
        flagged = [line.key in corpus for line in lines]
        chrome = [f and not _SENTENCE_END.search(line.text) for f, line in zip(flagged, lines)]
        kept = [i for i, line in enumerate(lines) if line.kept]
        for position, i in enumerate(kept):
            line = lines[i]
            if not flagged[i] or self.opens_list(line):
                continue
            after = lines[kept[position + 1]] if position + 1 < len(kept) else None
            if _SENTENCE_END.search(line.text):
                before = chrome[i - 1] if i > 0 else True
                after_chrome = chrome[i + 1] if i + 1 < len(lines) else True
                if before and after_chrome and len(lines) > 1:
                    self.remove(line, "repeated_line")
            elif not (after and not flagged[after.index] and _heads_paragraph(line, after)):
                self.remove(line, "repeated_line")

    def page_edges(self, lines: list[_Line]) -> None:
        """Labels around the article. Above its second paragraph (the first is often a lead, with the
        byline after it): a line of one or two words that ends no sentence (a masthead, a section
        name), a bare name or a name with a role (a byline), a trail of four or more steps (a
        breadcrumb) — but not the headline, a two-word topic line over it, or a heading over a
        sentence. Below its last sentence (and an author's bio there): a label of up to
        FOOTER_LABEL_WORDS words without figures or quotation marks (a follow button, a masthead), a
        bare name or a name with a role, and other articles' headlines two or more in a row or tagged
        with their source (`Ritzau · …`). Never the items of a list, a fact box or a table."""
        kept = [x for x in lines if x.kept]
        paragraphs = [n for n, x in enumerate(kept) if _is_article_paragraph(x.text)]
        if not paragraphs:
            return
        listed = self.listed(kept)
        head_end = paragraphs[1] if len(paragraphs) > 1 else paragraphs[0]
        for n, line in enumerate(kept[:head_end]):
            if listed[n] or (_SENTENCE_END.search(line.text) and not _INITIALS.fullmatch(line.text)):
                continue
            if _BREADCRUMB_TRAIL.search(line.text):
                self.remove(line, "breadcrumb")
                continue
            if n == 0 and _is_article_paragraph(kept[1].text):
                continue  # the headline, however short
            if n > 0 and _is_topic_line(line, kept[n + 1]):
                continue  # the first line is the masthead, a later one over the headline its topic
            if n > paragraphs[0] and _heads_sentence(line, kept[n + 1]):
                continue  # after the lead, a line over a sentence is a subheading
            if word_count(line.text) <= KICKER_WORDS:
                self.remove(line, "page_header")
            elif n > 0 and (_is_name(line.text) or _NAME_ROLE.fullmatch(line.text)):  # line 0 may be a Title Case headline
                self.remove(line, "byline")
        last = max(n for n, x in enumerate(kept) if _ends_article(x.text))
        if self.author_bio(lines, kept[last]):
            last = max((n for n, x in enumerate(kept[:last]) if _ends_article(x.text)), default=last)
        for n, line in enumerate(kept[last + 1 :], start=last + 1):
            if listed[n] or _SENTENCE_END.search(line.text) or _in_table(kept, n):
                continue
            teasers = [m for m in (n - 1, n + 1) if last < m < len(kept) and _is_teaser(kept[m].text)]
            if _is_name(line.text) or _NAME_ROLE.fullmatch(line.text):
                self.remove(line, "byline")
            elif word_count(line.text) <= FOOTER_LABEL_WORDS and not _DIGIT.search(line.text) and not _QUOTES.search(line.text):
                self.remove(line, "page_footer")
            elif _SOURCE_TEASER.match(line.text) or (_is_teaser(line.text) and teasers):
                self.remove(line, "related_links")  # other articles' headlines, one after another

    def author_bio(self, lines: list[_Line], line: _Line) -> bool:
        """Remove the page's last sentence when it has the shape of an author's bio (`Kasper Holm er
        Berlingskes korrespondent i …`) and a line beside it was removed as an author box."""
        kind = self.rules.kinds_by_name.get("author_box")
        beside = [lines[i] for i in (line.index - 1, line.index + 1) if 0 <= i < len(lines)]
        if kind and kind.hits(line.text) and any(x.reason == "author_box" for x in beside):
            self.remove(line, "author_box")
            return True
        return False

    def opens_list(self, line: _Line) -> bool:
        """A line that introduces a list: it ends with a colon or starts like a fact box (`Fakta`)."""
        return line.text.endswith(":") or self.rules.list_openers.search(line.text) is not None

    def listed(self, kept: list[_Line]) -> list[bool]:
        """Per kept line, whether it opens a list (a line ending with a colon, or starting like a fact
        box: `Fakta`, `Hintergrund`) or is an item of one: the short lines without a sentence end
        that follow. One pass down the page."""
        result, open_list = [], False
        for line in kept:
            if self.opens_list(line):
                open_list = True
            elif _SENTENCE_END.search(line.text) or word_count(line.text) > LINK_LIKE_WORDS:
                open_list = False
            result.append(open_list)
        return result

    def remove(self, line: _Line, reason: str) -> None:
        if line.kept:
            line.reason = reason
            self.drop(line.text, reason, line.index)

    # -- duplicates ------------------------------------------------------------------------
    def truncated_copies(self, lines: list[_Line], keys: dict[int, str]) -> None:
        """Remove a caption or teaser cut short (with an ellipsis, or where a toggle was) when the page also
        has it in full: its words are the start of a longer line's. One sort finds every such pair."""
        ordered = sorted(((keys[x.index], x) for x in lines if x.kept), key=lambda item: item[0])
        for (key, line), (following, _) in zip(ordered, ordered[1:]):
            truncated = line.text.rstrip().endswith(("…", "..."))  # then it may stop inside a word
            if not truncated and _SENTENCE_END.search(line.text):
                continue  # a finished sentence that another paragraph repeats and goes on from is text
            needed = TRUNCATED_MIN_WORDS if truncated else PREFIX_COPY_MIN_WORDS
            if following.startswith(key if truncated else key + " ") and following != key and len(key.split()) >= needed:
                self.remove(line, "duplicate_caption")

    def deduplicate(self, lines: list[_Line], keys: dict[int, str], title: str | None) -> None:
        title_key = content_key(title) if title else None
        seen: dict[str, int] = {}  # key -> position among kept lines
        earlier = _LongLines()
        duplicates: list[tuple[_Line, int, str]] = []  # (line, original's position, reason)
        position = 0
        for line in lines:
            if not line.kept:
                continue
            key = keys[line.index]
            if title_key and key == title_key:
                self.remove(line, "duplicate_title")
                continue
            if key in seen:
                duplicates.append((line, seen[key], "duplicate_paragraph"))
                continue
            words = frozenset(key.split())
            long = len(words) >= NEAR_DUPLICATE_MIN_WORDS
            prefix = earlier.prefix(words) if long else []
            original = earlier.near_duplicate(words, prefix) if long else None
            if original is not None:
                duplicates.append((line, original, "near_duplicate_paragraph"))
                continue
            seen[key] = position
            if long:
                earlier.add(position, words, prefix)
            position += 1
        # Consecutive duplicates of consecutive originals are a repeated article, not a stray copy.
        run: list[tuple[_Line, int, str]] = []
        for item in duplicates + [None]:  # type: ignore[list-item]
            if item is not None and run and item[1] == run[-1][1] + 1:
                run.append(item)
                continue
            for line, _, reason in run:
                self.remove(line, "repeated_article" if len(run) >= REPEATED_ARTICLE_RUN else reason)
            run = [item] if item is not None else []


def _same_caption(a: str, b: str) -> bool:
    """Two caption copies: equal, or one a truncated start of the other."""
    ka, kb = content_key(a), content_key(b)
    if not ka or not kb:
        return False
    short, long = sorted((ka, kb), key=len)
    return long.startswith(short) and len(short) >= 0.5 * len(long) or short == long


def _trailing_start(pattern: FilteredPattern, text: str, first: int) -> int | None:
    """Where a match of `pattern` that ends the line begins (not before `first`), at the line's start
    or after a finished sentence."""
    if not pattern.regex.search(text, first):
        return None
    for start in [0] + [m.end() for m in re.finditer(r"\s+", text)]:
        if start < first:
            continue
        if start and text[start] not in "([" and not _LEFT_CONTEXT_OK.search(text[:start].rstrip()):
            continue
        m = pattern.match(text, start)
        if m and m.end() >= len(text.rstrip()):
            return start
    return None


def _reachable(patterns, needed: float, words: int) -> bool:
    """Whether these candidate patterns could add up to `needed` hits on a line of `words` words (an
    anchored one decides alone)."""
    total = 0.0
    for pattern in patterns:
        if pattern.applies(words):
            if pattern.decisive:
                return True
            total += pattern.weight
    return total >= needed


def _strip_counts(text: str) -> str:
    """Text without counters: `Kommentare (214)` -> `Kommentare`, `Gefällt mir 312` -> `Gefällt mir`."""
    if not _DIGIT.search(text):
        return text
    return re.sub(r"\d[\d.,]*", " ", re.sub(r"\([^()]*\d[^()]*\)", " ", text))


def _site_names(raw: RawDocument) -> set[str]:
    """The publication's names in compact form (letters and digits, lower case), from `source` and the
    URL's host (`https://www.ekstrabladet.dk/…` -> `ekstrabladet`), see _name_forms."""
    return set().union(*(_name_forms(name) for name in (raw.source, _host(raw.url)) if name))


def _name_forms(name: str) -> set[str]:
    """A site's name in compact form, without its legal form (`TV 2 DANMARK A/S`) or, for a host
    name (`Stiften.dk`), as its second-level label; a name of several words also by its initials
    (`Süddeutsche Zeitung` is `SZ`, `Jyllands-Posten` is `JP`)."""
    words = name.split()
    if len(words) > 1 and words[-1].casefold() in SITE_NAME_LEGAL_FORMS:
        words = words[:-1]
    if len(words) > 1 and words[0].casefold() in SITE_NAME_ARTICLES:
        words = words[1:]
    labels = name.casefold().split(".")
    if len(words) == 1 and len(labels) >= 2 and labels[-1].isalpha() and 2 <= len(labels[-1]) <= 3:
        return {_compact(name), _compact(labels[-2])}
    parts = _NAME_PARTS.split(" ".join(words))
    initials = len(parts) > 1 and all(len(part) > 1 and part[0].isalpha() for part in parts)  # not `t-online`, `TV 2`
    return {_compact(" ".join(words))} | ({"".join(part[0] for part in parts).casefold()} if initials else set())


def _host(url: str | None) -> str:
    try:
        return urlsplit(url or "").hostname or ""
    except ValueError:  # a malformed URL names no host
        return ""


def _compact(text: str) -> str:
    return _NON_ALNUM.sub("", text.casefold())


def _names_site(text: str, names: set[str]) -> bool:
    """A line that is the site's name, perhaps with a product word (`ONLINE`, `Play`, `Nachrichten`),
    or the name, a dash or dot and a slogan or address (or a short slogan, a dash and the name),
    ending no sentence."""
    words = text.split()
    if len(words) > SLOGAN_MAX_WORDS or (_SENTENCE_END.search(text) and not _INITIALS.fullmatch(text)):
        return False
    if len(words) > 1 and words[0].casefold() in SITE_NAME_ARTICLES:
        words = words[1:]  # DER SPIEGEL
    for k in range(1, min(len(words), SITE_NAME_MAX_WORDS) + 1):
        if _compact(" ".join(words[:k])) in names:
            rest = words[k:]
            if rest and rest[0].casefold() in SITE_NAME_LEGAL_FORMS:
                rest = rest[1:]  # Sjællandske Medier A/S · …
            if not rest or (len(rest) == 1 and rest[0].casefold() in SITE_NAME_SUFFIXES) or rest[0] in SITE_NAME_SEPARATORS:
                return True
        if len(words) > k + 1 and _compact(" ".join(words[-k:])) in names and (
            words[-k - 1] in SITE_NAME_SEPARATORS or words[-k - 1].casefold() in SITE_NAME_FROM
        ):
            return True  # a slogan, then the name: `Nachrichten rund um die Uhr – ntv.de`
    return False


def _in_table(kept: list[_Line], n: int) -> bool:
    """Whether kept[n] is one of two or more lines in a row that carry figures (results, a table), or
    the heading right over them."""

    def figures(m: int) -> bool:
        return 0 <= m < len(kept) and _DIGIT.search(kept[m].text) is not None and not _SENTENCE_END.search(kept[m].text)

    return (figures(n) and (figures(n - 1) or figures(n + 1))) or (figures(n + 1) and figures(n + 2))


def _is_name(text: str) -> bool:
    return bool(_NAME_LINE.fullmatch(text)) and word_count(text) <= BYLINE_NAME_WORDS


def _ends_article(text: str) -> bool:
    """A line that can be the article's last: a finished sentence of some length."""
    return word_count(text) >= LAST_SENTENCE_WORDS and bool(_SENTENCE_END.search(text))


def _unreadable(text: str, speech: re.Pattern[str]) -> str | None:
    """Code (script, JSON, CSS left in the text) or scrambled letters: what no reader can read. A
    quotation with a verb of saying is someone's words, in whatever language."""
    symbols = len(_CODE_CHARS.findall(text)) if _CODE_HINT.search(text) else 0
    if symbols >= CODE_MIN_SYMBOLS and symbols >= CODE_SYMBOL_SHARE * len(text):
        return "code"
    if is_scrambled(text) and not (_QUOTES.search(text) and speech.search(text)):
        return "scrambled_text"
    return None


def _is_article_paragraph(text: str) -> bool:
    return word_count(text) >= ARTICLE_PARAGRAPH_WORDS and bool(_SENTENCE_END.search(text))


def _heads_paragraph(line: _Line, after: _Line) -> bool:
    """A heading-like line right above an article paragraph: a heading of the article."""
    return _is_heading_like(line.text) and _is_article_paragraph(after.text)


def _is_heading_like(text: str) -> bool:
    """A heading's shape, one word up: short, capitalised, no closing full stop, comma or colon."""
    return (
        1 <= word_count(text) <= TITLE_MAX_WORDS
        and text[-1] not in ".,;:"
        and (text[0].isupper() or text[0].isdigit() or text[0] in "»„“\"'")
    )


def _is_teaser(text: str) -> bool:
    """A line shaped like another article's headline: several words, no sentence end, and no row of a
    table (few words with figures)."""
    words = word_count(text)
    return words >= TEASER_MIN_WORDS and is_headline(text) and (words >= TEASER_WITH_FIGURES_WORDS or not _DIGIT.search(text))


def _heads_sentence(line: _Line, after: _Line) -> bool:
    """A heading-like line right above a finished sentence, however short: `Kritik` over `Alles begann
    im März 2018.`"""
    return _is_heading_like(line.text) and bool(_SENTENCE_END.search(after.text))


def _is_subheading(line: _Line, after: _Line) -> bool:
    """A short heading over an article paragraph; the headlines of a link box are longer sentences."""
    return word_count(line.text) <= SUBHEADING_WORDS and ":" not in line.text and _heads_paragraph(line, after)


def _is_topic_line(line: _Line, after: _Line) -> bool:
    """A line of several words right above a longer headline: the headline's topic line (Dachzeile)."""
    return word_count(line.text) >= 2 and is_headline(after.text) and word_count(after.text) > word_count(line.text)



def _is_menu_item(line: _Line) -> bool:
    return word_count(line.text) <= MENU_LINE_WORDS and not _SENTENCE_END.search(line.text) and not line.text.endswith(":")


class _LongLines:
    """The word sets of earlier long lines, indexed so that a near-duplicate is found without comparing
    a line with each of them. Prefix filtering: in any fixed order of words, two sets with Jaccard
    similarity t or more share one of the first n - ceil(t * n) + 1 words of each set of n words.
    Only the last NEAR_DUPLICATE_WINDOW long lines are searched: linear time on huge files."""

    def __init__(self) -> None:
        self.lines: list[tuple[int, frozenset[str]]] = []  # (position among kept lines, words)
        self.postings: dict[str, list[int]] = {}  # prefix word -> indexes into self.lines

    @staticmethod
    def prefix(words: frozenset[str]) -> list[str]:
        """The first words in a fixed order that puts long (rare) words first: short postings."""
        size = len(words) - math.ceil(NEAR_DUPLICATE_JACCARD * len(words)) + 1
        return sorted(sorted(words), key=len, reverse=True)[:size]  # the sort is stable: a total order

    def near_duplicate(self, words: frozenset[str], prefix: list[str]) -> int | None:
        """The position of the latest earlier line whose words are nearly these, or None."""
        oldest = len(self.lines) - NEAR_DUPLICATE_WINDOW
        candidates: set[int] = set()
        for word in prefix:
            for number in reversed(self.postings.get(word, ())):
                if number < oldest:
                    break
                candidates.add(number)
        for number in sorted(candidates, reverse=True):
            position, other = self.lines[number]
            if min(len(words), len(other)) < NEAR_DUPLICATE_JACCARD * max(len(words), len(other)):
                continue  # sizes this far apart cannot reach the similarity
            common = len(words & other)
            if common >= NEAR_DUPLICATE_JACCARD * (len(words) + len(other) - common):
                return position
        return None

    def add(self, position: int, words: frozenset[str], prefix: list[str]) -> None:
        for word in prefix:
            self.postings.setdefault(word, []).append(len(self.lines))
        self.lines.append((position, words))


def has_article_text(paragraphs: list[str]) -> bool:
    """Whether cleaning left an article: one finished sentence of some length (a brief may be no more),
    or a few short lines. What a consent wall or login page leaves behind is buttons and labels."""
    return any(_ends_article(p) for p in paragraphs) or sum(map(word_count, paragraphs)) >= MIN_ARTICLE_WORDS


def is_headline(text: str) -> bool:
    """A first line that reads as a headline: heading-like, of three words or more, not too long."""
    return _is_heading_like(text) and word_count(text) >= 3 and len(text) <= TITLE_MAX_CHARS


def removal_reasons(rules: Rules | None = None) -> frozenset[str]:
    """Every reason a removal can carry."""
    return CODE_REASONS | {kind.name for kind in (rules or load_rules()).kinds}


def line_keys(text: str, rules: Rules | None = None) -> list[str]:
    """The keys of a raw page's lines as the cleaner sees them: what a corpus count compares."""
    cleaner = _Cleaner(rules or load_rules())
    return [line.key for line in cleaner.split_lines(cleaner.normalise(text))]


def clean(raw: RawDocument, rules: Rules | None = None, repeated: RepeatedLines = NO_REPEATED_LINES) -> CleanDocument:
    """Clean one raw article; `repeated` are the lines its corpus repeats across articles. The title
    is the explicit one, or the first line when it reads as a headline, or None. The result may have
    no paragraphs: then it has no article text."""
    cleaner = _Cleaner(rules or load_rules())
    lines = cleaner.split_lines(cleaner.normalise(raw.text))
    for line in lines:
        text = line.text
        cleaner.cut_toggles(line)
        if line.kept:
            cleaner.cut_edges(line)
        if line.kept:
            key = line.key if line.text is text else None  # uncut: its key is known
            reason = cleaner.classify(line.text, key) or _unreadable(line.text, cleaner.rules.speech)
            if reason:
                cleaner.remove(line, reason)
    cleaner.neighbours(lines)
    cleaner.sections(lines)
    cleaner.names_by_bylines(lines)
    cleaner.runs(lines)
    cleaner.repeated(lines, repeated)
    cleaner.site_name(lines, raw)
    cleaner.page_edges(lines)

    title = raw.title
    kept = [x for x in lines if x.kept]
    headline = None
    if title is None and len(kept) > 1 and (is_headline(kept[0].text) or _heads_paragraph(kept[0], kept[1])):
        headline = kept[0]
        title = " ".join(headline.text.split())
    keys = {x.index: content_key(x.text) for x in lines if x.kept}  # the texts change no more
    cleaner.truncated_copies(lines, keys)
    cleaner.deduplicate([x for x in lines if x is not headline], keys, title)
    paragraphs = [" ".join(x.text.split()) for x in lines if x.kept and x is not headline]
    return CleanDocument(
        id=raw.id,
        title=title,
        paragraphs=paragraphs,
        removed=cleaner.removed,
        source_path=raw.source_path,
        date=raw.date,
        url=raw.url,
        source=raw.source,
        lang=raw.lang or "und",
    )
