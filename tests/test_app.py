"""The page, run by Streamlit's AppTest: what a reader sees change when they use the controls."""

import datetime as dt
import json
import re
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo.factions import SIDES

from .conftest import TEST_DATA

APP = str(Path(__file__).resolve().parent.parent / "app.py")
STATIC = Path(__file__).resolve().parent.parent / "static"


def start(argv: list[str] | None = None, date: str | None = None, monkeypatch=None) -> AppTest:
    if argv is not None:
        monkeypatch.setattr(sys, "argv", ["app.py", *argv])
    at = AppTest.from_file(APP, default_timeout=60)
    if date is not None:
        at.query_params["date"] = date
    return at.run()


def plain(markdown: str) -> str:
    """Markdown source as the reader sees it (the page backslash-escapes text from data)."""
    return re.sub(r"\\(.)", r"\1", markdown)


def _walk(node):
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            yield child
            yield from _walk(child)


def map_args(at: AppTest) -> dict:
    """The arguments the page sent to the map component (its scripts and date-dependent layer)."""
    maps = [
        json.loads(e.proto.json_args)
        for e in _walk(at._tree)
        if type(e).__name__ == "UnknownElement" and getattr(e.proto, "json_args", "").startswith('{"script"')
    ]
    (args,) = maps
    return args


def features(at: AppTest) -> dict[str, str]:
    """Side of every place drawn on the map, by place id: the places file the map loads, with the
    state arrays the page sent for the date."""
    args = map_args(at)
    url = re.search(r'xhr.open\("GET", "([^"]+)"', args["script"]).group(1)
    places = json.loads((STATIC / url.split("/app/static/", 1)[1]).read_text(encoding="utf-8"))
    layer = args["feature_group"]
    start = layer.index("window.ifmServer(") + len("window.ifmServer(")
    state, _ = json.JSONDecoder().raw_decode(layer[start:])
    codes = [s.code for s in SIDES]
    return {pid: codes[c] for pid, c in zip(places["ids"], state["c"], strict=True) if c >= 0}


@pytest.fixture(scope="module")
def page() -> AppTest:
    return start()


def test_page_opens_on_the_latest_date_with_a_map_and_no_error(page, timeline):
    assert not page.exception
    assert page.title[0].value == "Idlib Front Map"
    assert page.slider[0].value == timeline.last_date
    assert len(features(page)) == len(timeline.state_at(timeline.last_date))
    assert not page.error


def test_moving_the_slider_across_11_august_2019_turns_al_habit_red():
    at = start()
    at.slider[0].set_value(dt.date(2019, 8, 10)).run()
    before = features(at)["al-habit"]
    at.slider[0].set_value(dt.date(2019, 8, 11)).run()
    after = features(at)["al-habit"]
    assert (before, after) == ("opposition", "government")
    assert at.query_params["date"] == ["2019-08-11"] or at.query_params["date"] == "2019-08-11"


def test_the_base_map_stays_the_same_across_dates_so_the_frame_is_not_reloaded():
    at = start()
    at.slider[0].set_value(dt.date(2019, 5, 8)).run()
    first = map_args(at)
    at.slider[0].set_value(dt.date(2019, 8, 25)).run()
    second = map_args(at)
    assert first["script"] == second["script"] and first["key"] == second["key"]
    assert first["feature_group"] != second["feature_group"]


def html_rows(markup: str) -> list[dict[str, str]]:
    """The rows of the first HTML table in `markup`, as the reader reads them (header -> cell text)."""
    from html.parser import HTMLParser

    class Cells(HTMLParser):
        def __init__(self):
            super().__init__()
            self.rows, self.cell = [], None

        def handle_starttag(self, tag, attrs):
            if tag == "tr":
                self.rows.append([])
            elif tag in ("td", "th"):
                self.cell = ""

        def handle_endtag(self, tag):
            if tag in ("td", "th") and self.cell is not None:
                self.rows[-1].append(self.cell)
                self.cell = None

        def handle_data(self, data):
            if self.cell is not None:
                self.cell += data

    parser = Cells()
    parser.feed(markup)
    header, *rows = parser.rows
    return [dict(zip(header, row, strict=True)) for row in rows]


def test_recent_changes_panel_lists_the_days_changes_newest_first():
    at = start(date="2019-08-11")
    rows = html_rows(at.get("html")[0].proto.body)
    assert rows[0]["Date"] == "2019-08-11"  # the day's own changes come first
    assert ("al-Habit", "Opposition → Government") in [
        (r["Place"], r["Change"]) for r in rows if r["Date"] == "2019-08-11"
    ]
    dates = [dt.date.fromisoformat(r["Date"]) for r in rows]
    assert dates == sorted(dates, reverse=True)
    assert all(d >= dt.date(2019, 7, 29) for d in dates)


