"""`catalog bench ...`: reproducible measurements, each appended to docs/benchmarks.md.

Every benchmark runs against its own database (`<name>_bench`), Redis database and index prefix
(`bench`), so the demo catalog is left alone, and measures each figure beside the peer it is
compared with, in the same run. One module per concern:

- `sizes`, `environment`, `data`: the size asked for, the bench's namespace, the prepared catalog
- `processes`, `memory`, `concurrency`: the API and worker under test, their RSS, the clients
- `analysis`, `reindex`, `freshness`, `search`, `autocomplete`, `load`, `relevance`: the benches
- `report`, `targets`, `suite`: tables and entries, targets against figures, `catalog bench all`
"""
