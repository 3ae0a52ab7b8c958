"""The side panel's HTML tables: escaped, and linking only web sources."""

import pandas as pd

from page.tables import html_table


def test_the_side_panels_html_table_shows_hostile_text_literally_and_links_only_web_sources():
    table = pd.DataFrame(
        {
            "Place": ['<img src=x onerror=alert(1)>"'],
            "Source": ["javascript:alert(1)"],
        }
    )
    markup = html_table(table)
    assert "<img" not in markup and "&lt;img src=x onerror=alert(1)&gt;&quot;" in markup
    assert "href" not in markup  # a javascript: source stays text
    web = html_table(pd.DataFrame({"Source": ["https://www.example.org/a?b=1&c=<2>"]}))
    assert 'href="https://www.example.org/a?b=1&amp;c=&lt;2&gt;"' in web and ">example.org</a>" in web