def test_a_date_in_the_link_opens_that_date():
    at = start(date="2019-05-09")
    assert at.slider[0].value == dt.date(2019, 5, 9)


@pytest.mark.parametrize("bad", ["2019-02-30", "tomorrow", "1999-01-01"])
def test_a_bad_date_in_the_link_falls_back_to_the_latest_with_a_notice(bad, timeline):
    at = start(date=bad)
    assert at.slider[0].value == timeline.last_date
    assert "date in the link was not used" in plain(at.warning[0].value)


def test_step_buttons_move_to_the_next_and_previous_change(timeline):
    at = start(date="2019-08-10")
    forward = next(b for b in at.button if b.help == "Next change")
    forward.click().run()
    assert at.slider[0].value == min(d for d in timeline.dates() if d > dt.date(2019, 8, 10))
    back = next(b for b in at.button if b.help == "Previous change")
    back.click().run()
    back.click().run()
    assert at.slider[0].value < dt.date(2019, 8, 10)


def test_selecting_a_place_shows_its_full_history(timeline):
    at = start(date="2019-08-31")
    at.selectbox(key="place").set_value("kafr-nabudah").run()
    history = at.dataframe[-1].value
    assert len(history) == len(timeline.history("kafr-nabudah"))
    assert list(history["Controller"])[:3] == ["Opposition", "Government", "Opposition"]


def test_downloads_are_offered(page):
    labels = [b.label for b in page.get("download_button")]
    assert labels == [
        "Download snapshot (PNG)",
        "Download map (HTML, offline)",
        "Download GeoJSON",
        "Download KML",
        "Download table (CSV)",
    ]


def test_bad_rows_show_in_an_error_box_and_the_good_rows_still_draw(write_csv, monkeypatch):
    events = write_csv(
        "events.csv",
        "date,place_id,controller,source_url,note,confidence",
        *(TEST_DATA / "events.csv").read_text().splitlines()[1:],
        "2019-06-02,gamma,rebels,https://example.org/x,,",
        "2019-06-03,nowhere,government,https://example.org/y,,",
    )
    at = start(["--events", str(events), "--gazetteer", str(TEST_DATA / "gazetteer.csv")], monkeypatch=monkeypatch)
    assert not at.exception
    message = plain(at.error[0].value)
    assert "events.csv:9: controller" in message and "events.csv:10: place_id" in message
    assert set(features(at)) == {"alpha", "beta", "gamma"}


def test_an_unreadable_data_file_is_a_message_not_a_traceback(tmp_path, monkeypatch):
    at = start(["--events", str(tmp_path / "missing.csv")], monkeypatch=monkeypatch)
    assert not at.exception
    assert "cannot read the file" in plain(at.error[0].value)


def test_hostile_names_reach_the_map_escaped(write_csv, monkeypatch):
    gaz = write_csv(
        "gazetteer.csv",
        "id,name,alt_names,lat,lon,governorate,district,population,kind,source",
        "evil,<img src=x onerror=alert(1)>,,35.4,36.6,Idlib,,,town,https://example.org",
    )
    events = write_csv(
        "events.csv",
        "date,place_id,controller,source_url,note,confidence",
        "2019-04-29,evil,government,https://example.org/<script>,<script>alert(1)</script>,",
    )
    at = start(["--events", str(events), "--gazetteer", str(gaz)], monkeypatch=monkeypatch)
    args = map_args(at)
    url = re.search(r'xhr.open\("GET", "([^"]+)"', args["script"]).group(1)
    places_file = (STATIC / url.split("/app/static/", 1)[1]).read_text(encoding="utf-8")
    assert "&lt;img src=x onerror=alert(1)&gt;" in places_file and "<img" not in places_file
    layer = args["feature_group"]
    state, _ = json.JSONDecoder().raw_decode(layer[layer.index("window.ifmServer(") + len("window.ifmServer(") :])
    assert "<script" not in layer and state["urls"][0][0] == "https://example.org/&lt;script&gt;"


def test_searching_any_spelling_selects_the_place_and_flies_the_map_there():
    at = start(date="2019-08-31")
    at.text_input(key="search").input("Khan Sheikhoun").run()
    assert at.selectbox(key="place").value == "khan-shaykhun"
    args = map_args(at)
    assert args["zoom"] == 12 and args["center"] == pytest.approx([35.442, 36.651], abs=0.01)
    assert any("Found **Khan Shaykhun**" in plain(c.value) for c in at.caption)


