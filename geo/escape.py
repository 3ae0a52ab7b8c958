"""Text from data or news made safe for the map's HTML: escaped, and only http(s) URLs as links."""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

from .events import is_web_url

__all__ = ["html_text", "html_link", "domain", "markdown_text"]

# folium puts some strings inside JavaScript template literals, where a backtick ends the string
# and ${...} runs code; html.escape leaves those characters alone, so they are encoded too.
_EXTRA = str.maketrans({"\\": "&#92;", "`": "&#96;", "$": "&#36;"})


def html_text(value: object) -> str:
    """Any value as HTML text that shows literally: no tags, no attributes, no script."""
    return html.escape("" if value is None else str(value), quote=True).translate(_EXTRA)


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&])")


def markdown_text(value: object) -> str:
    """Any value as Markdown that shows literally (Streamlit's st.markdown/caption/error).

    Every ASCII punctuation mark Markdown or Streamlit gives a meaning to (links, code, emphasis,
    `:red[...]` colours, `:emoji:` codes, `$math$`, HTML) is backslash-escaped; newlines become spaces.
    """
    text = " ".join(("" if value is None else str(value)).split())
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def domain(url: str) -> str:
    """The host of a URL without 'www.', for short link labels."""
    host = urlsplit(url).hostname or url
    return host.removeprefix("www.")


def html_link(url: str, label: str | None = None) -> str:
    """An <a> element for an http(s) URL (opening in a new tab); any other URL as plain text."""
    if not is_web_url(url):
        return html_text(url)
    return (
        f'<a href="{html_text(url)}" target="_blank" rel="noopener noreferrer">'
        f"{html_text(label if label is not None else domain(url))}</a>"
    )
