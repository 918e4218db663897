"""Boilerplate rules: loaded from `index/rules/*.toml` (see the README there), and from a user's own
rules folder (NEWSFACET_RULES_DIR) merged on top, into matchers. Every key is checked: a misspelt
key or table fails loudly with its file named, instead of silently doing nothing."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import ahocorasick

from index.prefilter import FilteredPattern

RULES_DIR = Path(__file__).resolve().parent.parent / "rules"


class RulesError(ValueError):
    """A rule file that cannot be used: it names the file and what is wrong."""


def line_key(text: str) -> str:
    """A line as rules compare it: case-folded, spacing collapsed, edge punctuation dropped."""
    key = " ".join(text.replace("’", "'").casefold().split())
    start, end = 0, len(key)
    while start < end and not _is_word_char(key[start]):
        start += 1
    while end > start and not _is_word_char(key[end - 1]):
        end -= 1
    return key[start:end]


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


# Every character below U+3000 that is no word character (\w: letters, digits, underscore) as a space.
_NON_WORD = {c: " " for c in range(0x3000) if not (chr(c).isalnum() or chr(c) == "_")}
_WORD = re.compile(r"\w+")
_FROM_U3000 = re.compile("[\u3000-\U0010ffff]")


def content_key(text: str) -> str:
    """A line as duplicate detection compares it: its words (runs of \\w) only, case-folded. Characters
    after U+3000 count as word characters (CJK punctuation stays with its words)."""
    folded = text.casefold()
    if not _FROM_U3000.search(folded):
        return " ".join(_WORD.findall(folded))  # the same words, found twice as fast
    return " ".join(folded.translate(_NON_WORD).split())


@lru_cache(maxsize=8192)
def word_count(text: str) -> int:
    """Words in a line; remembered, as every stage of the cleaner asks again."""
    return len(text.split())


@dataclass(frozen=True, eq=False)
class LinePattern:
    """A pattern for whole lines; `max_words` comes from the file that defines it."""

    regex: FilteredPattern
    max_words: int | None
    weight: float  # 1 for `patterns`, 0.5 for `weak`

    def __post_init__(self) -> None:
        # Anchored at the line's start with full weight: it describes the whole line's shape, so one
        # match decides.
        object.__setattr__(self, "decisive", self.weight == 1 and self.regex.pattern.startswith(("^", "(?-i:^")))

    def applies(self, words: int) -> bool:
        return self.max_words is None or words <= self.max_words

    def search(self, text: str, words: int) -> re.Match[str] | None:
        return self.regex.regex.search(text) if self.applies(words) else None


@dataclass(frozen=True)
class Kind:
    """One kind of boilerplate and the ways it is recognised."""

    name: str
    lines: frozenset[str]
    patterns: tuple[LinePattern, ...]
    trailing: tuple[FilteredPattern, ...]
    leading: tuple[FilteredPattern, ...]
    headings: frozenset[str]
    heading_patterns: tuple[re.Pattern[str], ...]
    vocabulary: frozenset[str]
    section_max_lines: int
    tail: bool
    fallback: bool

    def hits(self, text: str, candidates=None, words: int | None = None) -> float:
        """How many different patterns of this kind occur in `text`; a weak pattern counts half, and a
        full-weight pattern anchored at the line's start describes the whole line, so it decides alone.
        `candidates`: the only patterns that can match (see Rules.candidates); default: those of
        this kind whose required literals occur in `text`."""
        words = word_count(text) if words is None else words
        if candidates is None:
            lowered = text.lower()
            candidates = [p for p in self.patterns if p.regex.possible(lowered)]
        found = [(m.start(), m.end(), p) for p in candidates if (m := p.search(text, words))]
        if not found:
            return 0.0
        if any(p.decisive for _, _, p in found):
            return float("inf")
        # Patterns that match the same words are one hit (Cookie-Hinweise is not three).
        total, end, weight = 0.0, -1, 0.0
        for start, stop, pattern in sorted(found, key=lambda f: (f[0], f[1])):
            if start >= end:
                total += weight
                weight = 0.0
            weight = max(weight, pattern.weight)
            end = max(end, stop)
        return total + weight


@dataclass(frozen=True, eq=False)  # hashed by identity: the stages cache what they derive from it
class Words:
    """Language words the cleaner's stages use, merged over every rule file (the settings tables)."""

    site_articles: frozenset[str]  # DER SPIEGEL, The Guardian
    site_separators: frozenset[str]  # what joins a site's name and its slogan
    site_suffixes: frozenset[str]  # product words after a site's name: ONLINE, Play, Nachrichten
    site_legal_forms: frozenset[str]  # A/S, GmbH
    site_from: frozenset[str]  # `Nyheder døgnet rundt fra TV 2`
    roles: tuple[str, ...]  # correspondent, Korrespondentin: a name, then a role
    role_stems: tuple[str, ...]  # Korrespondent, Journalist: a role first, then where
    role_prepositions: tuple[str, ...]
    born: tuple[str, ...]  # `Jonas Meili, Jahrgang 1984`
    rights: tuple[str, ...]  # `Alle Rechte vorbehalten`
    not_names: tuple[str, ...]  # what follows © but names nobody
    consent_joiners: tuple[str, ...]  # `TV 2 og vores 143 partnere`
    consent_owners: tuple[str, ...]
    consent_verbs: tuple[str, ...]  # `Die Presse verwendet Cookies`
    consent_pronouns: tuple[str, ...]  # `Vi bruger cookies` names no site
    you: tuple[str, ...]  # addressing the reader: `du`, `Sie`
    we: tuple[str, ...]  # the site speaking: `vi`, `wir`
    currencies: tuple[str, ...]
    durations: tuple[str, ...]


