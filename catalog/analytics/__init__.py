"""Search analytics: what shoppers searched, what they found and what they clicked.

- `events`: the event records, query normalization, facet strings, search ids (pure).
- `buffer`: the in-process buffer the API records into, batch-written to PostgreSQL in a thread.
- `shipping`: PostgreSQL -> the Elasticsearch analytics index, and the popular-queries index.
- `rollup`: retention: raw events past `ANALYTICS_RETENTION_DAYS` become daily aggregates.
- `reports`: the merchandisers' reports, as aggregations over the analytics index.
- `jobs`: the scheduled RQ jobs (shipping, rollup) that `catalog scheduler` enqueues.

See docs/analytics.md for the data flow and its guarantees.
"""
