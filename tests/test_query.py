import pytest
from whoosh import query as wq

from index.actors import load_gazetteer
from search import InvalidQuery
from search.query import And, Group, Not, Or, Phrase, Word, compile_query, mark_actors, parse

G = load_gazetteer()


def tree(text):
    return mark_actors(parse(text), G)


def test_words_are_anded_and_operators_work():
    assert tree("droner Iran") == And([Word("droner"), Word("Iran", actor="iran")])
    assert tree("droner OR missiler") == Or([Word("droner"), Word("missiler")])
    assert tree("droner -Iran") == And([Word("droner"), Not(Word("Iran", actor="iran"))])
    assert tree("droner NOT Iran") == And([Word("droner"), Not(Word("Iran", actor="iran"))])
    assert tree('"Det Hvide Hus"') == Phrase("Det Hvide Hus")  # a quoted phrase stays exact
    assert tree("russ*") == Word("russ", prefix=True)
    assert tree("(a OR b) c") == And([Or([Word("a"), Word("b")]), Word("c")])


def test_multi_word_actor_names_are_grouped():
    node = tree("Kim Jong Un raketter")
    assert isinstance(node, And) and isinstance(node.nodes[0], Group) and node.nodes[0].actor == "kim-jong-un"


@pytest.mark.parametrize(
    "text, expected",
    [
        ('"unbalanced quote', Phrase("unbalanced quote")),
        ("(" * 20 + "Putin", Word("Putin", actor="vladimir-putin")),
        ("-" * 400 + "Iran", Word("Iran", actor="iran")),
        ("NOT NOT Iran", Word("Iran", actor="iran")),
        ("NOT -Iran", Word("Iran", actor="iran")),
        ("(Putin", Word("Putin", actor="vladimir-putin")),
        ("Iran - Rusland", And([Word("Iran", actor="iran"), Word("Rusland", actor="russia")])),
        ("Iran -", Word("Iran", actor="iran")),
        ('-"Det Hvide Hus" Iran', And([Not(Phrase("Det Hvide Hus")), Word("Iran", actor="iran")])),
        ("-(Iran OR Irak) droner", And([Not(Or([Word("Iran", actor="iran"), Word("Irak", actor="iraq")])), Word("droner")])),
        ("Iran AND droner", And([Word("Iran", actor="iran"), Word("droner")])),
        ("russ**", Word("russ", prefix=True)),
        ("---", None),
        ("()", None),
        ('""', None),
        ("", None),
    ],
)
def test_what_is_still_being_typed_is_completed_the_obvious_way(text, expected):
    assert tree(text) == expected


@pytest.mark.parametrize(
    "text, message",
    [
        ("OR", "OR has nothing on its left (character 1 of q)"),
        ("droner OR", "OR has nothing on its right (character 8 of q)"),
        ("a OR OR b", "OR has nothing on its right (character 3 of q)"),
        ("(OR Iran)", "OR has nothing on its left (character 2 of q)"),
        ("AND Iran", "AND has nothing on its left (character 1 of q)"),
        ("Iran AND", "AND has nothing on its right (character 6 of q)"),
        ("NOT", "NOT has nothing to negate (character 1 of q)"),
        ("Iran NOT OR b", "NOT has nothing to negate (character 6 of q)"),
        (")) Putins", "')' closes no '(' (character 1 of q)"),
        ("(a) b)", "')' closes no '(' (character 6 of q)"),
        ("(" * 21 + "Putin", "brackets nest deeper than 20 (character 21 of q)"),
        ("Ru*land", "* works only at the end of a word (character 1 of q)"),
        ("Iran *land", "* works only at the end of a word (character 6 of q)"),
        ("x*", "a prefix needs at least two characters before * (character 1 of q)"),
    ],
)
def test_syntax_without_a_clear_meaning_is_rejected_with_its_place(text, message):
    with pytest.raises(InvalidQuery) as caught:
        parse(text)
    assert caught.value.message == message and caught.value.field == "q" and caught.value.status == 400


def test_a_stop_word_is_ignored_only_in_languages_where_it_is_one():
    text = str(compile_query("og Rusland", ["da", "de"], G).query)
    assert "text_da:og" not in text and "text_de:og" in text
    assert "actor_terms:da:russia" in text and "actor_terms:de:russia" in text
    assert str(compile_query("Iran OR og", ["da"], G).query) == str(compile_query("Iran", ["da"], G).query)


def test_only_stop_words_matches_nothing_and_empty_matches_everything():
    assert compile_query("og i", ["da"], G).query is wq.NullQuery
    assert compile_query("", ["da"], G).query is None
    assert str(compile_query("-og", ["da"], G).query) == "lang:da"  # an ignored word excludes nothing
    negated = compile_query("-Iran", ["da", "de"], G)
    assert "(lang:da ANDNOT" in str(negated.query) and "(lang:de ANDNOT" in str(negated.query)  # each language's documents but those
    assert not negated.ranked and compile_query("Iran -Irak", ["da"], G).ranked


def test_highlight_terms_per_language():
    compiled = compile_query("Rusland droner", ["da", "de"], G)
    assert compiled.highlight.stems["da"] == {"rusland", "dron"}
    assert compiled.highlight.actors == {"russia"}


def test_two_letter_abbreviations_need_capitals_in_queries_too():
    assert tree("help us") == And([Word("help"), Word("us")])
    assert tree("US EU usa") == And([Word("US", actor="united-states"), Word("EU", actor="european-union"), Word("usa", actor="united-states")])
