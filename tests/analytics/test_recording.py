"""Recording: the click route's validation, and a buffer that never costs a search its answer."""

from __future__ import annotations

import time
import uuid
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from catalog.analytics.buffer import EventBuffer, write_events
from catalog.analytics.events import ClickRecord, SearchRecord, new_search_id
from catalog.analytics.signing import SearchIdSigner
from ops.servers.process import choose_port
from tests.support.analytics import Analytics
from tests.support.catalog import Catalog


def _click(analytics: Analytics, **body: Any) -> Any:
    return analytics.api.post("/events/click", json=body)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"product_id": "d-1", "position": 1}, "search_id"),
        ({"search_id": "not-a-uuid", "product_id": "d-1", "position": 1}, "search_id"),
        ({"search_id": str(uuid.uuid4()), "position": 1}, "product_id"),
        ({"search_id": str(uuid.uuid4()), "product_id": "d-1", "position": 0}, "position"),
        ({"search_id": str(uuid.uuid4()), "product_id": "d-1", "position": "first"}, "position"),
        (
            {
                "search_id": str(uuid.uuid4()),
                "product_id": "d-1",
                "position": 1,
                "session_id": "x" * 65,
            },
            "session_id",
        ),
        (
            {"search_id": str(uuid.uuid4()), "product_id": "d-1", "position": 1, "ip": "1.2.3.4"},
            "ip",
        ),
    ],
)
def test_a_bad_click_is_a_422_naming_the_field(
    catalog: Catalog, analytics: Analytics, body: dict[str, Any], field: str
) -> None:
    response = _click(analytics, **body)
    assert response.status_code == 422
    assert field in str(response.json()["detail"])


def _signed(analytics: Analytics, search_id: uuid.UUID, shown: int) -> str:
    signer: SearchIdSigner = analytics.api.app.state.search_ids  # type: ignore[attr-defined]
    return signer.sign(search_id, shown)


def test_a_click_must_name_a_search_that_was_answered(tools: Catalog, analytics: Analytics) -> None:
    made_up = f"{uuid.uuid4()}.3.{'A' * 22}"  # well formed, but not signed by this API
    random = _click(analytics, search_id=made_up, product_id="d-1", position=1)
    assert random.status_code == 404
    assert "search_id" in str(random.json()["detail"])
    an_hour_ago = new_search_id(time.time() - 3600)  # signed, but no search has it
    stale = _click(
        analytics, search_id=_signed(analytics, an_hour_ago, 2), product_id="d-1", position=1
    )
    assert stale.status_code == 404

    search_id = analytics.search("drill")
    # Accepted at once, while the search may still wait in a buffer (this one or another's)...
    assert _click(analytics, search_id=search_id, product_id="d-1", position=2).status_code == 202
    # ...and, for a search written to PostgreSQL, long after too.
    old = SearchRecord(
        kind="search",
        query="drill",
        result_count=2,
        latency_ms=3,
        cache_hit=False,
        search_id=an_hour_ago,
        shown_products=["d-1", "d-2"],
        shown=2,
    )
    write_events(tools.engine, [old], [])
    later = _click(
        analytics, search_id=_signed(analytics, an_hour_ago, 2), product_id="d-2", position=1
    )
    assert later.status_code == 202
    analytics.ship()
    with tools.engine.connect() as conn:
        clicks = conn.execute(
            text("SELECT search_id, product_id, position FROM click_events ORDER BY id")
        ).all()
    assert [(str(c.search_id), c.product_id, c.position) for c in clicks] == [
        (search_id.split(".")[0], "d-1", 2),
        (str(an_hour_ago), "d-2", 1),
    ]


def test_a_forged_search_id_position_product_or_repeat_is_refused(
    tools: Catalog, analytics: Analytics
) -> None:
    search_id = analytics.search("drill")  # shows d-1 and d-2 (and the hammer drill)
    real_id, shown, _ = search_id.split(".")
    more_shown = _click(
        analytics, search_id=f"{real_id}.9999.{search_id[-22:]}", product_id="d-1", position=40
    )
    assert more_shown.status_code == 404  # the count is signed: raising it breaks the signature
    beyond = _click(analytics, search_id=search_id, product_id="d-1", position=int(shown) + 1)
    assert beyond.status_code == 422
    assert beyond.json()["detail"][0]["loc"] == ["body", "position"]
    assert _click(analytics, search_id=search_id, product_id="d-1", position=1).status_code == 202
    repeat = _click(analytics, search_id=search_id, product_id="d-1", position=1)
    assert repeat.status_code == 409
    assert "product_id" in str(repeat.json()["detail"])
    analytics.ship()  # the search is in PostgreSQL now, with the products it showed
    unknown = _click(analytics, search_id=search_id, product_id="h-2", position=1)
    assert unknown.status_code == 422
    assert unknown.json()["detail"][0]["loc"] == ["body", "product_id"]
    assert _click(analytics, search_id=search_id, product_id="d-2", position=2).status_code == 202
    analytics.ship()
    with tools.engine.connect() as conn:
        clicks = conn.execute(text("SELECT product_id FROM click_events ORDER BY id")).scalars()
        assert list(clicks) == ["d-1", "d-2"]
        shown_products = conn.execute(text("SELECT shown_products FROM search_events")).scalar()
        assert set(shown_products or ()) >= {"d-1", "d-2"}


