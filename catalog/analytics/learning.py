"""Learning from shoppers: per-query boosts from clicks and conversions, corrected for position.

Why a product deserves a boost for a query is measured as **clicks over expected clicks** under a
position-based examination model: a shopper looks at the result at rank `r` with probability
`r^-eta` (`EXAMINATION_ETA`, 1: the first result is looked at twice as often as the second, eight
times as often as the eighth), and clicks a result they looked at with a probability that depends on
the product alone (its attractiveness for the query). So, per query:

- every session that was shown the product adds its **exposure**, `r^-eta` at the best rank it saw
  the product at, and every session that engaged with it adds its **credit**: 1 for a click, plus
  `CREDITS` per conversion kind (add to cart, purchase: read from `conversion_events`);
- a session counts **once** per (query, product), however many times it searched or clicked, so one
  client cannot steer the result by repeating itself (the session is the search's `X-Session-Id`,
  else the one its click named; events with no session at all teach nothing);
- every contribution decays with its age, halving every `LEARNING_HALF_LIFE_DAYS`;
- the query's click level `base` = total credit / total exposure makes a product's **expected**
  credit `base * exposure`, and its factor is the posterior mean of its attractiveness ratio under
  a Gamma prior of mean 1 worth `LEARNING_PRIOR` clicks: `(credit + prior) / (expected + prior)`.
  Few observations stay near 1; a product clicked at rank 8 as often as another at rank 1 gets the
  larger factor; one shown often and never clicked goes below 1.

A factor above 1 needs `LEARNING_MIN_SESSIONS` distinct sessions that engaged with the product, one
below 1 as many sessions that were shown it, and a query needs as many engaged sessions before it
learns anything. Factors are bounded by `MAX_FACTOR` either way, and applied by the API as boosts
inside a text tier (docs/ranking.md), so no learning lifts a product over a better text match.

Queries are keyed by their analyzed words in order (`query_key`: `Cordless Drills` and `cordless
drill` are one query). The job rewrites `learned_boosts` in one transaction and records a run
(`learning_runs`, whose version the API workers watch); forgetting a query (`forget`) deletes its
boosts and records a reset, before which the job ignores that query's events.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, text

from analyzers import analyze_query
from catalog.analytics.events import normalize_query, utcnow

#: The examination model's exponent: the result at rank r is looked at with probability r^-eta.
EXAMINATION_ETA = 1.0
#: Ranks beyond this are not counted as shown (a search shows at most 100 results per page).
MAX_RANK = 100
#: The largest lift a learned boost gives (and 1 / it the deepest burial).
MAX_FACTOR = 4.0
#: Boosts kept per query, the strongest first (each is one function in the search request).
MAX_BOOSTS_PER_QUERY = 50
#: Factors closer to 1 than this change nothing worth a function in the search request.
NEGLIGIBLE = 0.02
#: Credit of a session's engagement by kind: a click, and each kind of conversion on top of it.
CREDITS: dict[str, float] = {"click": 1.0, "add_to_cart": 1.0, "purchase": 2.0}
#: The key of a reset that covers every query.
EVERY_QUERY = ""


def query_key(query: str | None) -> str | None:
    """The query as learning keys it: its analyzed (stemmed) words in order; None if it has none."""
    normalized = normalize_query(query)
    if normalized is None:
        return None
    words = analyze_query(normalized).phrase
    return " ".join(words) or None


def examination(rank: int, eta: float = EXAMINATION_ETA) -> float:
    """The probability that a shopper looks at the result at `rank` (1-based)."""
    return float(rank**-eta)


def posterior_factor(credit: float, expected: float, prior: float) -> float:
    """Clicks over expected clicks, smoothed towards 1 by `prior` clicks, within the bounds."""
    factor = (credit + prior) / (expected + prior)
    return min(max(factor, 1 / MAX_FACTOR), MAX_FACTOR)


@dataclass(frozen=True)
class LearningParameters:
    half_life_days: float
    min_sessions: int
    prior: float
    window_days: int
    eta: float = EXAMINATION_ETA


@dataclass(frozen=True)
class ProductEvidence:
    """One (query, product)'s decayed, per-session evidence, as the aggregation returns it."""

    product_id: str
    exposure: float
    credit: float
    shown_sessions: int
    sessions: int


@dataclass(frozen=True)
class LearnedBoost:
    query_key: str
    product_id: str
    factor: float
    sessions: int
    shown_sessions: int
    credit: float
    expected: float


