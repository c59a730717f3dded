"""Property tests of the analyzers: pure logic, no servers needed.

Any text at all (every Unicode category but surrogates) must analyze without error,
deterministically, with caches that change nothing, and with index-time and query-time
analysis agreeing term for term.
"""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyzers import INDEX_PROFILES, Analyzer, analyze, analyze_many, analyze_query
from analyzers.emit import EDGE_NGRAM_MAX, SHINGLE_SEPARATOR
from analyzers.tokenize import MAX_TOKEN_LENGTH

SEARCH_PROFILES = ("exact", "stemmed", "shingles", "prefixes")

any_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=200)
# Product-like text: the characters the tokenizer's rules are about, densely.
_PIECES = [
    *"0123456789 ./-x'\"%&,#+ ",
    *["in", "in.", "ft.", "cu.", "sq", "gal", "lb", "usb-c", "rtx", "a19", "2x4", "1/2"],
    *["'s", "é", "ß", "½", "\u00d7", "\u2033", "\u2122", "&amp;", "the", "shoes", "\u00a0"],
]
product_text = st.lists(st.sampled_from(_PIECES), max_size=40).map("".join)

texts = any_text | product_text
relaxed = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module", autouse=True)
def _nltk_imported() -> None:
    analyze("warm up the stemmer import", "stemmed")  # keeps NLTK's import out of deadlines


@relaxed
@given(texts)
def test_any_text_analyzes_to_clean_terms(text: str) -> None:
    for profile, terms in analyze_many(text, SEARCH_PROFILES).items():
        for term in terms:
            assert term, profile
            assert not any(c.isspace() for c in term), (profile, term)
            limit = 2 * MAX_TOKEN_LENGTH + 1 if profile == "shingles" else MAX_TOKEN_LENGTH
            assert len(term) <= limit, (profile, term)


@relaxed
@given(texts)
def test_analysis_is_deterministic_and_caches_are_transparent(text: str) -> None:
    uncached = Analyzer(cache=False)
    for profile in SEARCH_PROFILES:
        first = analyze(text, profile)
        assert analyze(text, profile) == first
        assert uncached.analyze(text, profile) == first


@relaxed
@given(texts)
def test_index_and_query_analysis_agree(text: str) -> None:
    query = analyze_query(text)
    assert list(query.exact) == analyze(text, "exact")
    assert list(query.stemmed) == analyze(text, "stemmed")
    assert list(query.shingles) == analyze(text, "shingles")
    assert len(query.exact) == len(query.kinds)
    assert len(query.phrase) == len(query.phrase_exact)
    assert set(query.phrase) <= set(query.stemmed)
    assert set(query.phrase_exact) <= set(query.exact)
    assert analyze_many(text, INDEX_PROFILES) == {p: analyze(text, p) for p in INDEX_PROFILES}


@relaxed
@given(texts)
def test_prefixes_hold_every_prefix_of_every_exact_token(text: str) -> None:
    prefixes = set(analyze(text, "prefixes"))
    for token in analyze(text, "exact"):
        for size in range(1, min(len(token), EDGE_NGRAM_MAX) + 1):
            assert token[:size] in prefixes
    assert set(analyze_query(text).prefixes) <= prefixes


@relaxed
@given(texts)
def test_shingles_are_pairs_of_the_phrase(text: str) -> None:
    query = analyze_query(text)
    expected = [f"{a}{SHINGLE_SEPARATOR}{b}" for a, b in itertools.pairwise(query.phrase)]
    assert list(query.shingles) == expected
