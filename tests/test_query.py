import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import query as wq

from index.actors import load_gazetteer
from search.query import And, Group, Not, Or, Phrase, Word, compile_query, mark_actors, parse

G = load_gazetteer()


def tree(text):
    return mark_actors(parse(text), G)


def test_words_are_anded_and_operators_work():
    assert tree("droner Iran") == And([Word("droner"), Word("Iran", actor="iran")])
    assert tree("droner OR missiler") == Or([Word("droner"), Word("missiler")])
    assert tree("droner -Iran") == And([Word("droner"), Not(Word("Iran", actor="iran"))])
    assert tree("droner NOT Iran") == And([Word("droner"), Not(Word("Iran", actor="iran"))])
    assert tree('"Det Hvide Hus"') == Phrase("Det Hvide Hus", actor="united-states")
    assert tree("russ*") == Word("russ", prefix=True)
    assert tree("(a OR b) c") == And([Or([Word("a"), Word("b")]), Word("c")])


def test_multi_word_actor_names_are_grouped():
    node = tree("Kim Jong Un raketter")
    assert isinstance(node, And) and isinstance(node.nodes[0], Group) and node.nodes[0].actor == "kim-jong-un"


@pytest.mark.parametrize(
    "text, expected",
    [
        ('"unbalanced quote', Phrase("unbalanced quote")),
        ("(Putin", Word("Putin", actor="vladimir-putin")),
        (")) Putins", Word("Putins", actor="vladimir-putin")),
        ("OR", None),
        ("NOT", None),
        ("droner OR", Word("droner")),
        ("---", None),
        ("", None),
    ],
)
def test_malformed_queries_are_read_leniently(text, expected):
    assert tree(text) == expected


def test_a_stop_word_only_constrains_languages_where_it_is_not_one():
    compiled = compile_query("og Rusland", ["da", "de"], G).query
    text = str(compiled)
    assert "text_da:og" not in text and "text_de:og" in text and "actors:russia" in text


def test_only_stop_words_matches_nothing_and_empty_matches_everything():
    assert compile_query("og i", ["da"], G).query is wq.NullQuery
    assert compile_query("", ["da"], G).query is None
    negated = str(compile_query("-Iran", ["da"], G).query)
    assert negated.startswith("((None:* ANDNOT") and "actors:iran" in negated  # every document but those


def test_highlight_terms_per_language():
    compiled = compile_query("Rusland droner", ["da", "de"], G)
    assert compiled.highlight.stems["da"] == {"rusland", "dron"}
    assert compiled.highlight.actors == {"russia"}


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('ab ORNTD()"-*æ\'«» \t')) | st.characters(), max_size=60))
def test_any_text_parses_and_compiles(text):
    compile_query(text, ["da", "de", "en"], G)
