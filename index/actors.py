"""The actor gazetteer and actor extraction.

Every name, alias, adjective and demonym of an actor is expanded into its word forms, split into
tokens, and put into one lookup keyed by token sequences; extraction walks a text's tokens and takes
the longest match at each position. See `index/data/actors.toml` for the data and its rules.
"""

from __future__ import annotations

import bisect
import re
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from index.documents import ActorMention

GAZETTEER = Path(__file__).parent / "data" / "actors.toml"
POWER_WORDS = Path(__file__).parent / "data" / "power_words.toml"
ADJECTIVE_WINDOW = 3  # words after an adjective that may be its noun: `russiske og iranske droner`
DEMONYM_WINDOW = 4
TOPIC_MENTIONS = 3  # adjectives and demonyms of one actor this often in a text make it a topic of the text
COMPASS = {"da": ("nord", "syd", "øst", "vest"), "de": ("nord", "süd", "ost", "west")}  # Østukraine, Nordirak
ACTOR_TYPES = ("country", "person", "organisation")
LABEL_LANGUAGES = ("en", "da", "de")
ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

_TOKEN = re.compile(r"[^\W_]+")
_SENTENCE_END = re.compile(r"[.!?…]+[»«\"”“')\]]*\s+(?=[\W\d]*[A-ZÆØÅÄÖÜ])|\n+")
# Letters folded for matching (Orbán = Orban); Danish, German and Nordic letters stay distinct.
_FOLD = str.maketrans(
    "áàâãéèêëíìîïóòôõúùûğşșçčñžšłýřțćńśź",
    "aaaaeeeeiiiioooouuugssccnzslyrtcnsz",
)
# A leading article may be written in lower case inside a name (det Hvide Hus).
_ARTICLES = frozenset({"det", "den", "der", "die", "das", "the", "de", "des", "dem"})

# Endings generated for adjectives and demonyms, per language.
ADJECTIVE_ENDINGS = {"da": ("", "e"), "de": ("", "e", "en", "er", "es", "em"), "en": ("", "s")}
DEMONYM_ENDINGS = {
    "da": {"er": ("", "e", "en", "ne", "s", "es", "ens", "nes"), "e": ("", "r", "n", "rne", "s", "rs", "ns", "rnes"), "": ("", "s")},
    "de": {"er": ("", "n", "s", "in", "innen"), "e": ("", "n"), "": ("", "s", "en")},
    "en": {"": ("", "s")},
}


def fold(word: str) -> str:
    """A word as the gazetteer compares it: case-folded, foreign accents removed."""
    return word.casefold().translate(_FOLD)


def tokens(text: str) -> list[re.Match[str]]:
    """Words as the gazetteer sees them: letters and digits; hyphens and apostrophes split."""
    return list(_TOKEN.finditer(text))


@dataclass(frozen=True)
class Actor:
    id: str
    type: str
    labels: dict[str, str]
    names: tuple[str, ...]  # every name and alias, for autocomplete
    wikidata: str | None = None

    @property
    def label(self) -> str:
        return self.labels["en"]


@dataclass(frozen=True)
class _Form:
    actors: tuple[str, ...]  # one, or for an ambiguous form every actor it may mean
    case: str  # "exact" (EU), "capital" (Rusland), "any" (russiske)
    check: int  # index of the token whose case is checked
    kind: str  # name, adjective, demonym, metonym, or ambiguous (resolved by the names around it)
    default: str | None = None  # the actor an ambiguous form means when the text names none of them


@dataclass(frozen=True)
class Mention:
    actor: str
    start: int
    end: int
    kind: str  # which kind of word form matched: name, adjective, demonym, metonym, ambiguous


