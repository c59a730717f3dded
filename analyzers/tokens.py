"""The token type that flows between analysis stages.

A token is a plain ``(text, flags)`` tuple rather than an object: analysis runs for every
product at index time and for every query, and tuples are the cheapest structure CPython
builds and compares. The flags say what the tokenizer and the later stages learned about the
token, so that a later stage does not have to guess again (a unit must not be stemmed, a
joined variant must not enter the shingles, a model number must not be fuzzed).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final

Token = tuple[str, int]
"""``(text, flags)``: one token of the stream, with the bit flags below."""

NUM: Final = 1 << 0
"""A number (integer or normalized decimal: ``4070``, ``1.9``, ``0.44``)."""
FRAC: Final = 1 << 1
"""A fraction as written: ``1/2``, ``3/4``."""
ALPHA: Final = 1 << 2
"""A word made of letters only; the only kind the stemmer and the stopword list touch."""
MODEL: Final = 1 << 3
"""Part of, or the joined form of, a compound mixing letters and digits (``rtx4070``, ``a19``)."""
UNIT: Final = 1 << 4
"""A canonical unit (``inch``, ``foot``, ``cubic``) or the dimension ``x``: never stemmed."""
VARIANT: Final = 1 << 5
"""An extra form (joined compound, decimal of a fraction, dimension join) added after the
tokens it was made from. Variants are searchable but stay out of shingles and context rules."""
DOT: Final = 1 << 6
"""The token was followed by a period in the text (``in.`` is an inch, ``in`` may not be)."""
GLUED: Final = 1 << 7
"""The token touched the previous one without a space or with a joiner (``20a``, ``55-inch``)."""
MARK: Final = 1 << 8
"""A raw mark after a token (``"``, ``'``, ``%``): the unit stage turns it into a unit or drops it."""
DIMX: Final = 1 << 9
"""The ``x`` of a dimension (``2 x 4``, ``3/4 in. x 3 in.``)."""

NUMERIC: Final = NUM | FRAC


class TokenKind(StrEnum):
    """What a query token is, for the search layer's fuzziness and boosting decisions."""

    WORD = "word"
    """Letters only: may be matched fuzzily when long enough."""
    NUMBER = "number"
    """A number, fraction, decimal equivalent or dimension (``2x4``): match exactly."""
    UNIT = "unit"
    """A canonical unit or the dimension ``x``: match exactly."""
    MODEL = "model"
    """A model-number-like token or part (``rtx4070``, ``rtx``, ``a19``): match exactly."""


def kind_of(token: Token) -> TokenKind:
    """Classify a token for the query side (see :class:`TokenKind`)."""
    text, flags = token
    if flags & (UNIT | DIMX):
        return TokenKind.UNIT
    if flags & MODEL:
        return TokenKind.MODEL
    if flags & NUMERIC:
        return TokenKind.NUMBER
    if any("0" <= c <= "9" for c in text):
        return TokenKind.NUMBER if flags & VARIANT else TokenKind.MODEL
    return TokenKind.WORD