def test_the_database_keeps_one_click_per_search_and_product(
    catalog: Catalog, analytics: Analytics
) -> None:
    search = SearchRecord(kind="search", query="q", result_count=1, latency_ms=1, cache_hit=False)
    clicks = [ClickRecord(search.search_id, "d-1", 1), ClickRecord(search.search_id, "d-1", 1)]
    write_events(catalog.engine, [search], clicks)  # two API processes, one repeat each
    with catalog.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM click_events")).scalar() == 1


def test_a_bad_session_header_names_it(tools: Catalog, analytics: Analytics) -> None:
    response = analytics.api.get("/search", params={"q": "drill"}, headers={"X-Session-Id": "a b"})
    assert response.status_code == 422
    assert "x-session-id" in str(response.json()["detail"]).lower()
    assert analytics.api.get("/search", headers={"X-Session-Id": "x" * 65}).status_code == 422
    fine = analytics.api.get("/search", headers={"X-Session-Id": "dGhlIHNlc3Npb24=/+"})
    assert fine.status_code == 200


def test_autocomplete_without_a_product_index_answers_as_before(
    catalog: Catalog, analytics: Analytics
) -> None:
    response = analytics.api.get("/autocomplete", params={"q": "dri"})
    assert response.status_code == 503
    assert response.json()["error"] == "index_not_found"


def test_searches_answer_while_postgresql_is_unreachable_and_events_wait(
    tools: Catalog, analytics: Analytics
) -> None:
    dead = create_engine(f"postgresql+psycopg://nobody:none@127.0.0.1:{choose_port(15499)}/none")
    app_state = analytics.api.app.state  # type: ignore[attr-defined]
    live: EventBuffer = app_state.analytics
    live.flush()
    app_state.analytics = EventBuffer(dead, flush_seconds=3600, max_pending=3)
    try:
        ids = [analytics.search("drill") for _ in range(4)]
        assert all(ids)  # every search answered, with its id, though nothing can be written
        assert app_state.analytics.flush() == 0
        assert app_state.analytics.pending() == 3  # kept for a retry, within the bound
        app_state.analytics.engine = tools.engine  # PostgreSQL is back
        assert app_state.analytics.flush() == 3
    finally:
        app_state.analytics = live
        dead.dispose()
    with tools.engine.connect() as conn:
        written = conn.execute(text("SELECT search_id FROM search_events ORDER BY id")).scalars()
        assert [str(i) for i in written] == [i.split(".")[0] for i in ids[:3]]


def test_the_buffer_writes_a_full_batch_without_waiting_for_its_interval(
    catalog: Catalog, analytics: Analytics
) -> None:
    buffer = EventBuffer(catalog.engine, flush_seconds=3600, batch_size=5)
    buffer.start()
    try:
        for _ in range(5):
            buffer.record_search(
                SearchRecord(
                    kind="search", query="q", result_count=1, latency_ms=1, cache_hit=False
                )
            )
        deadline = time.monotonic() + 10
        while buffer.pending() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert buffer.pending() == 0
    finally:
        buffer.stop()
    with catalog.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM search_events")).scalar() == 5


def _search(query: str | None, kind: str = "search", **fields: Any) -> SearchRecord:
    return SearchRecord(
        kind=kind, query=query, result_count=1, latency_ms=1, cache_hit=False, **fields
    )


def test_a_nul_in_a_query_neither_fails_the_search_nor_drops_other_events(
    tools: Catalog, analytics: Analytics
) -> None:
    others = [analytics.search("drill"), analytics.search("hammer")]
    hostile = analytics.api.get("/search", params={"q": "tv\x00\x07 set"})
    assert hostile.status_code == 422  # /search refuses the NUL, naming q
    buffer: EventBuffer = analytics.api.app.state.analytics  # type: ignore[attr-defined]
    buffer.record_search(_search("tv\x00", filters={"brand": ["Ac\x00me"]}, facets=["brand:\x00"]))
    buffer.flush()
    with tools.engine.connect() as conn:
        rows = conn.execute(
            text("SELECT search_id::text, query, filters FROM search_events ORDER BY id")
        ).all()
    assert [r.search_id for r in rows[:2]] == [i.split(".")[0] for i in others]
    stored = {r.query for r in rows}
    assert {"drill", "hammer", "tv "} <= stored  # the NUL became a space
    assert all("\x00" not in str(r) for r in rows)
    assert {"brand": ["Ac me"]} in [r.filters for r in rows]


def test_one_bad_row_costs_only_itself_not_its_batch(
    catalog: Catalog, analytics: Analytics
) -> None:
    buffer = EventBuffer(catalog.engine, flush_seconds=3600)
    good = [_search("drill"), _search("hammer")]
    buffer.record_search(good[0])
    buffer.record_search(_search("bad", kind="not-a-kind"))  # refused by PostgreSQL's check
    buffer.record_search(good[1])
    assert buffer.flush() == 2
    assert buffer.pending() == 0
    with catalog.engine.connect() as conn:
        written = conn.execute(text("SELECT search_id FROM search_events ORDER BY id")).scalars()
        assert list(written) == [g.search_id for g in good]
