"""The unit vocabulary: which spellings mean which canonical unit, and when.

Kept apart from the stage code so that the tables are easy to review and so that
``fields.ANALYZER_VERSION`` can hash them: a change here changes the tokens, so it asks for a
reindex. Canonical units are emitted unstemmed, so every plain-word spelling of a unit is
canonicalized wherever it appears (``ANYWHERE``); otherwise ``2-Piece`` (unit ``piece``) and
``piece`` elsewhere (stem ``piec``) would not meet.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

_CANONICAL: Final[dict[str, tuple[str, ...]]] = {
    "inch": ("inch", "inches", "in"),
    "foot": ("foot", "feet", "ft"),
    "yard": ("yard", "yards", "yd", "yds"),
    "mile": ("mile", "miles", "mi"),
    "mm": ("mm", "millimeter", "millimeters", "millimetre", "millimetres"),
    "cm": ("cm", "centimeter", "centimeters", "centimetre", "centimetres"),
    "meter": ("meter", "meters", "metre", "metres"),
    "gallon": ("gallon", "gallons", "gal", "gals"),
    "quart": ("quart", "quarts", "qt", "qts"),
    "pint": ("pint", "pints", "pt"),
    "ounce": ("ounce", "ounces", "oz"),
    "pound": ("pound", "pounds", "lb", "lbs"),
    "ton": ("ton", "tons"),
    "liter": ("liter", "liters", "litre", "litres", "ltr", "l"),
    "ml": ("ml", "milliliter", "milliliters", "millilitre", "millilitres"),
    "volt": ("volt", "volts", "v"),
    "watt": ("watt", "watts", "w"),
    "kilowatt": ("kilowatt", "kilowatts", "kw"),
    "amp": ("amp", "amps", "ampere", "amperes", "a"),
    "ah": ("ah",),
    "mah": ("mah",),
    "gauge": ("gauge", "gauges", "gage", "ga"),
    "awg": ("awg",),
    "btu": ("btu", "btus"),
    "cfm": ("cfm",),
    "gpm": ("gpm",),
    "gpf": ("gpf",),
    "psi": ("psi",),
    "mph": ("mph",),
    "rpm": ("rpm",),
    "hp": ("hp", "horsepower"),
    "cc": ("cc",),
    "lumen": ("lumen", "lumens", "lm"),
    "degree": ("degree", "degrees", "deg"),
    "percent": ("percent", "pct"),
    "pack": ("pack", "packs", "pk", "pkg"),
    "piece": ("piece", "pieces", "pc", "pcs"),
    "count": ("count", "ct"),
}

_COMPOSITE: Final[dict[str, tuple[str, ...]]] = {
    "sqft": ("square", "foot"),
    "cuft": ("cubic", "foot"),
}

# Spellings that are ordinary words or other things when no number precedes them
# ("in", "a", "v" for versus, "pt" for point, "hp" the brand, "pc" the computer, "ga" ...).
NEEDS_NUMBER: Final = frozenset(
    {"in", "a", "v", "w", "l", "pt", "mi", "hp", "cc", "ga", "ct", "pc", "pk", "deg", "ah"}
)

# Spellings accepted only when glued to the number (``20a``, ``5-l``), never after a space.
NEEDS_GLUE: Final = frozenset({"a", "l"})

UNITS: Final = MappingProxyType(
    {
        **{alias: (canon,) for canon, aliases in _CANONICAL.items() for alias in aliases},
        **_COMPOSITE,
    }
)
"""Every spelling -> its canonical unit tokens, valid right after a number."""

ANYWHERE: Final = frozenset(alias for alias in UNITS if alias not in NEEDS_NUMBER)
"""Spellings canonicalized even without a number before them."""

PREFIXES: Final = MappingProxyType(
    {"cu": "cubic", "cubic": "cubic", "sq": "square", "square": "square", "fl": "fluid"}
)
"""Unit prefixes (``1.9 cu. ft.``), canonicalized when a number precedes and a unit follows."""

ALWAYS_PREFIX: Final = frozenset({"cubic", "square", "fluid"})
"""Prefix words that are canonical words themselves, protected from stemming everywhere."""

MARKS: Final = MappingProxyType({'"': "inch", "'": "foot", "%": "percent"})
"""Marks after a number: ``55"``, ``8'``, ``100%``."""

LENGTH_UNITS: Final = frozenset({"inch", "foot", "yard", "mm", "cm", "meter"})
"""Canonical units that can follow a dimension number (used by the ``in`` rule)."""

JOIN_NEUTRAL: Final = frozenset(UNITS) | frozenset(PREFIXES) | {"x"}
"""Compound parts that do not make a compound a model number (``12-gauge``, ``2x4``)."""
