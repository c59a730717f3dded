"""`catalog bench ...`: reproducible measurements, each appended to docs/benchmarks.md.

Every benchmark runs against its own database (`<name>_bench`) and index prefix (`bench`), so the
demo catalog is left alone, and measures its figure beside the peer it is compared with.
"""
