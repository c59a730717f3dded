"""The product-search stopword list and its stage.

Deliberately short. Shoppers' small words often carry meaning in product search:
``with``/``without`` (``microwave with sensor cooking``), ``for`` (``filter for whirlpool``),
``no``/``not``, ``on``/``off``, ``up``/``out``. An ``in`` that is a unit (``4 in smart tiles``)
has already become ``inch`` when this stage runs, so only the preposition is dropped.
"""

from __future__ import annotations

from typing import Final

from analyzers.tokens import ALPHA, DOT, GLUED, Token

STOPWORDS: Final = frozenset(
    {"a", "an", "and", "are", "as", "at", "be", "by", "from", "in", "is", "it", "its", "of"}
    | {"or", "that", "the", "this", "to"}
)


# Every (word, flags) a stopword token can have, so that the stage is one set lookup a token.
_STOP_TOKENS: Final = frozenset(
    (word, ALPHA | extra) for word in STOPWORDS for extra in (0, DOT, GLUED, DOT | GLUED)
)


def remove_stopwords(tokens: list[Token]) -> list[Token]:
    """Drop plain words in :data:`STOPWORDS`; units, numbers and model parts always stay."""
    return [t for t in tokens if t not in _STOP_TOKENS]