@dataclass
class Gazetteer:
    actors: dict[str, Actor]
    forms: dict[tuple[str, ...], _Form] = field(default_factory=dict)
    longest: dict[str, int] = field(default_factory=dict)  # first token -> most tokens of a form
    power: re.Pattern[str] = field(default_factory=lambda: _power_words(POWER_WORDS))  # at a word's start or head
    _completions: list[tuple[Actor, set[str]]] | None = field(default=None, repr=False)  # built on first use

    def find(self, text: str, *, query: bool = False) -> list[Mention]:
        """Actor mentions in `text`, longest match first, left to right.

        An adjective, demonym or capital standing for its government (`russiske`, `Iraner`,
        `Washington`) is a mention when the text also names the actor, uses its adjectives and
        demonyms TOPIC_MENTIONS times, or has a word of state power beside it (`russiske
        soldater`, `die Iraner drohen mit Raketen`), or when its sentence names another actor or
        has an adjective that counts by these rules: a passing `danske svampe` or `svensk radio`
        names no actor.
        An ambiguous form (`Kirby`, `Jordan`, `Kim`) means the one of its actors that the text
        also names, the nearest such mention first; none, it means its default actor if it has
        one (`Khamenei`: Ali, unless Mojtaba is named), else no actor. `query=True` reads text
        the way users type queries: case does not matter (except for two-letter abbreviations:
        `EU`, not `eu`), every form counts, and an ambiguous form of only one actor means that
        actor.
        """
        toks = tokens(text)
        words = [fold(t.group()) for t in toks]
        found: list[Mention] = []
        derived: list[tuple[Mention, int, int]] = []  # adjectives, demonyms and metonyms, with their token span
        pending: list[tuple[int, int, _Form]] = []
        i = 0
        while i < len(toks):
            longest = self.longest.get(words[i])
            if longest is None:
                i += 1
                continue
            match = self._longest(toks, words, i, min(longest, len(toks) - i), query)
            if match is None:
                i += 1
                continue
            n, form = match
            start, end = toks[i].start(), toks[i + n - 1].end()
            if n > 1 and self.actors[form.actors[0]].type == "organisation":
                found += self._opening(toks, words, i, n, form.actors[0], query)
            if form.kind in _DERIVED and not query:
                derived.append((Mention(form.actors[0], start, end, form.kind), i, i + n))
            elif form.kind != "ambiguous":
                found.append(Mention(form.actors[0], start, end, form.kind))
            elif query:
                meaning = form.actors[0] if len(form.actors) == 1 else form.default
                found += [Mention(meaning, start, end, form.kind)] if meaning else []
            else:
                pending.append((start, end, form))
            i += n
        if derived:
            found += self._in_context(text, words, found, derived)
        named: dict[str, list[int]] = {}
        for m in found:
            named.setdefault(m.actor, []).append(m.start)
        for start, end, form in pending:
            distances = {a: min(abs(start - p) for p in named[a]) for a in form.actors if a in named}
            meaning = min(distances, key=distances.__getitem__) if distances else form.default
            if meaning:
                found.append(Mention(meaning, start, end, "ambiguous"))
        return sorted(found, key=lambda m: m.start)

    def _in_context(self, text: str, words: list[str], found: list[Mention], derived: list[tuple[Mention, int, int]]) -> list[Mention]:
        """The adjectives, demonyms and metonyms that mean their actor here (see `find`)."""
        topics = {a for a, n in Counter(m.actor for m, _, _ in derived).items() if n >= TOPIC_MENTIONS}
        named_actors = {m.actor for m in found} | topics
        ends = [m.end() for m in _SENTENCE_END.finditer(text)] + [len(text)]
        naming = {bisect.bisect_right(ends, m.start) for m in found}  # sentences that name an actor
        sentence = [bisect.bisect_right(ends, m.start) for m, _, _ in derived]
        kept = {k for k, (m, i, j) in enumerate(derived)
                if m.actor in named_actors or sentence[k] in naming or self._beside_power(words, i, j, m.kind)}
        naming |= {sentence[k] for k in kept}  # `russiske og iranske droner`: one beside power anchors the other
        kept |= {k for k in range(len(derived)) if sentence[k] in naming}
        return [derived[k][0] for k in sorted(kept)]

    def _opening(self, toks: list[re.Match[str]], words: list[str], i: int, n: int, outer: str, query: bool) -> list[Mention]:
        """The organisation or country an organisation's name opens with (`FN's Sikkerhedsråd`,
        `EU-Kommissionen`, `UN-Generalversammlung`), which the text names too — not one inside it
        (`Kataib Hezbollah` is not Hezbollah)."""
        match = self._longest(toks, words, i, n - 1, query, lambda form: form.kind == "name" and form.actors[0] != outer)
        if match is None or self.actors[match[1].actors[0]].type == "person":
            return []
        m, form = match
        return [Mention(form.actors[0], toks[i].start(), toks[i + m - 1].end(), "name")]

    def _longest(self, toks: list[re.Match[str]], words: list[str], i: int, most: int, query: bool, accept=lambda form: True) -> tuple[int, _Form] | None:
        """The longest form of at most `most` tokens at token `i` that `accept`s and is written in its
        case, with its length in tokens."""
        for n in range(most, 0, -1):
            form = self.forms.get(tuple(words[i : i + n]))
            if form and accept(form) and _case_ok(form, toks[i + form.check].group(), query):
                return n, form
        return None

    def _beside_power(self, words: list[str], start: int, end: int, kind: str) -> bool:
        """Whether a word of state power follows the adjective (`russiske og iranske droner`), or
        stands near the demonym or metonym on either side (`Ukrainerne har skudt 20 droner ned`)."""
        before = start if kind == "adjective" else start - DEMONYM_WINDOW
        window = ADJECTIVE_WINDOW if kind == "adjective" else DEMONYM_WINDOW
        return any(self.power.search(w) for w in words[max(0, before) : start] + words[end : end + window])

    def count(self, texts: list[str]) -> list[ActorMention]:
        """Actors mentioned across `texts` (a title and paragraphs), most mentioned first."""
        joined = "\n".join(texts)
        counts = Counter(m.actor for m in self.find(joined))
        return [ActorMention(a, c) for a, c in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]

    def complete(self, prefix: str) -> list[Actor]:
        """Actors with a label or alias, or a word of one, that starts with `prefix` (any case, any
        accents): `Selensk`, `russ`, `lavr`, `sikkerhedsr`."""
        key = " ".join(fold(prefix).split())
        if self._completions is None:
            self._completions = [
                (actor, {" ".join(fold(n).split()) for n in actor.names} | {fold(t.group()) for n in actor.names for t in tokens(n)})
                for actor in self.actors.values()
            ]
        return [actor for actor, names in self._completions if any(n.startswith(key) for n in names)]