def test_searching_an_unknown_name_says_so_and_changes_nothing():
    at = start(date="2019-08-31")
    at.text_input(key="search").input("Atlantis").run()
    assert not at.exception
    assert any("No place matches" in c.value for c in at.caption)
    assert at.selectbox(key="place").value is None


def test_on_this_date_shows_what_changed_since_the_date_shown_before(timeline):
    at = start(date="2019-08-10")
    at.slider[0].set_value(dt.date(2019, 8, 11)).run()
    government = next(m for m in at.metric if m.label == "Government")
    taken = timeline.changes_between("2019-08-11", "2019-08-11")
    assert (taken["controller"] == "government").all() and len(taken) >= 1  # al-Habit and Sukayk
    assert government.delta is not None and government.delta.strip("+ ") == str(len(taken))
    assert any(
        "Since 10 Aug 2019" in plain(c.value) and "al-Habit (Opposition → Government)" in plain(c.value)
        for c in at.caption
    )


EVENTS_HEADER = "date,place_id,controller,source_url,note,confidence"


def test_an_uploaded_events_file_replaces_the_bundled_events_for_this_session():
    at = start()
    rows = [
        EVENTS_HEADER,
        "2019-04-29,idlib,government,https://example.org/a,,",
        "2019-05-01,idlib,opposition,https://example.org/b,,",
    ]
    at.file_uploader(key="upload_events").set_value(("mine.csv", "\n".join(rows).encode(), "text/csv")).run()
    assert not at.exception
    assert set(features(at)) == {"idlib"}
    assert at.slider[0].value == dt.date(2019, 5, 1)
    assert "uploaded data" in plain(at.info[0].value)
    fresh = start()  # another session still sees the bundled data
    assert len(features(fresh)) > 1


PLACES_HEADER = "id,name,alt_names,lat,lon,governorate,district,population,kind,source"


def upload(at: AppTest, places: list[str], events: list[str]) -> AppTest:
    """Upload a places file and an events file (rows without their headers) in the sidebar."""
    body = "\n".join([PLACES_HEADER, *places]).encode()
    at.file_uploader(key="upload_places").set_value(("places.csv", body, "text/csv"))
    body = "\n".join([EVENTS_HEADER, *events]).encode()
    return at.file_uploader(key="upload_events").set_value(("events.csv", body, "text/csv")).run()


def test_uploaded_places_are_added_and_bad_rows_listed_with_line_and_field():
    at = upload(
        start(),
        [
            "new-village,New Village,,35.5,36.5,Idlib,,,village,https://example.org/p",
            "broken,Broken,,not-a-number,36.5,Idlib,,,village,https://example.org/p",
        ],
        [
            "2019-04-29,new-village,opposition,https://example.org/a,,",
            "2019-04-30,broken,opposition,https://example.org/b,,",
        ],
    )
    assert set(features(at)) == {"new-village"}
    message = plain(at.error[0].value)
    assert "places.csv:3: lat: 'not-a-number' is not a number" in message
    assert "events.csv:3: place_id: 'broken' is not in the gazetteer" in message


@pytest.mark.parametrize(
    "content, words",
    [
        (b"\x00\x01\x02\x03 binary", "binary file"),
        (b"\xff\xfe\xfa not utf-8", "not UTF-8"),
        (b"a,b\n1,2\n", "missing column"),
    ],
)
def test_an_unusable_upload_is_refused_with_a_message_and_the_bundled_data_stays(content, words):
    at = start()
    at.file_uploader(key="upload_events").set_value(("bad.csv", content, "text/csv")).run()
    assert not at.exception
    assert words in plain(at.error[0].value) and "bad.csv" in plain(at.error[0].value)
    assert len(features(at)) > 1


def test_text_from_uploaded_data_cannot_inject_markdown_links_or_colours():
    at = upload(
        start(),
        ["evil,[click](javascript:alert(1)) :red[x],,35.5,36.5,Idlib,,,town,https://example.org/p"],
        ["2019-04-29,evil,opposition,https://example.org/a,,"],
    )
    at.selectbox(key="place").set_value("evil").run()
    shown = [m.value for m in at.markdown if "click" in m.value]
    assert shown and all("\\[click\\]\\(javascript\\:" in value and "\\:red\\[" in value for value in shown)


def test_an_unexpected_error_shows_a_short_message_not_a_traceback(monkeypatch):
    import geo.view

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(geo.view, "placed_state", broken)
    monkeypatch.setitem(sys.modules, "geo.view", geo.view)
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception
    assert "Something went wrong" in at.error[0].value and "boom" not in at.error[0].value


