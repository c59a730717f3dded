"""Catalog sizes as people say them: `10k`, `100k`, `1M`, or a plain number (kept import-light:
the command line parses `--size` before any bench module is loaded)."""

from __future__ import annotations

import re

UNITS = {"k": 1_000, "m": 1_000_000}
MINIMUM = 100  # the request mixes draw two brands and several categories from the catalog
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([km]?)\s*$", re.I)


def parse_size(value: str | int) -> int:
    """`10k` -> 10000, `1M` -> 1000000, `500` -> 500 (`100_000` and `100,000` work too)."""
    if isinstance(value, int):
        size = value
    else:
        match = _SIZE.match(value.replace(",", "").replace("_", ""))
        if match is None:
            raise ValueError(f"{value!r} is not a size: use 10k, 100k, 1M or a number")
        number, unit = match.groups()
        size = round(float(number) * UNITS.get(unit.lower(), 1))
    if size < MINIMUM:
        raise ValueError(f"size {size} is too small: at least {MINIMUM} products")
    return size


def size_label(size: int) -> str:
    """The short form of a size, for commands and titles: 100000 -> `100k`."""
    for unit, factor in (("M", 1_000_000), ("k", 1_000)):
        if size % factor == 0:
            return f"{size // factor}{unit}"
    return str(size)