def _power_words(path: Path) -> re.Pattern[str]:
    """One pattern for the word beginnings of every language in `path` (folded, as tokens are),
    found at a word's start or as the head of a compound: the last part, with at most an
    inflection after it (`Flüssiggas`, `Kampfdrohnen`, `kamikazedroner`)."""
    with path.open("rb") as fh:
        beginnings = {fold(p) for words in tomllib.load(fh).values() for p in words["beginnings"]}
    words = "|".join(sorted(beginnings, key=len, reverse=True))
    return re.compile(rf"^(?:{words})|(?<=\w{{3}})(?:{words})\w{{0,3}}$")


def _case_ok(form: _Form, word: str, query: bool) -> bool:
    if form.case == "exact" and (not query or len(word) <= 2):
        return word.isupper()  # in a query too, `us` and `un` are words, not the USA and the UN
    return query or form.case == "any" or word[:1].isupper()


def _case_rule(token: str) -> str:
    if token.isupper() and len(token) <= 3 and any(c.isalpha() for c in token):
        return "exact"
    return "capital" if token[:1].isupper() else "any"


def _name_forms(name: str) -> list[str]:
    """A name and its genitives (Ruslands, Putins, Irans); names ending in s, x or z take none."""
    if name[-1:].lower() in "sxz" or not name[-1:].isalpha():
        return [name]
    forms = [name, name + "s"]
    if name[-1:].lower() not in "aeiouyæøåäöü":
        forms.append(name + "es")
    return forms


def _inflect(base: str, lang: str, endings: dict) -> list[str]:
    if isinstance(endings, tuple):
        return [base + e for e in endings]
    for suffix, suffixes in endings.items():
        if suffix and base.endswith(suffix):
            forms = [base + e for e in suffixes]
            break
    else:
        forms = [base + e for e in endings[""]]
    if lang == "de" and base.endswith("e") and base[:1].isupper():
        forms += [base[:-1] + "in", base[:-1] + "innen"]  # Russe -> Russin, Russinnen
    return forms