@dataclass(frozen=True)
class Rules:
    kinds: tuple[Kind, ...]
    toggle_labels: tuple[str, ...]
    html_tags: frozenset[str]
    speech: re.Pattern[str]
    title_case_words: frozenset[str]
    list_openers: re.Pattern[str]
    words: Words

    def __post_init__(self) -> None:
        object.__setattr__(self, "kinds_by_name", {k.name: k for k in self.kinds})
        first_listing: dict[str, int] = {}  # a line key -> the number of the first kind that lists it
        for number, kind in enumerate(self.kinds):
            for key in kind.lines:
                first_listing.setdefault(key, number)
        object.__setattr__(self, "first_listing", first_listing)
        headings: dict[str, Kind] = {}
        for kind in self.kinds:
            for heading in kind.headings:
                headings.setdefault(heading, kind)
        object.__setattr__(self, "heading_kinds", headings)  # heading -> the first kind that has it
        object.__setattr__(self, "vocabulary", frozenset().union(*(k.vocabulary for k in self.kinds)))
        # Which patterns each required literal unlocks, by kind number; patterns without one are always tried.
        by_literal: dict[str, dict[int, set[LinePattern]]] = {}
        always: dict[int, set[LinePattern]] = {}
        for number, kind in enumerate(self.kinds):
            for pattern in kind.patterns:
                if pattern.regex.literals is None:
                    always.setdefault(number, set()).add(pattern)
                for literal in pattern.regex.literals or ():
                    by_literal.setdefault(literal, {}).setdefault(number, set()).add(pattern)
        # Each literal's value: its number (a literal found twice is looked at once) and its patterns by kind.
        numbered = {literal: (n, tuple(owners.items())) for n, (literal, owners) in enumerate(by_literal.items())}
        object.__setattr__(self, "_literals", _automaton(numbered))
        object.__setattr__(self, "_toggle_labels", _automaton({label.lower(): label for label in self.toggle_labels}))
        tags = "|".join(sorted(map(re.escape, self.html_tags), key=len, reverse=True))
        # A tag closes on its own line: `soldater er < i dag` is text, not an <i> tag.
        object.__setattr__(self, "tag", re.compile(rf"<\s*/?\s*(?:{tags}|[a-z]+-[a-z-]+)(?=[\s/>])[^<>\n]*>", re.I))
        labels = "|".join(re.escape(label).replace(r"\ ", r"\s+") for label in self.toggle_labels)
        object.__setattr__(self, "toggle", re.compile(rf"(?<!\w)(?:{labels})(?!\w)", re.I) if labels else None)
        object.__setattr__(self, "_always", always)
        # The same for trailing patterns, which must be tried in rule order: by their order number.
        trailing = [(kind, p) for kind in self.kinds for p in kind.trailing]
        by_tail_literal: dict[str, list[int]] = {}
        for n, (_, pattern) in enumerate(trailing):
            for literal in pattern.literals or ():
                by_tail_literal.setdefault(literal, []).append(n)
        object.__setattr__(self, "leading", tuple((kind, p) for kind in self.kinds for p in kind.leading))
        object.__setattr__(self, "_trailing", trailing)
        object.__setattr__(self, "_tail_literals", _automaton(by_tail_literal))
        object.__setattr__(self, "_tail_always", {n for n, (_, p) in enumerate(trailing) if p.literals is None})

    def candidates(self, text: str) -> dict[int, set[LinePattern]]:
        """Per kind (its number in `kinds`), the patterns that can match `text`: those whose required
        literals it contains. One Aho-Corasick pass over the line finds them all, instead of running
        hundreds of regexes."""
        found: dict[int, set[LinePattern]] = {}
        seen = set()
        for _, (number, owners) in self._literals.iter(text.lower()):
            if number in seen:
                continue
            seen.add(number)
            for name, patterns in owners:
                if name in found:
                    found[name] |= patterns
                else:
                    found[name] = set(patterns)
        for name, patterns in self._always.items():
            if name in found:
                found[name] |= patterns
            else:
                found[name] = patterns
        return found

    def may_have_toggle(self, text: str) -> bool:
        """Whether a caption toggle label occurs in `text` at all (one automaton pass)."""
        return next(self._toggle_labels.iter(text.lower()), None) is not None  # lines are single-spaced

    def heading_kind_of(self, key: str) -> Kind | None:
        """The first kind with a heading pattern that matches a whole line key."""
        return next((k for k in self.kinds for p in k.heading_patterns if p.fullmatch(key)), None)

    def trailing_candidates(self, lowered_tail: str) -> list[tuple[Kind, FilteredPattern]]:
        """The trailing patterns that can match in a line's lower-cased tail, in rule order."""
        found = set(self._tail_always)
        for _, numbers in self._tail_literals.iter(lowered_tail):
            found.update(numbers)
        return [self._trailing[n] for n in sorted(found)]


