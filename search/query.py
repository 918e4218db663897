"""User query -> Whoosh query: a forgiving parser, per-language analysis, actor expansion.

Syntax: words are ANDed; `"exact phrase"`, `a OR b`, `a AND b`, `-word` / `NOT word`, `prefix*`,
`( … )`. What is still being typed is completed the obvious way: an unbalanced quote runs to the end,
an unbalanced `(` closes at the end. A dash standing alone (`Iran - Rusland`) is punctuation. What
has no clear meaning raises InvalidQuery (400) naming the place: an operator with nothing to work on,
a `)` that closes nothing, brackets nested deeper than MAX_DEPTH, a `*` anywhere but at the end of a
word or after fewer than two characters.

A document lives in one language's fields (`title_da`, `text_da` …), so a query is compiled once per
language with that language's analyzer and the per-language queries are ORed. A stop word of one
language is ignored there only. A word, or a run of words, that names an actor (`Rusland`, `Putins`,
`Kim Jong Un`) also matches documents that mention the actor, whatever their language; a word also
matches, weighing less, the compounds it is part of (the parts fields, index.compounds), and a
compound that no document has also matches by its words (search.compounds); a quoted word or phrase
stays exact.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NoReturn

from whoosh import query as wq

from index.actors import Gazetteer
from index.analysis import stem_terms
from index.schema import ACTOR_TERMS_FIELD, LANG_FIELD, actor_term, compounding, parts_fields, text_field, title_field
from search.compounds import PART_BOOST
from search.errors import InvalidQuery

MAX_QUERY_CHARS = 500
MAX_DEPTH = 20
ACTOR_BOOST = 2.0  # an actor named in any form or language: a surer sign than one surface form in the text
_TOKEN = re.compile(r'"[^"]*"?|\(|\)|[^\s()"]+')
_EDGE_PUNCTUATION = ".,;:!?»«„“”‘’'`´"
_ENDS = (None, ")", "OR", "AND")  # what ends an operand


@dataclass
class Word:
    text: str
    prefix: bool = False
    actor: str | None = None


@dataclass
class Phrase:
    text: str


@dataclass
class Group:
    """Consecutive words that together name an actor (Kim Jong Un)."""

    words: list[Word]
    actor: str


@dataclass
class Not:
    node: Node


@dataclass
class And:
    nodes: list[Node]


@dataclass
class Or:
    nodes: list[Node]


Node = Word | Phrase | Group | Not | And | Or


@dataclass
class _Token:
    text: str
    start: int
    end: int


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = [_Token(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]
        self.pos = 0
        self.depth = 0

    def token(self, offset: int = 0) -> _Token | None:
        i = self.pos + offset
        return self.tokens[i] if i < len(self.tokens) else None

    def peek(self) -> str | None:
        token = self.token()
        return token.text if token else None

    @staticmethod
    def fail(token: _Token, message: str) -> NoReturn:
        raise InvalidQuery(f"{message} (character {token.start + 1} of q)", "q")

    def parse(self) -> Node | None:
        node = self.expr()
        if self.token() is not None:  # expr stops early only at a ")"
            self.fail(self.token(), "')' closes no '('")
        return node

    def expr(self) -> Node | None:
        start = self.pos
        parts = [self.conjunction()]
        while self.peek() == "OR":
            operator = self.token()
            if self.pos == start:
                self.fail(operator, "OR has nothing on its left")
            self.pos += 1
            start = self.pos
            parts.append(self.conjunction())
            if self.pos == start:
                self.fail(operator, "OR has nothing on its right")
        return _join(Or, [p for p in parts if p])

    def conjunction(self) -> Node | None:
        start, nodes = self.pos, []
        while self.peek() not in (None, ")", "OR"):
            if self.peek() == "AND":  # the default anyway; checked for its operands
                operator = self.token()
                if self.pos == start:
                    self.fail(operator, "AND has nothing on its left")
                self.pos += 1
                if self.peek() in _ENDS:
                    self.fail(operator, "AND has nothing on its right")
                continue
            node = self.unary()
            if node:
                nodes.append(node)
        return _join(And, nodes)

    def unary(self) -> Node | None:
        """Negations (`NOT`, `-`, any number of them) before an atom."""
        negations, last = 0, None
        while (token := self.token()) is not None:
            if token.text == "NOT":
                negations, last = negations + 1, token
                self.pos += 1
                continue
            if not token.text.startswith("-"):
                break
            rest = token.text.lstrip("-")
            following = self.token(1)
            if rest:  # -word
                negations += len(token.text) - len(rest)
                self.tokens[self.pos] = _Token(rest, token.end - len(rest), token.end)
                return _negate(self.atom(), negations)
            self.pos += 1
            if following is not None and following.start == token.end and following.text != ")":
                negations, last = negations + len(token.text), token  # -"phrase", -(group)
            # else: a dash standing alone is punctuation
        if self.peek() in _ENDS:
            if last is not None:
                self.fail(last, f"{last.text} has nothing to negate")
            return None
        return _negate(self.atom(), negations)

    def atom(self) -> Node | None:
        token = self.token()
        self.pos += 1
        if token.text == "(":
            if self.depth >= MAX_DEPTH:
                self.fail(token, f"brackets nest deeper than {MAX_DEPTH}")
            self.depth += 1
            node = self.expr()
            self.depth -= 1
            if self.peek() == ")":
                self.pos += 1
            return node
        if token.text.startswith('"'):
            text = token.text.strip('"').strip()
            return Phrase(text) if _has_word(text) else None
        text = token.text.strip(_EDGE_PUNCTUATION)
        if not _has_word(text):
            return None
        stem = text.rstrip("*")
        if "*" in stem:
            self.fail(token, "* works only at the end of a word")
        if stem != text:
            if len(stem) < 2:
                self.fail(token, "a prefix needs at least two characters before *")
            return Word(stem, prefix=True)
        return Word(text)


def _negate(node: Node | None, negations: int) -> Node | None:
    return Not(node) if node and negations % 2 else node


def _has_word(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def _join(cls, nodes: list):
    """None for no nodes (tree nodes or Whoosh queries), the one node, or `cls` of them all."""
    if not nodes:
        return None
    return nodes[0] if len(nodes) == 1 else cls(nodes)


def parse(text: str) -> Node | None:
    """The query tree of `text`, or None when it has no words; InvalidQuery for unclear syntax."""
    return _Parser(text).parse()


# -- actors ---------------------------------------------------------------------------------


def mark_actors(node: Node | None, gazetteer: Gazetteer) -> Node | None:
    """Mark words and runs of words that name an actor as a whole."""
    if isinstance(node, Word):
        return mark_actors(And([node]), gazetteer) if not node.prefix else node
    if isinstance(node, Not):
        node.node = mark_actors(node.node, gazetteer)
        return node
    if isinstance(node, Or):
        node.nodes = [mark_actors(n, gazetteer) for n in node.nodes]
        return node
    if isinstance(node, And):
        out: list[Node] = []
        run: list[Word] = []
        for child in node.nodes + [None]:
            if isinstance(child, Word) and not child.prefix:
                run.append(child)
                continue
            out += _group_run(run, gazetteer)
            run = []
            if child is not None:
                out.append(mark_actors(child, gazetteer))
        return out[0] if len(out) == 1 else And(out)
    return node


def _tail_ok(rest: str) -> bool:
    """What may follow an actor's name in a query word: nothing, or a possessive."""
    return rest.strip() in ("", "'s", "’s", "'", "’")


