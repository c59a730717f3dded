"""Fields that carry HTML are escaped: the only markup in them is the API's own <em> and <mark>.

Titles, brands and categories come from merchants and popular queries from shoppers; any page that
renders a highlight as HTML must not run what they wrote. Plain-text fields stay as written.
"""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from search_api.suggest import mark_prefixes
from tests.support.analytics import Analytics
from tests.support.catalog import Catalog

PAYLOAD = "<img src=x onerror=alert(1)>"
TITLE = f'Laptop {PAYLOAD} Pro & "Max"'
BRAND = f"Zappo {PAYLOAD} & Co"
#: `>` separates category levels, so the category's markup is one without it.
CATEGORY = 'Computers > Notebooks <svg onload=alert(1)// & "Ultra"'
PROBE = f"qzxprobe {PAYLOAD} laptop"


@pytest.fixture
def hostile(catalog: Catalog) -> Catalog:
    catalog.put(
        {"id": "x-1", "title": TITLE, "brand": BRAND, "category": CATEGORY, "price": 999},
        {"id": "x-2", "title": "Plain Laptop Sleeve", "brand": "Sleevy", "price": 19},
    )
    catalog.reindex()
    return catalog


def _plain(marked: str) -> str:
    """What a browser shows of an HTML field: the API's tags dropped, entities decoded."""
    return html.unescape(re.sub(r"</?(em|mark)>", "", marked))


def _assert_escaped(marked: str, text: str, tag: str) -> None:
    assert all(raw not in marked for raw in ("<img", "<svg", '"')), marked
    assert f"<{tag}>" in marked, marked  # the API's own markup is kept
    assert _plain(marked) == text


def test_search_highlights_are_escaped_and_plain_fields_stay_plain(
    hostile: Catalog, api: TestClient
) -> None:
    body = api.get("/search", params={"q": "laptop"}).json()
    hit = next(h for h in body["hits"] if h["id"] == "x-1")
    assert (hit["title"], hit["brand"], hit["category"]) == (TITLE, BRAND, CATEGORY)
    assert hit["highlight"]["title"] == [
        "<em>Laptop</em> &lt;img src=x onerror=alert(1)&gt; Pro &amp; &quot;Max&quot;"
    ]


@pytest.mark.parametrize(
    ("typed", "kind", "text"),
    [("lapt", "product", TITLE), ("zapp", "brand", BRAND), ("noteb", "category", CATEGORY)],
)
def test_autocomplete_highlights_are_escaped(
    hostile: Catalog, api: TestClient, typed: str, kind: str, text: str
) -> None:
    suggestions: list[dict[str, Any]] = api.get("/autocomplete", params={"q": typed}).json()[
        "suggestions"
    ]
    suggestion = next(s for s in suggestions if s["type"] == kind and s["text"] == text)
    _assert_escaped(suggestion["highlighted"], text, "mark")


def test_a_popular_query_carrying_html_is_escaped(hostile: Catalog, api: TestClient) -> None:
    analytics = Analytics(api, hostile, headers={})
    for shopper in range(3):  # searched by three shoppers, with results: a popular query
        analytics.search(PROBE, session=f"shopper-{shopper}")
    assert analytics.ship().popular_queries == 1
    queries = analytics.api.get("/autocomplete", params={"q": "qzxp"}).json()["queries"]
    assert queries == [
        {
            "text": PROBE,
            "highlighted": "<mark>qzxp</mark>robe &lt;img src=x onerror=alert(1)&gt; laptop",
        }
    ]


def test_a_typed_word_never_marks_inside_an_entity() -> None:
    """Pure: a typed `amp` marks words, never the inside of the `&amp;` that escaping wrote."""
    assert mark_prefixes("Amps & amp", ("amp",)) == "<mark>Amp</mark>s &amp; <mark>amp</mark>"
