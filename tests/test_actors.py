import pytest

from index.actors import GAZETTEER, build_gazetteer, load_gazetteer


@pytest.fixture(scope="module")
def gazetteer():
    return load_gazetteer()


def actors_in(gazetteer, text):
    return [m.actor for m in gazetteer.find(text)]


def test_the_bundled_gazetteer_loads_without_conflicts(gazetteer):
    """Loading checks the rest: ids are unique slugs, every actor has its three labels, and a word
    form means one actor unless every actor that has it lists it as ambiguous."""
    assert len(gazetteer.actors) >= 400
    assert {"country", "person", "organisation"} == {a.type for a in gazetteer.actors.values()}
    for actor in gazetteer.actors.values():
        assert set(actor.labels) == {"en", "da", "de"} and all(actor.labels.values())
    for required in ("russia", "iran", "north-korea", "ukraine", "united-states", "united-kingdom", "china",
                     "european-union", "united-nations", "nato", "vladimir-putin", "ebrahim-raisi",
                     "masoud-pezeshkian", "kim-jong-un", "joe-biden", "john-kirby"):
        assert required in gazetteer.actors


@pytest.mark.parametrize(
    "text, actor",
    [
        ("Rusland", "russia"), ("Ruslands hær", "russia"), ("Russlands Armee", "russia"), ("russiske soldater", "russia"),
        ("russisk militær", "russia"), ("die russischen Truppen", "russia"), ("die Russen feuern Raketen", "russia"), ("russerne sendte droner", "russia"),
        ("Kreml meddeler", "russia"), ("der Kreml-Chef", "russia"), ("Ukraine-krigen", "ukraine"),
        ("Putins tale", "vladimir-putin"), ("Wladimir Putin", "vladimir-putin"), ("Selenskyj", "volodymyr-zelensky"),
        ("Zelenskyj", "volodymyr-zelensky"), ("Ajatollah Chamenei", "ali-khamenei"), ("Massoud Pezeshkian", "masoud-pezeshkian"),
        ("Kim Jong Un", "kim-jong-un"), ("Kim Jong-un", "kim-jong-un"), ("Det Hvide Hus", "united-states"),
        ("i det Hvide Hus", "united-states"), ("im Weißen Haus", "united-states"), ("Biden-Regierung", "joe-biden"),
        ("Sikkerhedsrådet", "un-security-council"), ("die Vereinten Nationen", "united-nations"),
        ("Revolutionsgarden", "irgc"), ("der Huthi-Miliz", "houthis"), ("iranischer Amtskollege", "iran"),
        ("Nordkoreas Führung", "north-korea"), ("Pjöngjang", "north-korea"), ("Orban", "viktor-orban"),
        ("kampene i Østukraine", "ukraine"), ("im Nordirak", "iraq"), ("Nordirland", "united-kingdom"), ("Südsudan", "south-sudan"),
        ("die Kampfdrohnen der Iraner", "iran"), ("russisches Flüssiggas", "russia"),
    ],
)
def test_names_inflections_demonyms_and_metonyms(gazetteer, text, actor):
    assert actors_in(gazetteer, text) == [actor]


@pytest.mark.parametrize(
    "text",
    ["Kim kom for sent.", "Vi skal polish the text.", "Han kørte på eu-plader.", "Det store spørgsmål er tid.", "Jordan spillede godt.",
     "Rejsen gik til Sydamerika.", "Die Urlaubsgäste aus Nordamerika"],
)
def test_ordinary_words_are_not_actors(gazetteer, text):
    assert actors_in(gazetteer, text) == []


def test_adjectives_and_demonyms_count_beside_state_power_or_a_name(gazetteer):
    for text in ("Der var god stemning på det danske hold.", "Han talte svensk i radioen.", "Og tyskerne trak sig tilbage.",
                 "Die italienische Küche ist beliebt."):
        assert actors_in(gazetteer, text) == [], text
    assert actors_in(gazetteer, "russiske og iranske droner") == ["russia", "iran"]
    assert actors_in(gazetteer, "Ukrainerne har skudt 20 droner ned.") == ["ukraine"]
    assert actors_in(gazetteer, "Rusland svarer. Det russiske svar kom hurtigt.") == ["russia", "russia"]
    # one adjective beside power anchors the others of its sentence; two without it stay words
    assert actors_in(gazetteer, "Sydkoreanske kilder siger, at nordkoreanske soldater er sendt.") == ["south-korea", "north-korea"]
    assert actors_in(gazetteer, "Vi fik norsk og svensk ind i undervisningen.") == []


def test_a_sentence_begins_after_its_full_stop(gazetteer):
    """A name that opens the next sentence gives no context to the sentence before it."""
    assert actors_in(gazetteer, "Han kom med et svensk forslag. Putin svarede.") == ["vladimir-putin"]
    assert actors_in(gazetteer, "Han kom. Putin svarede på det svenske forslag.") == ["vladimir-putin", "sweden"]


def test_a_capital_stands_for_its_government_only_in_context(gazetteer):
    assert actors_in(gazetteer, "Beijing advarede Washington mod at sende våben.") == ["china", "united-states"]
    assert actors_in(gazetteer, "Brüssel droht Budapest mit Kürzungen.") == ["european-union", "hungary"]
    assert actors_in(gazetteer, "Washington er en smuk by om foråret.") == []
    assert actors_in(gazetteer, "Hotellet i Bruxelles har 40 værelser.") == []


def test_ambiguous_names_count_only_beside_an_unambiguous_mention(gazetteer):
    assert actors_in(gazetteer, "Kirby sagde intet.") == []
    assert actors_in(gazetteer, "John Kirby talte. Senere sagde Kirby, at ...") == ["john-kirby", "john-kirby"]