def _group_run(words: list[Word], gazetteer: Gazetteer) -> list[Node]:
    """Find actor names in a run of plain words; a name must cover whole words."""
    if not words:
        return []
    starts, text = [], ""
    for w in words:
        starts.append(len(text))
        text += w.text + " "
    out: list[Node] = []
    i = 0
    mentions = {m.start: m for m in gazetteer.find(text, query=True)}
    while i < len(words):
        m = mentions.get(starts[i])
        if m is not None:
            j = i
            while j < len(words) and starts[j] + len(words[j].text) < m.end:
                j += 1
            if j < len(words) and _tail_ok(text[m.end : starts[j] + len(words[j].text)]):
                if j == i:
                    words[i].actor = m.actor
                    out.append(words[i])
                else:
                    out.append(Group(words[i : j + 1], m.actor))
                i = j + 1
                continue
        out.append(words[i])
        i += 1
    return out


# -- compiling ------------------------------------------------------------------------------


@dataclass
class Highlight:
    """What to mark in a snippet: stems per language (and those whose compounds count), raw
    prefixes, and actors."""

    stems: dict[str, set[str]] = field(default_factory=dict)
    parts: dict[str, set[str]] = field(default_factory=dict)  # stems whose compounds match too: not quoted
    prefixes: set[str] = field(default_factory=set)
    actors: set[str] = field(default_factory=set)


Split = Callable[[str, str], list[str]]  # (language, word) -> the words of a compound no document has


def _no_split(lang: str, word: str) -> list[str]:
    return []


def _text_query(lang: str, text: str, split: Split | None = None) -> wq.Query | None:
    """One word: its stem in the title and text; unless `split` is None (a quoted word), also,
    weighing less, in the compounds it is part of, and a compound no document has by its words.
    Several words: the phrase."""
    terms = stem_terms(lang, text)
    if not terms:
        return None
    fields = (title_field(lang), text_field(lang))
    if len(terms) > 1:
        return wq.Or([wq.Phrase(f, terms) for f in fields])
    alternatives = [wq.Term(f, terms[0]) for f in fields]
    if split is not None and compounding(lang):
        fields += parts_fields(lang)
        alternatives += [wq.Term(f, terms[0], boost=PART_BOOST) for f in parts_fields(lang)]
        words = [stem for word in split(lang, text) for stem in stem_terms(lang, word)]
        if words:
            alternatives.append(wq.And([wq.Or([wq.Term(f, w) for f in fields]) for w in words], boost=PART_BOOST))
    return wq.Or(alternatives)