_ENTRY_KEYS = {"id", "type", "labels", "aliases", "ambiguous", "metonyms", "adjectives", "demonyms", "forms", "wikidata"}
_KIND_RANK = {"name": 0, "metonym": 1, "demonym": 1, "adjective": 2, "ambiguous": 3}
_DERIVED = ("adjective", "demonym", "metonym")  # forms that mean their actor only in context


def _actor_forms(entry: dict) -> list[tuple[str, str]]:
    """(word form, kind) pairs for one gazetteer entry. A label that is also listed as ambiguous
    (`Jordan`, the Danish name of the country) is only ambiguous."""
    ambiguous = entry.get("ambiguous", [])
    ambiguous_keys = {_key(name) for name in ambiguous}
    forms: list[tuple[str, str]] = []
    for name in [*entry["labels"].values(), *entry.get("aliases", [])]:
        if _key(name) not in ambiguous_keys:
            forms += [(f, "name") for f in _name_forms(name)]
    for name in ambiguous:
        forms += [(f, "ambiguous") for f in _name_forms(name)]
    for name in entry.get("metonyms", []):
        forms += [(f, "metonym") for f in _name_forms(name)]
    for lang, bases in entry.get("adjectives", {}).items():
        for base in bases:
            forms += [(f, "adjective") for f in _inflect(base, lang, ADJECTIVE_ENDINGS[lang])]
    for lang, bases in entry.get("demonyms", {}).items():
        for base in bases:
            forms += [(f, "demonym") for f in _inflect(base, lang, DEMONYM_ENDINGS[lang])]
    forms += [(f, "demonym") for f in entry.get("forms", [])]
    return forms


def _key(form: str) -> tuple[str, ...]:
    return tuple(fold(t.group()) for t in tokens(form))


def _validate(entry: dict, where: str) -> None:
    actor_id = entry.get("id")
    if not isinstance(actor_id, str) or not ID_PATTERN.fullmatch(actor_id):
        raise ValueError(f"{where}: actor id {actor_id!r} must be a lower-case slug")
    if entry.get("type") not in ACTOR_TYPES:
        raise ValueError(f"{where}: actor {actor_id}: type must be one of {', '.join(ACTOR_TYPES)}")
    labels = entry.get("labels", {})
    missing = [lang for lang in LABEL_LANGUAGES if not labels.get(lang)]
    if missing:
        raise ValueError(f"{where}: actor {actor_id}: missing labels {', '.join(missing)}")
    for key in ("adjectives", "demonyms"):
        unknown = set(entry.get(key, {})) - set(ADJECTIVE_ENDINGS)
        if unknown:
            raise ValueError(f"{where}: actor {actor_id}: {key} for unknown languages {sorted(unknown)}")
    unknown_keys = set(entry) - _ENTRY_KEYS
    if unknown_keys:
        raise ValueError(f"{where}: actor {actor_id}: unknown keys {', '.join(sorted(unknown_keys))}")


def _read(path: Path) -> list[dict]:
    with path.open("rb") as fh:
        entries = tomllib.load(fh).get("actor", [])
    seen: set[str] = set()
    for number, entry in enumerate(entries, start=1):
        _validate(entry, f"{path} actor #{number}")
        if entry["id"] in seen:
            raise ValueError(f"{path} actor #{number}: id {entry['id']} is used twice")
        seen.add(entry["id"])
    return entries


