"""The page's map, updated in the browser: places sent once, each date as a few small arrays.

The places (coordinates, escaped names, marker sizes) and every place's history go into a static
JSON file that the map loads once when it is mounted; the date-dependent layer passed to
streamlit-folium's `feature_group_to_add` holds only the state of that date (a side code, a 'since'
day and a source per place), which a small script applies to the existing canvas markers. A step
then costs a few kilobytes instead of the whole layer with its popups (about 600 bytes per place),
and the map is never remounted.

A second static file holds the areas and the front line of every change date (a few hundred
kilobytes), loaded once after the markers; the map draws them for the date it shows, into two
layers that stay switched off when the reader switches them off.

With the histories in the browser the map does not wait for the server at all: the script watches
the page's date slider and draws the state of the date it shows at once (while it is dragged, too);
the server's answer, which also brings the areas and the side panel, then confirms it. A server
answer for a date the slider has already left is not drawn, so quick steps never flicker back.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import folium
import pandas as pd
from branca.element import MacroElement
from jinja2 import Template

from .csvio import write_atomic
from .escape import domain, html_text
from .events import is_web_url
from .factions import SIDES
from .mapview import AREAS_LAYER, LABELLED_KINDS, LINE_LAYER, MARKER_RADIUS, territory_features

__all__ = [
    "places_payload",
    "history_arrays",
    "areas_payload",
    "write_payload",
    "LivePlaces",
    "state_layer",
    "state_arrays",
    "SYNC_KEY",
    "parse_sync",
]

_EPOCH = dt.date(1970, 1, 1)
# The key under which the map hands a keyboard-scrubbed date to the page (in the map component's
# value), and how long the keys must rest before it does (a run of quick steps costs one rerun).
SYNC_KEY = "ifm_map_day"
SETTLE_MS = 300
_CODES = [s.code for s in SIDES]


def places_payload(places: pd.DataFrame, events: pd.DataFrame | None = None, recent_days: int = 14) -> bytes:
    """The static part, as JSON bytes: ids, [lat, lon], escaped names, marker radius, label flag, and
    with `events` (a Timeline's `events`) every place's history for drawing any date in the browser."""
    data = {
        "ids": places.index.tolist(),
        "ll": [[round(lat, 5), round(lon, 5)] for lat, lon in zip(places["lat"], places["lon"], strict=True)],
        "name": [html_text(n) for n in places["name"]],
        "r": [MARKER_RADIUS.get(k, 5) for k in places["kind"]],
        # 2: always labelled (cities), 1: labelled once zoomed in (towns), 0: name on hover
        "label": [2 if k == "city" else int(k in LABELLED_KINDS) for k in places["kind"]],
    }
    if events is not None:
        data.update(history_arrays(events, places.index.tolist()), recentDays=recent_days)
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _day_number(value) -> int:
    """Days since 1970-01-01 of a date, timestamp or ISO string (the map's day numbers)."""
    return (pd.Timestamp(value).date() - _EPOCH).days


def areas_payload(territories: list[tuple[dt.date, object]]) -> bytes:
    """The areas and front line of every date on which they change, as JSON bytes, for the map to
    draw any date without the server: `days` (days since 1970, ascending) and per day the GeoJSON of
    the areas (one feature per side) and of the front line."""
    days, areas, lines = [], [], []
    for day, territory in sorted(territories, key=lambda item: item[0]):
        area, line = territory_features(territory)
        days.append(_day_number(day))
        areas.append(area)
        lines.append(line)
    data = {"days": days, "areas": _rounded(areas), "lines": _rounded(lines)}
    return json.dumps(data, separators=(",", ":")).encode("utf-8")


def _rounded(value, digits: int = 5):
    """Floats rounded to `digits` decimals (1e-5 degree, about 1 m): the areas file drops from 1.23 to 0.89 MB."""
    if isinstance(value, float):
        return round(value, digits)
    if isinstance(value, (list, tuple)):
        return [_rounded(v, digits) for v in value]
    if isinstance(value, dict):
        return {k: _rounded(v, digits) for k, v in value.items()}
    return value


def write_payload(folder: Path, payload: bytes, kind: str = "places") -> str:
    """Store the payload under a name derived from its content (written once, atomically); return the name."""
    name = f"{kind}-{hashlib.sha256(payload).hexdigest()[:20]}.json"
    target = Path(folder) / name
    if not target.exists():
        write_atomic(target, payload)
    return name


def history_arrays(events: pd.DataFrame, order: list[str]) -> dict:
    """Each place's events as one flat list [day, side, source, since, ...] aligned with `order`.

    Days count from 1970-01-01; side indexes SIDES (-1 if unknown); source indexes `urls` (escaped
    [url, domain] pairs, http(s) only; -1 for none); since is the first day of the controller's run,
    as `Timeline.state_at` gives it. Events come in date order, as the Timeline keeps them.
    """
    position = {pid: i for i, pid in enumerate(order)}
    hist: list[list[int]] = [[] for _ in order]
    sources = _Sources()
    for pid, when, controller, url, since in zip(
        events["place_id"], events["date"], events["controller"], events["source_url"], events["since"], strict=True
    ):
        i = position.get(pid)
        if i is not None:
            hist[i] += [_day_number(when), _side_index(controller), sources.index(url), _day_number(since)]
    return {"hist": hist, "urls": sources.pairs()}


def _side_index(code) -> int:
    """Position of a side code in SIDES (the map's colour table), -1 for anything else."""
    return _CODES.index(code) if isinstance(code, str) and code in _CODES else -1


class _Sources:
    """Source URLs numbered in first-seen order; only http(s) ones get a number (others: -1)."""

    def __init__(self) -> None:
        self._numbers: dict[str, int] = {}

    def index(self, url) -> int:
        if not (isinstance(url, str) and is_web_url(url)):
            return -1
        return self._numbers.setdefault(url, len(self._numbers))

    def pairs(self) -> list[list[str]]:
        """[escaped url, escaped domain] per number, as the map's popups link them."""
        return [[html_text(u), html_text(domain(u))] for u in self._numbers]


class LivePlaces(MacroElement):
    """Part of the base map: loads the places and areas files; defines `window.ifmApply(state)` (draw a
    date's state), `window.ifmShowDay(n)` (draw any day from the histories) and `window.ifmServer`
    (draw the server's state unless the reader has moved on); takes arrow keys on the page's slider."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            var xhr = new XMLHttpRequest();
            // synchronous on purpose: the markers must exist before streamlit-folium binds clicks
            xhr.open("GET", {{ this.url|tojson }}, false);
            xhr.send(null);
            if (xhr.status !== 200) { console.error("places file not loaded", xhr.status); return; }
            var P = JSON.parse(xhr.responseText);
            var sides = {{ this.sides|tojson }};
            var layer = L.layerGroup().addTo(map);
            // town names only from zoom 10 on: below it they pile up on each other
            function zoomClass() { map.getContainer().classList.toggle("ifm-far", map.getZoom() < 10); }
            map.on("zoomend", zoomClass);
            zoomClass();
            var S = null;
            function day(n) { return new Date(n * 86400000).toISOString().slice(0, 10); }
            function dayOf(iso) { return Math.round(Date.parse(iso) / 86400000); }  // "YYYY-MM-DD" -> n
            function dayOfMicros(value) { return Math.round(Number(value) / 86400e6); }  // slider value -> n
            function tooltipOf(i) {
                return "<b>" + P.name[i] + "</b><br>" + sides[S.c[i]][1] + "<br>since " + day(S.s[i]);
            }
            function popupOf(i) {
                var u = S.u[i] >= 0 ? S.urls[S.u[i]] : null;
                var link = u ? '<a href="' + u[0] + '" target="_blank" rel="noopener noreferrer">' + u[1] + "</a>"
                             : "none recorded";
                return "<b>" + P.name[i] + "</b><br>Held by: " + sides[S.c[i]][1] + "<br>Since: " + day(S.s[i])
                       + "<br>Source: " + link;
            }
            var markers = P.ids.map(function (id, i) {
                var m = L.circleMarker(P.ll[i], {radius: P.r[i], weight: 1, color: "#333", fillOpacity: 0.9,
                                                 fillColor: "#888"});
                m.feature = {type: "Feature", id: id, properties: {place_id: id}};
                if (P.label[i]) {
                    m.bindTooltip(P.name[i], {permanent: true, direction: "right",
                                              className: P.label[i] === 2 ? "ifm-label" : "ifm-label ifm-town"});
                } else {
                    m.bindTooltip(function () { return tooltipOf(i); });
                }
                m.bindPopup(function () { return popupOf(i); }, {maxWidth: 340});
                return m;
            });
            // Areas and front line: two layers the reader can switch off, kept across dates (they are
            // filled from the areas file, loaded after the markers, not sent with each date).
            var areaLayer = L.featureGroup().addTo(map), lineLayer = L.featureGroup().addTo(map);
            var overlays = {};
            overlays[{{ this.areas_layer|tojson }}] = areaLayer;
            overlays[{{ this.line_layer|tojson }}] = lineLayer;
            L.control.layers(null, overlays, {collapsed: true}).addTo(map);
            window.ifmLayers = {areas: areaLayer, line: lineLayer};
            var A = null, areasDay = null;
            function shapes(geojson) {
                return L.geoJson(geojson, {pane: "ifmAreas", interactive: false,
                                          style: function (f) { return f.properties.style; }});
            }
            function drawAreas(n) {
                if (!A) { return; }
                var k = -1;
                for (var j = 0; j < A.days.length && A.days[j] <= n; j++) { k = j; }
                if (k === areasDay) { return; }
                areasDay = k;
                areaLayer.clearLayers();
                lineLayer.clearLayers();
                if (k >= 0) {
                    areaLayer.addLayer(shapes(A.areas[k]));
                    lineLayer.addLayer(shapes(A.lines[k]));
                }
                window.ifmAreasDay = k >= 0 ? day(A.days[k]) : null;
            }
            {% if this.areas_url %}
            var areasXhr = new XMLHttpRequest();
            areasXhr.open("GET", {{ this.areas_url|tojson }}, true);
            areasXhr.onload = function () {
                if (areasXhr.status !== 200) { console.error("areas file not loaded", areasXhr.status); return; }
                A = JSON.parse(areasXhr.responseText);
                if (window.ifmDate) { drawAreas(dayOf(window.ifmDate)); }
            };
            areasXhr.send(null);
            {% endif %}
            window.ifmApply = function (state) {
                S = state;
                drawAreas(dayOf(state.date));
                markers.forEach(function (m, i) {
                    var c = state.c[i];
                    if (c < 0) { layer.removeLayer(m); return; }
                    var recent = state.r[i] === 1;
                    m.setStyle({fillColor: sides[c][2], color: recent ? "#111" : "#333", weight: recent ? 3 : 1});
                    m.feature.properties.controller = sides[c][0];
                    if (!layer.hasLayer(m)) { layer.addLayer(m); }
                    if (m.isPopupOpen()) { m.setPopupContent(popupOf(i)); }
                });
                window.ifmDate = state.date;
            };
            // Any date from the histories in the places file, without the server.
            window.ifmShowDay = function (n) {
                if (!P.hist) { return false; }
                var st = {date: day(n), c: [], s: [], u: [], r: [], urls: P.urls};
                P.hist.forEach(function (h, i) {
                    var k = -1;
                    for (var j = 0; j < h.length && h[j] <= n; j += 4) { k = j; }
                    st.c.push(k < 0 ? -1 : h[k + 1]);
                    st.s.push(k < 0 ? 0 : h[k + 3]);
                    st.u.push(k < 0 ? -1 : h[k + 2]);
                    st.r.push(k >= 0 && h[k + 3] > n - P.recentDays ? 1 : 0);
                });
                window.ifmApply(st);
                return true;
            };
            // The date the page's slider shows (days since 1970), or null where it cannot be read.
            function sliderInput() {
                try {
                    return window.parent.document.querySelector('[data-testid="stSlider"] input[type="range"]');
                } catch (e) { return null; }  // another origin: the map waits for the server instead
            }
            function sliderDay() {
                var input = sliderInput();
                return input ? dayOfMicros(input.value) : null;
            }
            // Keyboard scrubbing: an arrow key on the slider draws the next date at once and the page
            // follows when the keys stop (one rerun for a run of steps, not one per key): the date
            // goes to the page as this component's value ({SYNC_KEY: "YYYY-MM-DD#n"}), the way
            // streamlit-folium returns a click.
            var pending = null, commitTimer = null, nonce = 0, pendingSince = 0;
            // The date wanted: the one the keys asked for, else the slider's.
            function wanted() { return pending !== null ? pending : sliderDay(); }
            // The date the map shows (a key steps from it: the slider may still be catching up).
            function shown() { return window.ifmDate ? dayOf(window.ifmDate) : null; }
            function commit() {
                commitTimer = null;
                if (pending === null) { return; }
                nonce += 1;
                var value = {last_object_clicked: null};
                value[{{ this.sync_key|tojson }}] = day(pending) + "#" + Date.now() + "-" + nonce;
                window.parent.postMessage({isStreamlitMessage: true, type: "streamlit:setComponentValue",
                                           value: value, dataType: "json"}, "*");
            }
            var STEPS = {ArrowRight: 1, ArrowUp: 1, ArrowLeft: -1, ArrowDown: -1};
            function onKey(e) {
                var input = sliderInput();
                var delta = STEPS[e.key];
                if (!delta || !input || e.target !== input || !P.hist) { return; }
                if (!window.frameElement || !window.frameElement.isConnected) { return; }  // a map no longer shown
                if (e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) { return; }
                e.preventDefault();
                e.stopImmediatePropagation();
                window.parent.__ifmKeys = (window.parent.__ifmKeys || 0) + 1;
                var lo = dayOfMicros(input.min), hi = dayOfMicros(input.max);
                var from = pending !== null ? pending : (shown() !== null ? shown() : sliderDay());
                pending = Math.min(hi, Math.max(lo, from + delta));
                pendingSince = Date.now();
                window.ifmShowDay(pending);
                clearTimeout(commitTimer);
                // A busy browser handles keys late; then wait longer before handing over, so that
                // a reader still pressing keys does not get a rerun between two of them.
                var lag = Math.max(0, performance.now() - e.timeStamp);
                commitTimer = setTimeout(commit, {{ this.settle_ms }} + 3 * lag);
            }
            try {  // one handler per page: a remounted map replaces the one before
                var pw = window.parent;
                if (pw.__ifmOnKey) { pw.document.removeEventListener("keydown", pw.__ifmOnKey, true); }
                pw.__ifmOnKey = onKey;
                pw.document.addEventListener("keydown", onKey, true);
            } catch (e) { /* another origin: every key goes to the page */ }
            // Follow the slider as it moves (drag, buttons, playback, or the page catching up with
            // keys): React updates the input's value attribute on every move, before the server answers.
            // While keys are pending the map shows their date; the slider only ends that by reaching it
            // (or `watch` gives up after 10 s).
            var watched = null;
            var watcher = new MutationObserver(function () {
                var n = sliderDay();
                if (n === null) { return; }
                if (pending !== null) {
                    if (n === pending) { pending = null; }  // the page has caught up
                    return;
                }
                if (day(n) !== window.ifmDate) { window.ifmShowDay(n); }
            });
            function watch() {
                var input = sliderInput();
                if (input && input !== watched) {
                    watcher.disconnect();
                    watcher.observe(input, {attributes: true, attributeFilter: ["value", "aria-valuetext"]});
                    watched = input;
                }
                if (pending !== null && Date.now() - pendingSince > 10000) {  // the page never followed
                    pending = null;
                    var n = sliderDay();
                    if (n !== null) { window.ifmShowDay(n); }
                }
            }
            watch();
            setInterval(watch, 1000);  // the page may replace the slider's element
            // The server's state of a date: drawn unless the reader has already moved on from it.
            window.ifmServer = function (state) {
                var n = wanted();
                if (n !== null && P.hist && day(n) !== state.date) { return; }
                window.ifmApply(state);
            };
        })();
        {% endmacro %}
        """
    )

    def __init__(self, url: str, areas_url: str | None = None):
        super().__init__()
        self._name = "LivePlaces"
        self.url = url
        self.areas_url = areas_url
        self.areas_layer, self.line_layer = AREAS_LAYER, LINE_LAYER
        self.sync_key = SYNC_KEY
        self.settle_ms = SETTLE_MS
        self.sides = [[s.code, html_text(s.label), s.colour] for s in SIDES]


def state_arrays(view: pd.DataFrame, order: list[str], day: dt.date) -> dict:
    """The state of `day` as arrays aligned with `order` (the places file): side index, since, source."""
    rows = view.reindex(order)
    since = [(_day_number(d) if isinstance(d, dt.date) else 0) for d in rows["since"]]
    recent = rows["recent"].astype("boolean").fillna(False).astype(int).tolist()
    sources = _Sources()
    return {
        "date": day.isoformat(),
        "c": [_side_index(c) for c in rows["controller"]],
        "s": since,
        "u": [sources.index(url) for url in rows["source_url"]],
        "urls": sources.pairs(),
        "r": recent,
    }


def parse_sync(value: str | None) -> dt.date | None:
    """The date the map handed over ("2019-08-11#...": a date and a counter that makes each hand-over
    new), or None for anything else."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value.split("#", 1)[0].strip())
    except ValueError:
        return None


class _State(MacroElement):
    _template = Template(
        """
        {% macro script(this, kwargs) %}
        if (window.ifmServer) { window.ifmServer({{ this.state|tojson }}); }
        {% endmacro %}
        """
    )

    def __init__(self, state: dict):
        super().__init__()
        self._name = "State"
        self.state = state


def state_layer(view: pd.DataFrame, order: list[str], day: dt.date) -> folium.FeatureGroup:
    """The date-dependent part for `feature_group_to_add`: applies the state of `day` to the markers."""
    group = folium.FeatureGroup(name="State", control=False)
    group.add_child(_State(state_arrays(view, order, day)))
    return group
