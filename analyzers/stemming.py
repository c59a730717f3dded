"""Stemming (NLTK Snowball English, the default) and lemmatization (WordNet, opt-in).

Stemming is the hot spot of analysis (about 10 µs a word in NLTK), and product text repeats
a small vocabulary, so each stage keeps a bounded dict cache of word -> stem. Only plain words
(``ALPHA``) are stemmed; units, numbers and model-number parts pass unchanged. NLTK is imported
on first use, not when ``analyzers`` is imported (importing NLTK takes about a second).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from analyzers.tokens import ALPHA, Token

STEM_CACHE_LIMIT: Final = 200_000
"""Entries kept per stage before the cache is cleared (words, not bytes: a few tens of MB)."""

TokenStage = Callable[[list[Token]], list[Token]]


def _stage_from(word_function: Callable[[str], str], *, cache: bool) -> TokenStage:
    if not cache:

        def apply_uncached(tokens: list[Token]) -> list[Token]:
            return [(word_function(t), f) if f & ALPHA else (t, f) for t, f in tokens]

        return apply_uncached

    # Keyed by the whole token: one dict lookup per token, and tokens that are not stemmed
    # (numbers, units) are cached as themselves.
    memo: dict[Token, Token] = {}

    def lookup(token: Token) -> Token:
        if len(memo) >= STEM_CACHE_LIMIT:
            memo.clear()
        text, flags = token
        result = memo[token] = (word_function(text), flags) if flags & ALPHA else token
        return result

    def apply(tokens: list[Token]) -> list[Token]:
        get = memo.get
        return [get(token) or lookup(token) for token in tokens]

    return apply


def make_snowball(*, cache: bool) -> TokenStage:
    """Snowball (Porter 2) English stemmer stage; needs no NLTK data."""
    stemmer: Callable[[str], str] | None = None

    def stem(word: str) -> str:
        nonlocal stemmer
        if stemmer is None:
            from nltk.stem.snowball import SnowballStemmer

            stemmer = SnowballStemmer("english").stem
        result: str = stemmer(word)
        return result or word

    return _stage_from(stem, cache=cache)


def make_wordnet_lemmatizer(*, cache: bool) -> TokenStage:
    """WordNet noun lemmatizer stage (``shoes`` -> ``shoe``); needs the WordNet data.

    Raises :class:`analyzers.nltk_data.NltkDataMissing` on first use when the data is not
    installed (``scripts/install_nltk_data.sh``).
    """
    lemmatize: Callable[[str], str] | None = None

    def lemma(word: str) -> str:
        nonlocal lemmatize
        if lemmatize is None:
            from analyzers.nltk_data import require_wordnet

            require_wordnet()
            from nltk.stem import WordNetLemmatizer

            lemmatize = WordNetLemmatizer().lemmatize
        result: str = lemmatize(word)
        return result or word

    return _stage_from(lemma, cache=cache)