def boosts_of_query(
    key: str, evidence: Iterable[ProductEvidence], params: LearningParameters
) -> list[LearnedBoost]:
    """The boosts one query earns from its products' evidence (see the module docstring)."""
    products = list(evidence)
    exposure = sum(p.exposure for p in products)
    credit = sum(p.credit for p in products)
    if exposure <= 0 or credit <= 0:
        return []
    base = credit / exposure
    boosts = []
    for p in products:
        expected = base * p.exposure
        factor = posterior_factor(p.credit, expected, params.prior)
        enough = p.sessions if factor > 1 else p.shown_sessions
        if enough >= params.min_sessions and abs(factor - 1) >= NEGLIGIBLE:
            boosts.append(
                LearnedBoost(
                    key, p.product_id, factor, p.sessions, p.shown_sessions, p.credit, expected
                )
            )
    boosts.sort(key=lambda b: (-abs(math.log(b.factor)), b.product_id))
    return boosts[:MAX_BOOSTS_PER_QUERY]


#: Per (query, session, product): the best rank shown and the credit earned, decayed; then summed
#: per (query, product), for the queries with enough engaged sessions.
_EVIDENCE = """
WITH click_sessions AS (
    SELECT DISTINCT ON (search_id) search_id, session_id
    FROM click_events WHERE session_id IS NOT NULL AND at >= :since
    ORDER BY search_id, at
),
searches AS (
    SELECT e.search_id, e.at, k.key, coalesce(e.session_id, c.session_id) AS session,
           e.shown_products
    FROM search_events e
    JOIN learning_keys k ON k.query = e.query
    LEFT JOIN click_sessions c ON c.search_id = e.search_id
    WHERE e.kind = 'search' AND e.at >= k.since
),
seen AS (
    SELECT s.key, s.session, p.product_id, min(p.rank) AS rank, max(s.at) AS at
    FROM searches s
    CROSS JOIN LATERAL unnest(s.shown_products[1:{max_rank}]) WITH ORDINALITY AS p(product_id, rank)
    WHERE s.session IS NOT NULL
    GROUP BY s.key, s.session, p.product_id
),
actions AS (
    SELECT s.key, s.session, c.product_id, 'click' AS kind, c.at
    FROM click_events c JOIN searches s ON s.search_id = c.search_id
    WHERE s.session IS NOT NULL
    UNION ALL
    SELECT s.key, s.session, v.product_id, v.kind, v.at
    FROM conversion_events v JOIN searches s ON s.search_id = v.search_id
    WHERE s.session IS NOT NULL
),
engaged AS (
    SELECT a.key, a.session, a.product_id,
           sum(w.credit * power(0.5, extract(epoch FROM (:now - a.at)) / :half_life)) AS credit
    FROM (
        SELECT key, session, product_id, kind, max(at) AS at
        FROM actions GROUP BY key, session, product_id, kind
    ) a
    JOIN unnest(CAST(:kinds AS text[]), CAST(:credits AS float8[])) AS w(kind, credit)
      ON w.kind = a.kind
    GROUP BY a.key, a.session, a.product_id
),
learning AS (
    SELECT key FROM engaged GROUP BY key HAVING count(DISTINCT session) >= :min_sessions
)
SELECT seen.key, seen.product_id,
       sum(power(seen.rank, -:eta)
           * power(0.5, extract(epoch FROM (:now - seen.at)) / :half_life)) AS exposure,
       coalesce(sum(engaged.credit), 0) AS credit,
       count(*) AS shown_sessions,
       count(engaged.session) AS sessions
FROM seen
JOIN learning ON learning.key = seen.key
LEFT JOIN engaged
  ON engaged.key = seen.key AND engaged.session = seen.session
 AND engaged.product_id = seen.product_id
GROUP BY seen.key, seen.product_id
ORDER BY seen.key
"""


@dataclass(frozen=True)
class Learned:
    version: int
    queries: int
    boosts: int


def _lock(conn: Connection) -> None:
    """One run or reset at a time, so versions follow each other and a reset is never lost."""
    conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('catalog.learning'))"))


def _record(conn: Connection, action: str, queries: int, boosts: int) -> int:
    version = conn.execute(
        text(
            "INSERT INTO learning_runs (action, queries, boosts) "
            "VALUES (:action, :queries, :boosts) RETURNING version"
        ),
        {"action": action, "queries": queries, "boosts": boosts},
    ).scalar_one()
    return int(version)


