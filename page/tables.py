"""Small tables the side panel shows as HTML: one light element instead of an interactive data grid.

Every date step re-renders the page's elements in each reader's browser; the grid of the recent
changes cost about 30 ms of that per step (a sixth of it, measured with Chrome's profiler), a plain
table almost nothing. Every cell is escaped; only http(s) sources become links.
"""

from __future__ import annotations

import pandas as pd

from geo.escape import html_link, html_text

__all__ = ["html_table"]

_STYLE = (
    "<style>.ifm-table{max-height:330px;overflow:auto;font-size:0.85rem}"
    ".ifm-table table{width:100%;border-collapse:collapse}"
    ".ifm-table th{position:sticky;top:0;background:#f6f6f8;text-align:left;font-weight:600}"
    ".ifm-table th,.ifm-table td{padding:3px 6px;border-bottom:1px solid #e6e6ea;vertical-align:top}"
    ".ifm-table td:first-child{white-space:nowrap}</style>"
)


def html_table(table: pd.DataFrame, link_column: str | None = "Source") -> str:
    """`table` as an escaped, scrollable HTML table; cells of `link_column` become links to their URL's site."""
    head = "".join(f"<th>{html_text(column)}</th>" for column in table.columns)
    rows = []
    for values in table.itertuples(index=False):
        cells = [
            html_link(value) if column == link_column and isinstance(value, str) else html_text(value)
            for column, value in zip(table.columns, values, strict=True)
        ]
        rows.append("<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>")
    body = "".join(rows)
    return f'{_STYLE}<div class="ifm-table"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'