REPORT = "Rebels retook Beta on Sunday after a night of fighting, a monitor said. Alpha Town was shelled."


def report_app(tmp_path, monkeypatch):
    events = tmp_path / "events.csv"
    events.write_bytes((TEST_DATA / "events.csv").read_bytes())
    at = start(["--events", str(events), "--gazetteer", str(TEST_DATA / "gazetteer.csv")], monkeypatch=monkeypatch)
    at.text_area(key="report_text").input(REPORT)
    at.date_input(key="report_published").set_value(dt.date(2019, 6, 9))
    at.text_input(key="report_url").input("https://news.example/beta-retaken")
    next(b for b in at.button if b.label == "Find changes").click().run()
    return at, events


def test_a_report_round_trips_into_the_data_and_onto_the_map(tmp_path, monkeypatch):
    at, events = report_app(tmp_path, monkeypatch)
    assert "1 candidate change" in plain(at.info[0].value)
    layers = map_args(at)["feature_group"]
    assert "Named in the report: Beta" in layers and "Named in the report: Alpha Town" in layers
    next(b for b in at.button if b.label == "Accept the ticked changes").click().run()
    assert "Added 1 change" in plain(at.success[0].value)
    assert "2019-06-09,beta,opposition,https://news.example/beta-retaken" in events.read_text()
    assert (tmp_path / "events.csv.bak").read_bytes() == (TEST_DATA / "events.csv").read_bytes()
    at.slider[0].set_value(dt.date(2019, 6, 9)).run()
    assert features(at)["beta"] == "opposition"


def test_a_crash_while_accepting_leaves_the_data_file_intact(tmp_path, monkeypatch):
    import geo.csvio

    at, events = report_app(tmp_path, monkeypatch)

    def crash(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(geo.csvio.os, "replace", crash)
    next(b for b in at.button if b.label == "Accept the ticked changes").click().run()
    assert not at.exception
    assert "Nothing was written" in plain(at.error[0].value)
    assert events.read_bytes() == (TEST_DATA / "events.csv").read_bytes()


def test_accepting_without_a_web_url_is_refused(tmp_path, monkeypatch):
    at, events = report_app(tmp_path, monkeypatch)
    at.text_input(key="report_url").input("javascript:alert(1)")
    next(b for b in at.button if b.label == "Accept the ticked changes").click().run()
    assert "http(s) URL" in plain(at.error[0].value)
    assert events.read_bytes() == (TEST_DATA / "events.csv").read_bytes()


@pytest.mark.parametrize(
    "upload, words",
    [
        (None, "the text is empty"),
        (("a.txt", b"\x00\x01\x02", "text/plain"), "binary"),
        (("big.txt", b"a" * 300_000, "text/plain"), "the limit is"),
    ],
)
def test_a_bad_report_gets_a_clear_message_and_changes_nothing(tmp_path, monkeypatch, upload, words):
    events = tmp_path / "events.csv"
    events.write_bytes((TEST_DATA / "events.csv").read_bytes())
    at = start(["--events", str(events), "--gazetteer", str(TEST_DATA / "gazetteer.csv")], monkeypatch=monkeypatch)
    if upload:
        at.file_uploader(key="report_file").set_value(upload)
    next(b for b in at.button if b.label == "Find changes").click().run()
    assert not at.exception
    assert words in plain(at.error[0].value)
    assert events.read_bytes() == (TEST_DATA / "events.csv").read_bytes()


def chart_data(at: AppTest) -> dict[str, list[dict]]:
    """The rows of each dataset of the km²-over-time chart, by dataset name."""
    from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

    (chart,) = [e for e in _walk(at._tree) if getattr(e, "type", "") == "vega_lite_chart"]
    return {
        d.name: convert_arrow_bytes_to_pandas_df(d.data.data).astype(str).to_dict("records")
        for d in chart.proto.datasets
    }


def test_the_area_chart_marks_the_date_shown_and_follows_the_slider():
    at = start(date="2019-08-25")
    data = chart_data(at)
    assert data["rule-2019-08-25"] == [{"date": "2019-08-25"}]
    sides = {row["side"] for rows in data.values() for row in rows if "side" in row}
    assert sides == {"government", "opposition"}
    at.slider[0].set_value(dt.date(2020, 3, 6)).run()
    data = chart_data(at)
    assert data["rule-2020-03-06"] == [{"date": "2020-03-06"}] and "rule-2019-08-25" not in data
