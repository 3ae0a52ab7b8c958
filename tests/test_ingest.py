"""News ingest: the seed article yields exactly its one change; failures, hypotheses and mentions do not."""

import datetime as dt
import json
from pathlib import Path

import pytest

from geo.errors import DataError
from geo.events import append_events, load_events
from geo.ingest import MAX_TEXT_CHARS, extract, read_text, resolve_date, sentences

from .test_cli import run

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_fa140e02a259b78e.txt"
LABELLED = json.loads((ROOT / "bench" / "data" / "ingest_labelled.json").read_text(encoding="utf-8"))


def keys(candidates):
    return {(c.place_id, c.new_controller, c.date.isoformat()) for c in candidates}


def test_the_seed_yields_al_habit_to_the_government_on_11_august_and_nothing_else(gazetteer):
    found = extract(SEED.read_text(encoding="utf-8"), gazetteer, dt.date(2019, 8, 11))
    assert keys(found) == {("al-habit", "government", "2019-08-11")}
    assert "Al-Habeet" in found[0].evidence and found[0].confidence >= 0.9


@pytest.mark.parametrize("item", LABELLED, ids=[f"{i:02d}-{x['pattern']}" for i, x in enumerate(LABELLED)])
def test_labelled_paragraphs_give_exactly_their_changes(gazetteer, item):
    found = extract(item["text"], gazetteer, dt.date.fromisoformat(item["published"]))
    assert keys(found) == {(e["place_id"], e["new_controller"], e["date"]) for e in item["expected"]}


def test_an_article_ingested_twice_gives_each_candidate_once(gazetteer):
    text = SEED.read_text(encoding="utf-8")
    assert len(extract(text + "\n" + text, gazetteer, dt.date(2019, 8, 11))) == 1


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("They took it on Sunday.", "2019-08-11"),  # published on a Sunday: the same day
        ("They took it on Saturday.", "2019-08-10"),
        ("They took it yesterday.", "2019-08-10"),
        ("They took it at dawn.", "2019-08-11"),
        ("They took it overnight.", "2019-08-11"),
        ("They took it on 8 August.", "2019-08-08"),
        ("They took it on August 8.", "2019-08-08"),
        ("They took it on 30 December.", "2018-12-30"),  # a later day of the year: last year's
    ],
)
def test_relative_dates_resolve_from_the_publication_date(sentence, expected):
    assert resolve_date(sentence, dt.date(2019, 8, 11))[0].isoformat() == expected


def test_sentences_split_at_full_stops_but_not_after_titles():
    assert sentences("Brig. Gen. Suheil al-Hassan led it. Rebels left.") == [
        "Brig. Gen. Suheil al-Hassan led it.",
        "Rebels left.",
    ]


@pytest.mark.parametrize(
    "raw, words",
    [
        (b"", "empty"),
        (b"  \n ", "empty"),
        (b"\x00\x01bin", "binary"),
        (b"\xff\xfe\xfa", "not UTF-8"),
        (b"a" * (MAX_TEXT_CHARS + 1), "limit"),
    ],
)
def test_bad_article_input_is_a_clear_data_error(raw, words):
    with pytest.raises(DataError, match=words):
        read_text(raw, name="article.txt")


def test_cli_extract_on_the_seed_prints_the_documented_fields():
    code, out = run("extract", str(SEED), "--published", "2019-08-11")
    (record,) = [json.loads(line) for line in out.splitlines()]
    assert code == 0
    assert set(record) == {"place", "place_id", "lat", "lon", "new_controller", "date", "confidence", "evidence"}
    assert (record["place_id"], record["new_controller"], record["date"]) == ("al-habit", "government", "2019-08-11")


def test_cli_extract_reads_the_publication_date_beside_the_file_and_rejects_bad_dates(capsys):
    assert json.loads(run("extract", str(SEED))[1])["date"] == "2019-08-11"  # from the .meta.json
    code, _ = run("extract", str(SEED), "--published", "11/08/2019")
    assert code == 1 and "YYYY-MM-DD" in capsys.readouterr().err


EVENTS = "date,place_id,controller,source_url,note,confidence\n2019-04-29,alpha,opposition,https://a.example/0,,\n"


def new_row(**changes):
    row = {
        "date": "2019-05-08",
        "place_id": "alpha",
        "controller": "government",
        "source_url": "https://news.example/article",
        "note": "from an article",
        "confidence": "medium",
    }
    row.update(changes)
    return row


def test_accepting_adds_rows_once_and_keeps_the_previous_file(tmp_path):
    path = tmp_path / "events.csv"
    path.write_text(EVENTS, encoding="utf-8")
    assert append_events(path, [new_row()], places={"alpha"}) == 1
    assert append_events(path, [new_row()], places={"alpha"}) == 0  # same article again: nothing added
    assert list(load_events(path, places={"alpha"}).events["controller"]) == ["opposition", "government"]
    assert (tmp_path / "events.csv.bak").exists()


def test_accepting_an_invalid_row_writes_nothing_and_names_the_problem(tmp_path):
    path = tmp_path / "events.csv"
    path.write_text(EVENTS, encoding="utf-8")
    with pytest.raises(DataError, match="not in the gazetteer"):
        append_events(path, [new_row(place_id="nowhere")], places={"alpha"})
    with pytest.raises(DataError, match="changes nothing"):
        append_events(path, [new_row(controller="opposition")], places={"alpha"})
    assert path.read_text(encoding="utf-8") == EVENTS
