from index.actors import load_gazetteer
from search.query import compile_query
from search.snippets import snippet

G = load_gazetteer()
DANISH = (
    "Indledningen handler om noget helt andet, nemlig vejret over Jylland i weekenden og de lange køer ved broerne. "
    "Senere i teksten kommer det vigtige: Dronerne blev leveret til Rusland i efteråret, og flere droner er på vej. "
    "Til sidst følger en lang række detaljer om økonomi, som ikke har noget med sagen at gøre overhovedet."
)


def mark(text, lang, query, langs=("da", "de")):
    return snippet(text, lang, compile_query(query, list(langs), G).highlight, G)


def test_marks_stemmed_matches_in_the_best_passage():
    result = mark(DANISH, "da", "droner")
    assert "<mark>Dronerne</mark>" in result and "<mark>droner</mark>" in result
    assert result.startswith("… ") and len(result.replace("<mark>", "").replace("</mark>", "")) <= 250


def test_a_word_marks_the_compounds_it_is_part_of_and_a_quoted_one_only_itself():
    german = "Nach dem Drohnenangriff auf Kiew sprach die Regierung von weiteren Drohnen aus Iran."
    assert "<mark>Drohnenangriff</mark>" in mark(german, "de", "Drohnen") and "<mark>Drohnen</mark>" in mark(german, "de", "Drohnen")
    quoted = mark(german, "de", '"Drohnen"')
    assert "<mark>Drohnen</mark>" in quoted and "<mark>Drohnenangriff</mark>" not in quoted


def test_actor_queries_mark_the_actor_in_another_language():
    german = "Der Kreml bestätigte am Montag, dass russische Truppen abgezogen werden."
    result = mark(german, "de", "Rusland")
    assert "<mark>Kreml</mark>" in result and "<mark>russische</mark>" in result


def test_snippets_escape_html_and_show_the_lead_without_matches():
    text = "Et citat: <script>alert(1)</script> & mere tekst om ingenting."
    result = mark(text, "da", "")
    assert "<script>" not in result and "&lt;script&gt;" in result and "&amp;" in result
    assert "<mark>" not in result


def test_prefix_queries_mark_words_that_start_with_the_prefix():
    assert "<mark>Russlands</mark>" in mark("Die Rolle Russlands ist unklar.", "de", "russ*")
