"""The km²-over-time chart: its Vega-Lite spec is built once per data set; a date only moves the rule."""

from __future__ import annotations

import copy
import datetime as dt

import altair as alt
import pandas as pd
import streamlit as st

from geo.factions import side
from page.data import Data, area_series

SIDES_SHOWN = ("government", "opposition")
_RULE_DATE = "1970-01-01"  # placeholder the cached spec carries; replaced by the date shown


@st.cache_resource(max_entries=16)
def _spec(_data: Data, version: str) -> dict:
    """Step lines of km² per side plus a dashed rule; altair's validation runs here, once."""
    series = area_series(_data, version).reset_index(names="date").melt("date", var_name="side", value_name="km2")
    series = series[series["side"].isin(SIDES_SHOWN)]
    colours = alt.Scale(domain=list(SIDES_SHOWN), range=[side(code).colour for code in SIDES_SHOWN])
    lines = (
        alt.Chart(series)
        .mark_line(interpolate="step-after")
        .encode(
            x=alt.X("date:T", title=None),
            y=alt.Y("km2:Q", title="km²"),
            color=alt.Color("side:N", scale=colours, legend=None),
        )
    )
    rule = alt.Chart(pd.DataFrame({"date": [_RULE_DATE]})).mark_rule(color="#333", strokeDash=[4, 3]).encode(x="date:T")
    return (lines + rule).properties(height=160).to_dict()


def area_spec(data: Data, day: dt.date) -> dict:
    """The chart's spec with the rule on `day` (a copy: the cached spec is never changed).

    The rule's dataset is renamed after the day, so the browser never mistakes it for the last one.
    """
    spec = copy.deepcopy(_spec(data, data.version))
    (rule_name,) = [name for name, rows in spec["datasets"].items() if rows == [{"date": _RULE_DATE}]]
    name = f"rule-{day.isoformat()}"
    spec["datasets"][name] = [{"date": day.isoformat()}]
    del spec["datasets"][rule_name]
    for layer in spec["layer"]:
        if layer.get("data", {}).get("name") == rule_name:
            layer["data"]["name"] = name
    return spec