def _keys(conn: Connection, since: datetime) -> list[dict[str, Any]]:
    """Each query searched since `since`, its key, and since when its events count (resets)."""
    resets: dict[str, datetime] = {
        row.query_key: row.at
        for row in conn.execute(text("SELECT query_key, at FROM learning_resets"))
    }
    every = resets.get(EVERY_QUERY)
    rows = []
    queries = conn.execute(
        text(
            "SELECT DISTINCT query FROM search_events "
            "WHERE kind = 'search' AND query IS NOT NULL AND at >= :since"
        ),
        {"since": since},
    ).scalars()
    for query in queries:
        key = query_key(query)
        if key is not None:
            start = max(t for t in (since, every, resets.get(key)) if t is not None)
            rows.append({"query": query, "key": key, "since": start})
    return rows


def learn(engine: Engine, params: LearningParameters, *, now: datetime | None = None) -> Learned:
    """Recompute every learned boost from the events of the window, as one new version."""
    now = now or utcnow()
    since = now - timedelta(days=params.window_days)
    with engine.begin() as conn:
        _lock(conn)
        conn.execute(
            text(
                "CREATE TEMPORARY TABLE learning_keys (query text PRIMARY KEY, key text NOT NULL, "
                "since timestamptz NOT NULL) ON COMMIT DROP"
            )
        )
        keys = _keys(conn, since)
        if keys:
            conn.execute(
                text("INSERT INTO learning_keys (query, key, since) VALUES (:query, :key, :since)"),
                keys,
            )
        conn.execute(text("ANALYZE learning_keys"))
        statement = _EVIDENCE.format(max_rank=MAX_RANK)
        evidence: dict[str, list[ProductEvidence]] = defaultdict(list)
        for row in conn.execute(
            text(statement),
            {
                "since": since,
                "now": now,
                "half_life": params.half_life_days * 86_400,
                "eta": params.eta,
                "min_sessions": params.min_sessions,
                "kinds": list(CREDITS),
                "credits": list(CREDITS.values()),
            },
        ):
            evidence[row.key].append(
                ProductEvidence(
                    row.product_id,
                    float(row.exposure),
                    float(row.credit),
                    int(row.shown_sessions),
                    int(row.sessions),
                )
            )
        boosts = [b for key, found in evidence.items() for b in boosts_of_query(key, found, params)]
        conn.execute(text("DELETE FROM learned_boosts"))
        if boosts:
            conn.execute(
                text(
                    "INSERT INTO learned_boosts (query_key, product_id, factor, sessions, "
                    "shown_sessions, credit, expected, updated_at) VALUES (:query_key, "
                    ":product_id, :factor, :sessions, :shown_sessions, :credit, :expected, :now)"
                ),
                [{**b.__dict__, "now": now} for b in boosts],
            )
        queries = len({b.query_key for b in boosts})
        version = _record(conn, "learn", queries, len(boosts))
    return Learned(version, queries, len(boosts))


def forget(engine: Engine, key: str, *, actor: str) -> int:
    """Delete a query's boosts (`EVERY_QUERY`: all of them) and ignore its events up to now; the
    new version."""
    with engine.begin() as conn:
        _lock(conn)
        conn.execute(
            text(
                "INSERT INTO learning_resets (query_key, actor) VALUES (:key, :actor) "
                "ON CONFLICT (query_key) DO UPDATE SET at = now(), actor = excluded.actor"
            ),
            {"key": key, "actor": actor},
        )
        if key == EVERY_QUERY:
            conn.execute(text("DELETE FROM learned_boosts"))
        else:
            conn.execute(text("DELETE FROM learned_boosts WHERE query_key = :key"), {"key": key})
        counts = conn.execute(
            text("SELECT count(DISTINCT query_key), count(*) FROM learned_boosts")
        ).one()
        return _record(conn, "forget", int(counts[0]), int(counts[1]))


def current_version(conn: Connection) -> int:
    return int(
        conn.execute(text("SELECT coalesce(max(version), 0) FROM learning_runs")).scalar_one()
    )


def all_factors(conn: Connection) -> dict[str, list[tuple[str, float]]]:
    """Every query's learned (product, factor) pairs: what an API worker holds."""
    factors: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for key, product_id, factor in conn.execute(
        text("SELECT query_key, product_id, factor FROM learned_boosts ORDER BY query_key, factor")
    ):
        factors[key].append((product_id, float(factor)))
    return dict(factors)


def boosts_for(conn: Connection, key: str) -> list[dict[str, Any]]:
    """A query's learned boosts with their evidence, strongest lift first: for inspection."""
    rows = conn.execute(
        text(
            "SELECT product_id, factor, sessions, shown_sessions, credit, expected, updated_at "
            "FROM learned_boosts WHERE query_key = :key ORDER BY factor DESC, product_id"
        ),
        {"key": key},
    ).mappings()
    return [{**row, "updated_at": row["updated_at"].isoformat()} for row in rows]
