"""The gazetteer on the bundled data and on small files with faults."""

import pytest

from geo.gazetteer import Gazetteer, Place
from geo.view import distance_km

from .conftest import TEST_DATA


@pytest.mark.parametrize(
    "query, place_id",
    [
        ("Al-Habeet", "al-habit"),
        ("Hbeit", "al-habit"),
        ("Khan Sheikhoun", "khan-shaykhun"),
        ("Khan Cheikhoun", "khan-shaykhun"),
        ("Khan Sheikhun", "khan-shaykhun"),
        ("خان شيخون", "khan-shaykhun"),
        ("Idlib", "idlib"),
        ("Hama", "hama"),
        ("Maarat al-Numan", "maarat-al-numan"),
        ("Maaret al-Noman", "maarat-al-numan"),
        ("Kafr Naboudeh", "kafr-nabudah"),
        ("Kafranbel", "kafr-nabl"),
        ("khan-shaykhun", "khan-shaykhun"),
        ("Khan Shaykhun", "khan-shaykhun"),
        ("Khan Shaykhoun", "khan-shaykhun"),
        ("Ma'arrat an-Nu'man", "maarat-al-numan"),
        ("Maarrat al-Nouman", "maarat-al-numan"),
        ("Saraqib", "saraqib"),
        ("Saraqeb", "saraqib"),
        ("Kafr Nabl", "kafr-nabl"),
        ("al-Habit", "al-habit"),
    ],
)
def test_news_spellings_resolve_to_the_right_place(gazetteer, query, place_id):
    place = gazetteer.geocode(query)
    assert place is not None and place.id == place_id


@pytest.mark.parametrize("query", ["Maar Shamarin", "Marshemarin"])
def test_a_geonames_alias_of_another_village_does_not_send_maar_shamarin_to_maarrat_misrin(gazetteer, query):
    place = gazetteer.geocode(query)
    assert place is None or place.id != "maarratmisrin"


def test_seed_towns_have_real_coordinates(gazetteer):
    habit, khan = gazetteer.get("al-habit"), gazetteer.get("khan-shaykhun")
    assert 35.40 < habit.lat < 35.48 and 36.48 < habit.lon < 36.58
    assert 35.40 < khan.lat < 35.48 and 36.60 < khan.lon < 36.70


def test_a_misspelling_is_found_by_fuzzy_matching(gazetteer):
    match = gazetteer.match("Khan Shaikhounn")
    assert match is not None and match.place.id == "khan-shaykhun"


def test_candidates_are_ranked_with_scores(gazetteer):
    found = gazetteer.candidates("Kafr", limit=3)
    assert len(found) <= 3
    assert [m.score for m in found] == sorted((m.score for m in found), reverse=True)


@pytest.mark.parametrize("query", ["", " ", "x" * 10_000, "\x00\x07", "12345", "Beirut", "Sochi", "Britain", "東京"])
def test_unknown_or_odd_names_are_not_found_without_error(gazetteer, query):
    assert gazetteer.geocode(query) is None


def test_a_shared_name_prefers_the_place_inside_the_theatre_and_says_it_is_ambiguous():
    inside = Place("tell-x-idlib", "Tell X", 35.5, 36.6, governorate="Idlib", source="s")
    outside = Place("tell-x-homs", "Tell X", 34.5, 36.9, governorate="Homs", source="s")
    match = Gazetteer([outside, inside]).match("Tel X")
    assert match.place.id == "tell-x-idlib"
    assert match.ambiguous and "Homs" in match.alternatives[0]


def test_of_two_namesakes_inside_the_theatre_the_one_nearer_the_front_wins():
    east_aleppo = Place("jubbayn", "Jubbayn", 35.92, 37.58, governorate="Aleppo", source="s")
    north_hama = Place("jubbayn-hama", "Jubbayn", 35.34, 36.51, governorate="Hama", source="s")
    for places in ([east_aleppo, north_hama], [north_hama, east_aleppo]):
        match = Gazetteer(places).match("al-Jubbayn")
        assert match.place.id == "jubbayn-hama" and match.ambiguous


def test_of_two_namesake_villages_the_one_geonames_lists_wins_over_a_map_marker():
    marker = Place("sharan-latakia", "Sharan", 35.79, 36.00, governorate="Latakia", source="https://x.org/map")
    listed = Place("sharan", "Sharan", 36.62, 36.94, governorate="Aleppo", source="geonames:1")
    assert Gazetteer([marker, listed]).match("Sharan").place.id == "sharan"


@pytest.mark.parametrize(
    "query, near, km",
    [  # the front-line villages the 2019 reports name, each within a few km of a neighbour they name
        ("Tell Malah", "mhardeh", 12),
        ("Tal Melh", "mhardeh", 12),
        ("al-Jabin", "kafr-nabudah", 15),
        ("Tal Sakhar", "kafr-nabudah", 5),
        ("Kabani", "jisr-al-shughur", 16),
    ],
)
def test_named_front_line_villages_resolve_near_their_neighbours(gazetteer, query, near, km):
    place, other = gazetteer.geocode(query), gazetteer.get(near)
    assert place is not None and distance_km(place.lat, place.lon, other.lat, other.lon) < km


def test_malformed_rows_are_reported_with_line_and_field(write_csv):
    path = write_csv(
        "g.csv",
        (TEST_DATA / "gazetteer.csv").read_text().splitlines()[0],
        "good,Good,,35.1,36.1,Idlib,,,village,s",
        "bad-lat,Bad,,north,36.1,Idlib,,,village,s",
        "Bad Id,Bad,,35.1,36.1,Idlib,,,village,s",
        "bad-kind,Bad,,35.1,36.1,Idlib,,,castle,s",
        "good,Again,,35.1,36.1,Idlib,,,village,s",
    )
    gaz = Gazetteer.load(path)
    assert [p.id for p in gaz.places] == ["good"]
    assert [(p.line, p.field) for p in gaz.problems] == [(3, "lat"), (4, "id"), (5, "kind"), (6, "id")]
    assert str(gaz.problems[0]) == "g.csv:3: lat: 'north' is not a number"


@pytest.mark.parametrize("query", ["Haim", "Al Aarib", "Ahim"])
def test_a_shared_consonant_key_alone_does_not_make_a_match(gazetteer, query):
    """'Haim' has Hama's key (h-m) but is nothing like it: no answer beats a wrong one."""
    found = gazetteer.match(query)
    assert found is None or found.how == "fuzzy"


def test_real_news_spellings_resolve_to_the_right_place(gazetteer):
    """337 spellings seen in news and encyclopaedias (bench/data/spellings_labelled.csv, with sources)."""
    import csv
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "bench" / "data" / "spellings_labelled.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    right = wrong = 0
    for row in rows:
        want, got = gazetteer.get(row["place_id"]), gazetteer.geocode(row["spelling"])
        if got is not None:
            km = distance_km(want.lat, want.lon, got.lat, got.lon)
            right += km <= 3
            wrong += km > 3
    assert len(rows) >= 150
    assert right / len(rows) >= 0.97 and wrong / len(rows) < 0.01
