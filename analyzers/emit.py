"""Final stages that turn the token stream into field terms: shingles and edge n-grams."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Final

from analyzers.tokens import NUM, VARIANT, Token

SHINGLE_SEPARATOR: Final = "_"
"""Joins the two words of a shingle; the tokenizer never emits it inside a token."""

EDGE_NGRAM_MIN: Final = 1
EDGE_NGRAM_MAX: Final = 20
"""Longest prefix indexed for autocomplete; a longer typed prefix must be cut to this length."""

Emitter = Callable[[list[Token]], list[str]]


def drop_measure_variants(tokens: list[Token]) -> list[Token]:
    """Drop the numeric variants (``0.5`` for ``1/2``, ``2x4`` for ``2 in. x 4 in.``).

    They restate a measure that is already in the stream, so in a BM25 field they count the
    same evidence twice; they stay in the ``exact`` field, where they serve as boosts.
    Compound joins (``usbc``) are kept: they are the only match for a closed spelling.
    """
    return [t for t in tokens if t[1] & (VARIANT | NUM) != (VARIANT | NUM)]


def make_shingles(*, separator: str = SHINGLE_SEPARATOR) -> Emitter:
    """Adjacent pairs of the main sequence (``stainless_steel``), for proximity boosts.

    Variants are left out, so ``RTX-4070 ti`` and ``rtx 4070 ti`` give the same shingles.
    """

    def shingles(tokens: list[Token]) -> list[str]:
        words = [t for t, f in tokens if not f & VARIANT]
        return [f"{a}{separator}{b}" for a, b in itertools.pairwise(words)]

    return shingles


def make_edge_ngrams(
    *, min_gram: int = EDGE_NGRAM_MIN, max_gram: int = EDGE_NGRAM_MAX, cache: bool = True
) -> Emitter:
    """Prefixes of every distinct token, ``min_gram`` to ``max_gram`` characters.

    Tokens are deduplicated, prefixes are not (``stainless steel`` gives ``s`` twice): a
    prefix field only needs to know whether a term occurs, so map it with
    ``index_options: docs`` and ``norms: false``, and repeated terms cost nothing there.
    """
    if min_gram < 1 or max_gram < min_gram:
        raise ValueError(f"bad edge n-gram bounds {min_gram}..{max_gram}")
    memo: dict[str, tuple[str, ...]] = {}

    def prefixes_of(token: str) -> tuple[str, ...]:
        top = min(len(token), max_gram)
        grams = tuple(token[:size] for size in range(min_gram, top + 1))
        if cache:
            if len(memo) >= 200_000:
                memo.clear()
            memo[token] = grams
        return grams

    def edge_ngrams(tokens: list[Token]) -> list[str]:
        grams: list[str] = []
        extend = grams.extend
        get = memo.get
        for text in dict.fromkeys([t for t, _ in tokens]):
            extend(get(text) or prefixes_of(text))
        return grams

    return edge_ngrams
