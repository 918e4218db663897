import pytest

from index.actors import GAZETTEER, build_gazetteer, load_gazetteer


@pytest.fixture(scope="module")
def gazetteer():
    return load_gazetteer()


def actors_in(gazetteer, text):
    return [m.actor for m in gazetteer.find(text)]


def test_the_bundled_gazetteer_loads_without_conflicts(gazetteer):
    assert len(gazetteer.actors) >= 100
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
        ("russisk svaghed", "russia"), ("die russischen Truppen", "russia"), ("Russen", "russia"), ("russerne", "russia"),
        ("Kreml meddeler", "russia"), ("der Kreml-Chef", "russia"), ("Ukraine-krigen", "ukraine"),
        ("Putins tale", "vladimir-putin"), ("Wladimir Putin", "vladimir-putin"), ("Selenskyj", "volodymyr-zelensky"),
        ("Zelenskyj", "volodymyr-zelensky"), ("Chamenei", "ali-khamenei"), ("Massoud Pezeshkian", "masoud-pezeshkian"),
        ("Kim Jong Un", "kim-jong-un"), ("Kim Jong-un", "kim-jong-un"), ("Det Hvide Hus", "united-states"),
        ("i det Hvide Hus", "united-states"), ("im Weißen Haus", "united-states"), ("Biden-Regierung", "joe-biden"),
        ("FN's Sikkerhedsråd", "un-security-council"), ("die Vereinten Nationen", "united-nations"),
        ("Revolutionsgarden", "irgc"), ("der Huthi-Miliz", "houthis"), ("iranischer Amtskollege", "iran"),
        ("Nordkoreas Führung", "north-korea"), ("Pjöngjang", "north-korea"), ("Orban", "viktor-orban"),
    ],
)
def test_names_inflections_demonyms_and_metonyms(gazetteer, text, actor):
    assert actors_in(gazetteer, text) == [actor]


@pytest.mark.parametrize(
    "text",
    ["Kim kom for sent.", "Vi skal polish the text.", "Han kørte på eu-plader.", "Det store spørgsmål er tid.", "Jordan spillede godt."],
)
def test_ordinary_words_are_not_actors(gazetteer, text):
    assert actors_in(gazetteer, text) == []


def test_short_names_count_only_after_a_full_mention(gazetteer):
    assert actors_in(gazetteer, "Kirby sagde intet.") == []
    assert actors_in(gazetteer, "John Kirby talte. Senere sagde Kirby, at ...") == ["john-kirby", "john-kirby"]


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