def _automaton(values: dict[str, object]) -> ahocorasick.Automaton:
    """An Aho-Corasick automaton that finds every key in a text in one pass and yields its value."""
    automaton = ahocorasick.Automaton()
    for literal, owners in values.items():
        automaton.add_word(literal, owners)
    automaton.make_automaton()
    return automaton


# The keys a kind of boilerplate may have (see index/rules/README.md).
KIND_KEYS = {
    "description": str, "lines": list, "patterns": list, "weak": list, "max_words": int, "trailing": list,
    "leading": list, "headings": list, "heading_patterns": list, "vocabulary": list, "section_max_lines": int,
    "tail": bool, "fallback": bool,
}
# Tables that configure the cleaner instead of naming a kind of boilerplate, and their keys (each a
# list of strings).
SETTINGS_TABLES = {
    "agencies": {"names"},
    "speech": {"verbs"},
    "menu": {"title_case_words"},
    "html": {"tags"},
    "lists": {"openers"},
    "caption_toggle": {"labels"},
    "sites": {"articles", "separators", "suffixes", "legal_forms", "from_words"},
    "bylines": {"roles", "role_stems", "role_prepositions", "born"},
    "imprint": {"rights", "not_names"},
    "consent_subject": {"joiners", "owners", "verbs", "pronouns"},
    "address": {"you", "we"},
    "units": {"currencies", "durations"},
}


def _check(path: Path, data: dict) -> None:
    """Every table and key of one rule file known and of the right type, its patterns valid."""
    for name, table in data.items():
        where = f"{path}: [{name}]"
        if not isinstance(table, dict):
            raise RulesError(f"{path}: `{name}` must be a table ([{name}])")
        allowed = SETTINGS_TABLES.get(name, KIND_KEYS)
        for key, value in table.items():
            if key == "description":
                continue
            if key not in allowed:
                known = ", ".join(sorted(allowed))
                raise RulesError(f"{where}: unknown key `{key}` (known: {known})")
            expected = KIND_KEYS.get(key, list) if name not in SETTINGS_TABLES else list
            if not isinstance(value, expected) or isinstance(value, bool) and expected is int:
                raise RulesError(f"{where}: `{key}` must be a {expected.__name__}")
            if expected is list and not all(isinstance(item, str) for item in value):
                raise RulesError(f"{where}: `{key}` must be a list of strings")
            if key in ("patterns", "weak", "trailing", "leading", "heading_patterns"):
                for pattern in value:
                    try:
                        re.compile(pattern.replace("{agencies}", "x"))
                    except re.error as exc:
                        raise RulesError(f"{where}: `{key}` has an invalid pattern {pattern!r}: {exc}") from None


def _merge(directories: tuple[Path, ...]) -> dict[str, dict]:
    """Tables of the same name across files: lists joined, `max_words` kept with its file's patterns,
    `section_max_lines` the largest, `tail` and `fallback` true if any file says so."""
    merged: dict[str, dict] = {}
    for directory in directories:
        for path in sorted(directory.glob("*.toml")):
            try:
                with path.open("rb") as fh:
                    data = tomllib.load(fh)
            except (OSError, tomllib.TOMLDecodeError) as exc:
                raise RulesError(f"{path}: {exc}") from None
            _check(path, data)
            for name, table in data.items():
                target = merged.setdefault(name, {})
                limit = table.get("max_words")
                for key in ("patterns", "weak"):
                    target.setdefault(key, []).extend((p, limit) for p in table.get(key, []))
                for key, value in table.items():
                    if key in ("patterns", "weak", "max_words", "description"):
                        continue
                    if isinstance(value, list):
                        target.setdefault(key, []).extend(value)
                    elif isinstance(value, bool):
                        target[key] = target.get(key, False) or value
                    else:
                        target[key] = max(target.get(key, value), value)
    return merged


