"""The actor gazetteer and actor extraction.

Every name, alias, adjective and demonym of an actor is expanded into its word forms, split into
tokens, and put into one lookup keyed by token sequences; extraction walks a text's tokens and takes
the longest match at each position. See `index/data/actors.toml` for the data and its rules.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from index.documents import ActorMention

GAZETTEER = Path(__file__).parent / "data" / "actors.toml"
ACTOR_TYPES = ("country", "person", "organisation")
LABEL_LANGUAGES = ("en", "da", "de")
ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

_TOKEN = re.compile(r"[^\W_]+")
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
    actor: str
    case: str  # "exact" (EU), "capital" (Rusland), "any" (russiske)
    check: int  # index of the token whose case is checked
    kind: str  # name, short (counts only after a full mention), adjective or demonym


@dataclass(frozen=True)
class Mention:
    actor: str
    start: int
    end: int
    kind: str  # which kind of word form matched: name, short, adjective, demonym


@dataclass
class Gazetteer:
    actors: dict[str, Actor]
    forms: dict[tuple[str, ...], _Form] = field(default_factory=dict)
    longest: dict[str, int] = field(default_factory=dict)  # first token -> most tokens of a form

    def find(self, text: str, *, query: bool = False) -> list[Mention]:
        """Actor mentions in `text`, longest match first, left to right.

        `query=True` reads text the way users type queries: case does not matter (except for
        two-letter abbreviations: `EU`, not `eu`), and short names count without a full name.
        """
        toks = tokens(text)
        words = [fold(t.group()) for t in toks]
        found: list[Mention] = []
        full: set[str] = set()
        pending: list[tuple[Mention, _Form]] = []
        i = 0
        while i < len(toks):
            longest = self.longest.get(words[i])
            if longest is None:
                i += 1
                continue
            match = None
            for n in range(min(longest, len(toks) - i), 0, -1):
                form = self.forms.get(tuple(words[i : i + n]))
                if form and _case_ok(form, toks[i + form.check].group(), query):
                    match = (n, form)
                    break
            if match is None:
                i += 1
                continue
            n, form = match
            mention = Mention(form.actor, toks[i].start(), toks[i + n - 1].end(), form.kind)
            if form.kind == "short" and not query:
                pending.append((mention, form))
            else:
                found.append(mention)
                full.add(form.actor)
            i += n
        found.extend(m for m, form in pending if form.actor in full)
        return sorted(found, key=lambda m: m.start)

    def count(self, texts: list[str]) -> list[ActorMention]:
        """Actors mentioned across `texts` (a title and paragraphs), most mentioned first."""
        joined = "\n".join(texts)
        counts = Counter(m.actor for m in self.find(joined))
        return [ActorMention(a, c) for a, c in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]

    def complete(self, prefix: str) -> list[Actor]:
        """Actors with a label or alias that starts with `prefix` (any case, any accents)."""
        key = fold(prefix.strip())
        return [a for a in self.actors.values() if any(fold(n).startswith(key) for n in a.names)]


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


_KIND_RANK = {"name": 0, "demonym": 1, "adjective": 2, "short": 3}


def _actor_forms(entry: dict) -> list[tuple[str, str]]:
    """(word form, kind) pairs for one gazetteer entry."""
    forms: list[tuple[str, str]] = []
    for name in [*entry["labels"].values(), *entry.get("aliases", [])]:
        forms += [(f, "name") for f in _name_forms(name)]
    for name in entry.get("short", []):
        forms += [(f, "short") for f in _name_forms(name)]
    for lang, bases in entry.get("adjectives", {}).items():
        for base in bases:
            forms += [(f, "adjective") for f in _inflect(base, lang, ADJECTIVE_ENDINGS[lang])]
    for lang, bases in entry.get("demonyms", {}).items():
        for base in bases:
            forms += [(f, "demonym") for f in _inflect(base, lang, DEMONYM_ENDINGS[lang])]
    forms += [(f, "demonym") for f in entry.get("forms", [])]
    return forms


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


def _read(path: Path) -> list[dict]:
    with path.open("rb") as fh:
        entries = tomllib.load(fh).get("actor", [])
    for number, entry in enumerate(entries, start=1):
        _validate(entry, f"{path} actor #{number}")
    return entries


def build_gazetteer(paths: list[Path]) -> Gazetteer:
    """A gazetteer from TOML files; an actor in a later file replaces one with the same id, and its
    word forms win over earlier files'. Within one file, one word form may mean only one actor."""
    entries: dict[str, dict] = {}
    owner: dict[str, int] = {}
    for file_index, path in enumerate(paths):
        for entry in _read(path):
            entries[entry["id"]] = entry
            owner[entry["id"]] = file_index
    gazetteer = Gazetteer(actors={})
    claimed: dict[tuple[str, ...], tuple[str, int]] = {}
    for actor_id in sorted(entries, key=lambda a: owner[a]):
        entry = entries[actor_id]
        names = [*entry["labels"].values(), *entry.get("aliases", []), *entry.get("short", [])]
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
            previous = claimed.get(key)
            if previous and previous[0] != actor_id and previous[1] == owner[actor_id]:
                raise ValueError(f"word form {form!r} means both {previous[0]} and {actor_id}")
            if previous and previous[0] == actor_id and _KIND_RANK[gazetteer.forms[key].kind] <= _KIND_RANK[kind]:
                continue  # the same form twice: a name beats a demonym, which beats a short name
            check = next((i for i, t in enumerate(toks) if fold(t) not in _ARTICLES), 0)
            claimed[key] = (actor_id, owner[actor_id])
            gazetteer.forms[key] = _Form(actor_id, _case_rule(toks[check]), check, kind)
            gazetteer.longest[key[0]] = max(gazetteer.longest.get(key[0], 0), len(key))
    return gazetteer


@lru_cache(maxsize=4)
def load_gazetteer(extra_file: str | None = None) -> Gazetteer:
    """The bundled gazetteer, with a user's file (`NEWSFACET_ACTORS_FILE`) over it when given."""
    return build_gazetteer([GAZETTEER] + ([Path(extra_file)] if extra_file else []))