def build_gazetteer(paths: list[Path]) -> Gazetteer:
    """A gazetteer from TOML files; an actor in a later file replaces one with the same id, and its
    word forms win over earlier files'. Within one file, one word form may mean only one actor,
    unless every actor that has it lists it as ambiguous."""
    entries: dict[str, dict] = {}
    owner: dict[str, int] = {}
    for file_index, path in enumerate(paths):
        for entry in _read(path):
            entries[entry["id"]] = entry
            owner[entry["id"]] = file_index
    gazetteer = Gazetteer(actors={})
    claimed: dict[tuple[str, ...], int] = {}  # word form -> the file that gave its meaning
    for actor_id in sorted(entries, key=lambda a: owner[a]):
        entry = entries[actor_id]
        names = [*entry["labels"].values(), *entry.get("aliases", []), *entry.get("ambiguous", []), *entry.get("metonyms", [])]
        for bases in (*entry.get("adjectives", {}).values(), *entry.get("demonyms", {}).values()):
            names += bases
        gazetteer.actors[actor_id] = Actor(
            id=actor_id,
            type=entry["type"],
            labels={lang: entry["labels"][lang] for lang in LABEL_LANGUAGES},
            names=tuple(dict.fromkeys(names)),
            wikidata=entry.get("wikidata"),
        )
        for form, kind in _actor_forms(entry):
            toks = [t.group() for t in tokens(form)]
            if not toks:
                continue
            key = tuple(fold(t) for t in toks)
            previous = gazetteer.forms.get(key)
            check = next((i for i, t in enumerate(toks) if fold(t) not in _ARTICLES), 0)
            new = _Form((actor_id,), _case_rule(toks[check]), check, kind)
            if previous and actor_id in previous.actors:
                if len(previous.actors) == 1 and _KIND_RANK[previous.kind] > _KIND_RANK[kind]:
                    gazetteer.forms[key] = new  # the same form twice: a name beats a demonym, which beats an ambiguous name
                continue
            if previous and (previous.kind == kind == "ambiguous" or claimed[key] == owner[actor_id] and {previous.kind, kind} == {"name", "ambiguous"}):
                new = _shared(previous, new, form)
            elif previous and claimed[key] == owner[actor_id]:
                raise ValueError(f"word form {form!r} means both {previous.actors[0]} and {actor_id} (list it as ambiguous for both)")
            claimed[key] = owner[actor_id]
            gazetteer.forms[key] = new
            gazetteer.longest[key[0]] = max(gazetteer.longest.get(key[0], 0), len(key))
    for actor_id, entry in entries.items():
        for form in _regions(entry):
            gazetteer.forms.setdefault((fold(form),), _Form((actor_id,), "capital", 0, "name"))
            gazetteer.longest.setdefault(fold(form), 1)
    return gazetteer


def _regions(entry: dict) -> list[str]:
    """A country's regions by the compass, written as one word in Danish and German (`Østukraine`,
    `Nordirak`, `Ostdeutschlands`): they name the country unless another actor has the word
    (`Nordkorea`, `Nordirland`, `Südsudan`). Only from its one-word labels, not its aliases
    (`Amerika` would give `Sydamerika`)."""
    if entry["type"] != "country":
        return []
    ambiguous = {_key(name) for name in entry.get("ambiguous", [])}
    labels = [(lang, entry["labels"][lang]) for lang in COMPASS]
    return [
        form
        for lang, label in labels
        if len(_key(label)) == 1 and _key(label) not in ambiguous and label[:1].isupper() and not label.isupper()
        for point in COMPASS[lang]
        for form in _name_forms(point.capitalize() + label.lower())
    ]


def _shared(previous: _Form, new: _Form, form: str) -> _Form:
    """One form that several actors list as ambiguous; an actor that has it as a plain name is the
    default reading (`Khamenei` is Ali Khamenei unless the text names Mojtaba Khamenei)."""
    default = next((f.actors[0] for f in (previous, new) if f.kind == "name"), previous.default)
    if default and previous.default and default != previous.default:
        raise ValueError(f"word form {form!r} is a plain name of both {previous.default} and {default} (list it as ambiguous for one)")
    return _Form(previous.actors + new.actors, previous.case, previous.check, "ambiguous", default)


@lru_cache(maxsize=4)
def load_gazetteer(extra_file: str | None = None) -> Gazetteer:
    """The bundled gazetteer, with a user's file (`NEWSFACET_ACTORS_FILE`) over it when given."""
    return build_gazetteer([GAZETTEER] + ([Path(extra_file)] if extra_file else []))