def _with_actor(q: wq.Query | None, lang: str, actor: str | None) -> wq.Query | None:
    if actor is None:
        return q
    actor_q = wq.Term(ACTOR_TERMS_FIELD, actor_term(lang, actor), boost=ACTOR_BOOST)
    return actor_q if q is None else wq.Or([q, actor_q])


def _compile(node: Node, lang: str, split: Split) -> wq.Query | None:
    """The Whoosh query for `node` in one language; None: ignored here (only stop words)."""
    if isinstance(node, Word):
        if node.prefix:
            prefix = node.text.lower()
            return wq.Or([wq.Prefix(title_field(lang), prefix), wq.Prefix(text_field(lang), prefix)])
        return _with_actor(_text_query(lang, node.text, split), lang, node.actor)
    if isinstance(node, Phrase):
        return _text_query(lang, node.text)
    if isinstance(node, Group):
        return _with_actor(_text_query(lang, " ".join(w.text for w in node.words)), lang, node.actor)
    if isinstance(node, Or):
        parts = [p for p in (_compile(n, lang, split) for n in node.nodes) if p is not None]
        return _join(wq.Or, parts)
    if isinstance(node, Not):
        inner = _compile(node.node, lang, split)
        return wq.Not(inner) if inner is not None else None
    if isinstance(node, And):
        parts = [p for p in (_compile(n, lang, split) for n in node.nodes) if p is not None]
        positive = [p for p in parts if not isinstance(p, wq.Not)]
        negative = [p.query for p in parts if isinstance(p, wq.Not)]
        if not positive and not any(isinstance(n, Not) for n in node.nodes):
            return None
        # Only negations: every document of this language but those (scored alike; see `ranked`).
        base = _join(wq.And, positive) or wq.Term(LANG_FIELD, lang)
        for neg in negative:
            base = wq.AndNot(base, neg)
        return base
    raise TypeError(node)


def _collect(node: Node, highlight: Highlight, langs: list[str], split: Split, negated: bool = False) -> None:
    if isinstance(node, Not):
        _collect(node.node, highlight, langs, split, True)
    elif isinstance(node, (And, Or)):
        for n in node.nodes:
            _collect(n, highlight, langs, split, negated)
    elif not negated:
        if isinstance(node, Word) and node.prefix:
            highlight.prefixes.add(node.text.lower())
            return
        text = " ".join(w.text for w in node.words) if isinstance(node, Group) else node.text
        for lang in langs:
            stems = stem_terms(lang, text)
            highlight.stems.setdefault(lang, set()).update(stems)
            if isinstance(node, Word) and len(stems) == 1:
                highlight.parts.setdefault(lang, set()).update(stems)
                highlight.stems[lang].update(stem for word in split(lang, text) for stem in stem_terms(lang, word))
        actor = getattr(node, "actor", None)
        if actor:
            highlight.actors.add(actor)


@dataclass
class CompiledQuery:
    query: wq.Query | None  # None: match every document
    highlight: Highlight

    @property
    def ranked(self) -> bool:
        """Whether relevance can order the matches: not when the query only excludes."""
        return bool(self.highlight.prefixes or self.highlight.actors or any(self.highlight.stems.values()))


def related_query(lang: str, words: list[tuple[str, float]], actors: list[str], langs: list[str]) -> CompiledQuery:
    """Articles like one in `lang`: its key words `(term, weight)` in that language's text, and
    its main actors in documents of every language."""
    text = [wq.Term(text_field(lang), term, boost=weight) for term, weight in words]
    mentions = [wq.Term(ACTOR_TERMS_FIELD, actor_term(code, a), boost=ACTOR_BOOST) for a in actors for code in langs]
    highlight = Highlight(stems={lang: {term for term, _ in words}}, actors=set(actors))
    return CompiledQuery(_join(wq.Or, text + mentions) or wq.NullQuery, highlight)


def compile_query(text: str, langs: list[str], gazetteer: Gazetteer, compounds: Split = _no_split) -> CompiledQuery:
    """Compile user query text for documents in `langs` (the languages present in the index);
    `compounds` splits a compound no document has into its words (see search.compounds)."""
    split = lru_cache(maxsize=None)(compounds)  # asked once for the query, once for the snippets
    tree = mark_actors(parse(text), gazetteer)
    if isinstance(tree, Not):
        tree = And([tree])  # every document but those
    highlight = Highlight()
    if tree is None:
        return CompiledQuery(None, highlight)
    _collect(tree, highlight, langs, split)
    branches = [q for q in (_compile(tree, lang, split) for lang in langs) if q is not None]
    return CompiledQuery(_join(wq.Or, branches) or wq.NullQuery, highlight)