def _word_alternation(words: list[str]) -> re.Pattern[str]:
    """A pattern for a line that starts with one of `words` (never matches when there are none)."""
    if not words:
        return re.compile("(?!)")
    return re.compile(r"^(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + r")\b", re.IGNORECASE)


def _compile(patterns: list[str], agencies: str) -> tuple[FilteredPattern, ...]:
    return tuple(FilteredPattern(re.compile(p.replace("{agencies}", agencies), re.IGNORECASE)) for p in patterns)


def _line_patterns(table: dict, agencies: str) -> tuple[LinePattern, ...]:
    return tuple(
        LinePattern(regex, limit, weight)
        for key, weight in (("patterns", 1.0), ("weak", 0.5))
        for pattern, limit in table.get(key, [])
        for regex in _compile([pattern], agencies)
    )


def _words(merged: dict[str, dict]) -> Words:
    def get(table: str, key: str) -> tuple[str, ...]:
        return tuple(dict.fromkeys(merged.get(table, {}).get(key, [])))  # merged in file order, once each

    def folded(table: str, key: str) -> frozenset[str]:
        return frozenset(w.casefold() for w in get(table, key))

    return Words(
        site_articles=folded("sites", "articles"),
        site_separators=frozenset(get("sites", "separators")),
        site_suffixes=folded("sites", "suffixes"),
        site_legal_forms=folded("sites", "legal_forms"),
        site_from=folded("sites", "from_words"),
        roles=get("bylines", "roles"),
        role_stems=get("bylines", "role_stems"),
        role_prepositions=get("bylines", "role_prepositions"),
        born=get("bylines", "born"),
        rights=get("imprint", "rights"),
        not_names=get("imprint", "not_names"),
        consent_joiners=get("consent_subject", "joiners"),
        consent_owners=get("consent_subject", "owners"),
        consent_verbs=get("consent_subject", "verbs"),
        consent_pronouns=get("consent_subject", "pronouns"),
        you=get("address", "you"),
        we=get("address", "we"),
        currencies=get("units", "currencies"),
        durations=get("units", "durations"),
    )


@lru_cache(maxsize=4)
def load_rules(*extra: Path) -> Rules:
    """Load, check and compile every rule file of the built-in folder and of `extra` folders (a
    user's own rules, merged on top). Raises RulesError naming the file at fault."""
    directories = (RULES_DIR, *extra)
    for directory in extra:
        if not directory.is_dir():
            raise RulesError(f"rules folder {directory} does not exist or is not a folder")
    merged = _merge(directories)
    names = sorted(merged.get("agencies", {}).get("names", []), key=len, reverse=True)
    agencies = "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in names) or "(?!)"
    kinds = []
    for name, table in merged.items():
        if name in SETTINGS_TABLES:
            continue
        kinds.append(
            Kind(
                name=name,
                lines=frozenset(line_key(x) for x in table.get("lines", [])),
                patterns=_line_patterns(table, agencies),
                trailing=_compile(table.get("trailing", []), agencies),
                leading=_compile(table.get("leading", []), agencies),
                headings=frozenset(line_key(x) for x in table.get("headings", [])),
                heading_patterns=tuple(re.compile(p, re.IGNORECASE) for p in table.get("heading_patterns", [])),
                vocabulary=frozenset(line_key(x) for x in table.get("vocabulary", [])),
                section_max_lines=int(table.get("section_max_lines", 8)),
                tail=bool(table.get("tail", False)),
                fallback=bool(table.get("fallback", False)),
            )
        )
    kinds.sort(key=lambda k: k.fallback)  # stable: file order, fallbacks last
    verbs = merged.get("speech", {}).get("verbs", [])
    speech = re.compile(r"\b(?:" + "|".join(map(re.escape, verbs)) + r")\b" if verbs else "(?!)", re.I)
    labels = merged.get("caption_toggle", {}).get("labels", [])
    return Rules(
        kinds=tuple(kinds),
        toggle_labels=tuple(sorted(set(labels), key=len, reverse=True)),
        html_tags=frozenset(t.lower() for t in merged.get("html", {}).get("tags", [])),
        speech=speech,
        title_case_words=frozenset(w.casefold() for w in merged.get("menu", {}).get("title_case_words", [])),
        list_openers=_word_alternation(merged.get("lists", {}).get("openers", [])),
        words=_words(merged),
    )