def _gazetteer(tmp_path, text):
    path = tmp_path / "actors.toml"
    path.write_text(text, encoding="utf-8")
    return build_gazetteer([path])


PERSON = """
[[actor]]
id = "{id}"
type = "person"
labels = {{ en = "{name}", da = "{name}", de = "{name}" }}
{extra}
"""


def test_a_name_shared_by_two_actors_must_be_ambiguous_in_both_and_means_the_one_named_nearest(tmp_path):
    clash = PERSON.format(id="ann-kim", name="Ann Kim", extra='aliases = ["Kim"]') + PERSON.format(id="bo-kim", name="Bo Kim", extra='aliases = ["Kim"]')
    with pytest.raises(ValueError, match="means both ann-kim and bo-kim"):
        _gazetteer(tmp_path, clash)
    shared = PERSON.format(id="ann-kim", name="Ann Kim", extra='ambiguous = ["Kim"]') + PERSON.format(id="bo-kim", name="Bo Kim", extra='ambiguous = ["Kim"]')
    gazetteer = _gazetteer(tmp_path, shared)
    assert actors_in(gazetteer, "Kim kom for sent.") == []
    assert actors_in(gazetteer, "Ann Kim og Bo Kim mødtes. Bagefter sagde Bo Kim, at Kim ville rejse.") == ["ann-kim", "bo-kim", "bo-kim", "bo-kim"]
    assert [m.actor for m in gazetteer.find("Kim", query=True)] == []  # in a query: which Kim?


def test_a_name_of_one_actor_and_ambiguous_for_others_is_read_as_the_first_unless_another_is_named(gazetteer, tmp_path):
    assert actors_in(gazetteer, "Khameneis rådgiver advarede.") == ["ali-khamenei"]
    assert actors_in(gazetteer, "Mojtaba Khamenei talte. Senere sagde Khamenei, at ...") == ["mojtaba-khamenei", "mojtaba-khamenei"]
    assert [m.actor for m in gazetteer.find("khamenei", query=True)] == ["ali-khamenei"]
    two_defaults = PERSON.format(id="ann-kim", name="Ann Kim", extra='aliases = ["Kim"]') + PERSON.format(id="bo-kim", name="Bo Kim", extra='ambiguous = ["Kim"]') + PERSON.format(id="cy-kim", name="Cy Kim", extra='aliases = ["Kim"]')
    with pytest.raises(ValueError, match="plain name of both ann-kim and cy-kim"):
        _gazetteer(tmp_path, two_defaults)


def test_an_actor_id_used_twice_in_one_file_is_an_error(tmp_path):
    twice = PERSON.format(id="ann-kim", name="Ann Kim", extra="") + PERSON.format(id="ann-kim", name="Anne Kim", extra="")
    with pytest.raises(ValueError, match="used twice"):
        _gazetteer(tmp_path, twice)


def test_a_label_listed_as_ambiguous_is_only_ambiguous(gazetteer):
    assert actors_in(gazetteer, "Jordan spillede godt.") == []
    assert actors_in(gazetteer, "Kong Abdullah af Jordanien besøgte Jordan-dalen, og Jordan vil hjælpe.")[-1] == "jordan"


def test_an_organisation_named_after_another_names_it_too(gazetteer):
    assert actors_in(gazetteer, "FN's Sikkerhedsråd mødes") == ["united-nations", "un-security-council"]
    assert actors_in(gazetteer, "der UN-Sicherheitsrat") == ["united-nations", "un-security-council"]
    assert actors_in(gazetteer, "Kataib Hezbollah") == ["kataib-hezbollah"]


def test_count_orders_by_mentions(gazetteer):
    counts = gazetteer.count(["Rusland og Iran", "Russiske droner fra Iran. Iran afviser."])
    assert [(m.id, m.count) for m in counts] == [("iran", 3), ("russia", 2)]


def test_autocomplete_across_languages_and_aliases(gazetteer):
    assert "russia" in {a.id for a in gazetteer.complete("russ")}
    assert "russia" in {a.id for a in gazetteer.complete("Rusl")}
    assert "volodymyr-zelensky" in {a.id for a in gazetteer.complete("Selensk")}
    assert "viktor-orban" in {a.id for a in gazetteer.complete("orba")}


def test_a_user_file_adds_and_overrides_actors(tmp_path):
    extra = tmp_path / "mine.toml"
    extra.write_text(
        """
[[actor]]
id = "john-kirby"
type = "person"
labels = { en = "John Kirby", da = "John Kirby", de = "John Kirby" }
aliases = ["Kirby"]

[[actor]]
id = "wagner-orchestra"
type = "organisation"
labels = { en = "Wagner Orchestra", da = "Wagner-orkestret", de = "Wagner-Orchester" }
aliases = ["Wagner"]
""",
        encoding="utf-8",
    )
    gazetteer = build_gazetteer([GAZETTEER, extra])
    assert actors_in(gazetteer, "Kirby sagde intet.") == ["john-kirby"]
    assert actors_in(gazetteer, "Wagner spillede.") == ["wagner-orchestra"]
    assert "wagner-group" in gazetteer.actors


def test_a_broken_user_file_is_a_clear_error(tmp_path):
    extra = tmp_path / "bad.toml"
    extra.write_text('[[actor]]\nid = "Not A Slug"\ntype = "country"\nlabels = { en = "X", da = "X", de = "X" }\n')
    with pytest.raises(ValueError, match="lower-case slug"):
        build_gazetteer([GAZETTEER, extra])
