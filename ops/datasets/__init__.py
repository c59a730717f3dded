"""Product datasets: a deterministic synthetic catalog and readers for real public files.

Everything here yields plain dicts in the canonical JSON form of :mod:`schemas.product`, so a
loader treats a generated product, a Best Buy phone and a line of an export file the same way.
"""
