"""The online fallback, with a fake geocoder: opt-in, cached, rate-limited, and a clear error offline."""

import json
from collections import namedtuple

import pytest
from geopy.exc import GeocoderUnavailable

import geo.cli
from geo.online import OnlineError, OnlineGeocoder

from .test_cli import run

Location = namedtuple("Location", "address latitude longitude")


class FakeNominatim:
    """Answers like geopy's Nominatim, counting the requests it gets."""

    def __init__(self, answers=None, fail=False):
        self.answers, self.fail, self.calls = answers or {}, fail, []

    def geocode(self, query, **kwargs):
        self.calls.append((query, kwargs))
        if self.fail:
            raise GeocoderUnavailable("no network")
        return self.answers.get(query)


def online(tmp_path, fake):
    return OnlineGeocoder(user_agent="test", cache_path=tmp_path / "cache.json", geocoder=fake, min_delay_seconds=0)


def test_an_answer_is_asked_for_in_syria_once_and_then_read_from_the_cache(tmp_path):
    fake = FakeNominatim({"Qaryatayn": Location("Al Qaryatayn, Homs, Syria", 34.23, 37.24)})
    first = online(tmp_path, fake).lookup("Qaryatayn")
    again = online(tmp_path, fake).lookup("Qaryatayn")  # a new process: the cache is on disk
    assert (first.lat, first.lon) == (34.23, 37.24) and again == first
    assert len(fake.calls) == 1 and fake.calls[0][1]["country_codes"] == "sy"


def test_not_found_is_cached_too(tmp_path):
    fake = FakeNominatim()
    assert online(tmp_path, fake).lookup("Atlantis") is None
    assert online(tmp_path, fake).lookup("Atlantis") is None
    assert len(fake.calls) == 1


def test_a_network_failure_is_a_clear_error(tmp_path):
    with pytest.raises(OnlineError, match="could not be reached"):
        online(tmp_path, FakeNominatim(fail=True)).lookup("Qaryatayn")


def test_the_cli_asks_online_only_when_told_to(tmp_path, monkeypatch):
    fake = FakeNominatim({"Qaryatayn": Location("Al Qaryatayn, Homs, Syria", 34.23, 37.24)})
    monkeypatch.setattr(geo.cli, "_online", lambda: online(tmp_path, fake))
    code, out = run("geocode", "Qaryatayn")
    assert code == 1 and fake.calls == []  # off by default
    code, out = run("geocode", "--online", "Qaryatayn", "Idlib")
    records = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and records[0]["source"] == "nominatim" and records[1]["id"] == "idlib"
    assert [q for q, _ in fake.calls] == ["Qaryatayn"]  # known names never go online


def test_the_cli_reports_a_network_failure_without_a_traceback(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(geo.cli, "_online", lambda: online(tmp_path, FakeNominatim(fail=True)))
    code, _ = run("geocode", "--online", "Qaryatayn")
    err = capsys.readouterr().err
    assert code == 1 and "could not be reached" in err and "Traceback" not in err
