"""User query -> Whoosh query: a lenient parser, per-language analysis, actor expansion.

Syntax: words are ANDed; `"exact phrase"`, `a OR b`, `-word` / `NOT word`, `prefix*`, `( … )`.
The parser never fails: an unbalanced quote runs to the end, an unbalanced parenthesis closes at the
end, a stray `)` and an operator without an operand are ignored.

A document lives in one language's fields (`title_da`, `text_da` …), so a query is compiled once per
language with that language's analyzer — a stop word of one language is skipped there only — and
the per-language queries are ORed. A word or phrase that names an actor (`Rusland`, `Putins`,
`"Det Hvide Hus"`) also matches documents that mention the actor, whatever their language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from whoosh import query as wq

from index.actors import Gazetteer
from index.analysis import analyzer
from index.schema import ACTORS_FIELD, LANG_FIELD, text_field, title_field

MAX_QUERY_CHARS = 500
ACTOR_BOOST = 0.6  # an actor match weighs a little less than the word itself in the text
_TOKEN = re.compile(r'"[^"]*"?|\(|\)|[^\s()"]+')
_EDGE_PUNCTUATION = ".,;:!?»«„“”‘’'`´"


@dataclass
class Word:
    text: str
    prefix: bool = False
    actor: str | None = None


@dataclass
class Phrase:
    text: str
    actor: str | None = None


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


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _TOKEN.findall(text)
        self.pos = 0

    def peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def parse(self) -> Node | None:
        node = self.expr()
        while self.peek() is not None:  # a stray ")" ends an expression early: skip it and go on
            self.pos += 1
            rest = self.expr()
            node = _join(And, [n for n in (node, rest) if n])
        return node

    def expr(self) -> Node | None:
        parts = [self.conjunction()]
        while self.peek() == "OR":
            self.pos += 1
            parts.append(self.conjunction())
        return _join(Or, [p for p in parts if p])

    def conjunction(self) -> Node | None:
        nodes = []
        while (token := self.peek()) is not None and token not in (")", "OR"):
            node = self.unary()
            if node:
                nodes.append(node)
        return _join(And, nodes)

    def unary(self) -> Node | None:
        token = self.peek()
        if token in ("NOT", "AND"):
            self.pos += 1
            if token == "AND":
                return None
            operand = self.unary() if self.peek() not in (None, ")", "OR") else None
            return Not(operand) if operand else None
        if token.startswith("-"):
            if len(token) > 1:
                self.tokens[self.pos] = token[1:]
            else:
                self.pos += 1
                if self.peek() in (None, ")", "OR"):
                    return None
            operand = self.unary()
            return Not(operand) if operand else None
        return self.atom()

    def atom(self) -> Node | None:
        token = self.tokens[self.pos]
        self.pos += 1
        if token == "(":
            node = self.expr()
            if self.peek() == ")":
                self.pos += 1
            return node
        if token.startswith('"'):
            text = token.strip('"').strip()
            return Phrase(text) if _has_word(text) else None
        token = token.strip(_EDGE_PUNCTUATION)
        if not _has_word(token):
            return None
        if token.endswith("*") and len(token.rstrip("*")) >= 2:
            return Word(token.rstrip("*"), prefix=True)
        return Word(token.strip("*"))


def _has_word(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def _join(cls, nodes: list[Node]) -> Node | None:
    if not nodes:
        return None
    return nodes[0] if len(nodes) == 1 else cls(nodes)


def parse(text: str) -> Node | None:
    """The query tree of `text`, or None when it has no words."""
    return _Parser(text.strip()).parse()


# -- actors ---------------------------------------------------------------------------------


def mark_actors(node: Node | None, gazetteer: Gazetteer) -> Node | None:
    """Mark words, word runs and phrases that name an actor, as a whole."""
    if isinstance(node, Phrase):
        node.actor = _whole_actor(node.text, gazetteer)
        return node
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


def _whole_actor(text: str, gazetteer: Gazetteer) -> str | None:
    mentions = gazetteer.find(text, query=True)
    if len(mentions) == 1 and text[: mentions[0].start].strip(" \"'") == "" and _tail_ok(text[mentions[0].end :]):
        return mentions[0].actor
    return None


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
    """What to mark in a snippet: stems per language, raw prefixes, and actors."""

    stems: dict[str, set[str]] = field(default_factory=dict)
    prefixes: set[str] = field(default_factory=set)
    actors: set[str] = field(default_factory=set)


def _terms(lang: str, text: str) -> list[str]:
    return [t.text for t in analyzer(lang)(text)]


def _text_query(lang: str, text: str) -> wq.Query | None:
    terms = _terms(lang, text)
    if not terms:
        return None
    fields = (title_field(lang), text_field(lang))
    if len(terms) == 1:
        return wq.Or([wq.Term(f, terms[0]) for f in fields])
    return wq.Or([wq.Phrase(f, terms) for f in fields])


def _with_actor(q: wq.Query | None, actor: str | None) -> wq.Query | None:
    if actor is None:
        return q
    actor_q = wq.Term(ACTORS_FIELD, actor, boost=ACTOR_BOOST)
    return actor_q if q is None else wq.Or([q, actor_q])


def _compile(node: Node, lang: str) -> wq.Query | None:
    """The Whoosh query for `node` in one language; None means "no constraint" (only stop words)."""
    if isinstance(node, Word):
        if node.prefix:
            prefix = node.text.lower()
            return wq.Or([wq.Prefix(title_field(lang), prefix), wq.Prefix(text_field(lang), prefix)])
        return _with_actor(_text_query(lang, node.text), node.actor)
    if isinstance(node, Phrase):
        return _with_actor(_text_query(lang, node.text), node.actor)
    if isinstance(node, Group):
        return _with_actor(_text_query(lang, " ".join(w.text for w in node.words)), node.actor)
    if isinstance(node, Or):
        parts = [_compile(n, lang) for n in node.nodes]
        if any(p is None for p in parts):
            return None  # one alternative has no constraint in this language, so neither has the OR
        return wq.Or(parts)
    if isinstance(node, Not):
        inner = _compile(node.node, lang)
        return wq.Not(inner) if inner is not None else None
    if isinstance(node, And):
        parts = [p for p in (_compile(n, lang) for n in node.nodes) if p is not None]
        positive = [p for p in parts if not isinstance(p, wq.Not)]
        negative = [p.query for p in parts if isinstance(p, wq.Not)]
        if not positive and not negative:
            return None
        base = wq.And(positive) if len(positive) > 1 else positive[0] if positive else wq.Every()
        for neg in negative:
            base = wq.AndNot(base, neg)
        return base
    raise TypeError(node)


def _collect(node: Node, highlight: Highlight, langs: list[str], negated: bool = False) -> None:
    if isinstance(node, Not):
        _collect(node.node, highlight, langs, True)
    elif isinstance(node, (And, Or)):
        for n in node.nodes:
            _collect(n, highlight, langs, negated)
    elif not negated:
        if isinstance(node, Word) and node.prefix:
            highlight.prefixes.add(node.text.lower())
            return
        text = " ".join(w.text for w in node.words) if isinstance(node, Group) else node.text
        for lang in langs:
            highlight.stems.setdefault(lang, set()).update(_terms(lang, text))
        if node.actor:
            highlight.actors.add(node.actor)


@dataclass
class CompiledQuery:
    query: wq.Query | None  # None: match every document
    highlight: Highlight
    actors: set[str]  # actors the query names


def compile_query(text: str, langs: list[str], gazetteer: Gazetteer) -> CompiledQuery:
    """Compile user query text for documents in `langs` (the languages present in the index)."""
    tree = mark_actors(parse(text), gazetteer)
    if isinstance(tree, Not):
        tree = And([tree])  # every document but those
    highlight = Highlight()
    if tree is None:
        return CompiledQuery(None, highlight, set())
    _collect(tree, highlight, langs)
    branches = []
    for lang in langs:
        q = _compile(tree, lang)
        if q is None:
            continue
        branches.append(wq.Require(q, wq.Term(LANG_FIELD, lang)))
    compiled = wq.Or(branches) if len(branches) > 1 else branches[0] if branches else wq.NullQuery
    return CompiledQuery(compiled, highlight, set(highlight.actors))
