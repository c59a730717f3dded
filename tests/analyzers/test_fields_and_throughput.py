"""Profile declarations, the analyzer version and the benchmark's throughput function: pure logic,
no servers needed."""

from __future__ import annotations

import pytest

from analyzers import ANALYZER_VERSION, PROFILES, Analyzer
from analyzers.fields import RULES_REVISION, analyzer_version
from analyzers.stages import stage
from ops.bench.analysis import measure

TITLES = [
    "Whirlpool 1.9 cu. ft. Over the Range Convection Microwave in Stainless Steel",
    "House of Fara 3/4 in. x 3 in. x 8 ft. MDF Fluted Casing",
    "Simpson Strong-Tie 12-Gauge Angle",
]


def test_profiles_and_version() -> None:
    assert {"exact", "stemmed", "shingles", "prefixes", "lemmatized"} <= set(PROFILES)
    assert analyzer_version(PROFILES) == ANALYZER_VERSION
    assert ANALYZER_VERSION.startswith(f"{RULES_REVISION}-")
    changed = {**PROFILES, "exact": PROFILES["exact"][:-1]}  # no stopwords
    assert analyzer_version(changed) != ANALYZER_VERSION


def test_declarations_are_checked() -> None:
    with pytest.raises(ValueError, match="unknown analysis stage"):
        stage("porter")
    with pytest.raises(ValueError, match="stages must run"):
        Analyzer({"bad": (stage("tokenize"), stage("lowercase"))})
    with pytest.raises(ValueError, match="one tokenizer"):
        Analyzer({"bad": (stage("lowercase"),)})


def test_custom_profile_with_options() -> None:
    analyzer = Analyzer(
        {"short": (stage("tokenize"), stage("edge_ngrams", min_gram=2, max_gram=3))}
    )
    assert analyzer.analyze("Drill", "short") == ["Dr", "Dri"]


def test_measure_counts_every_term_and_caches_change_nothing() -> None:
    products = [{"title": title, "description": title.lower()} for title in TITLES]
    profiles = {"title": ("stemmed", "exact"), "description": ("stemmed",)}
    cached = measure(products, profiles, use_cache=True)
    uncached = measure(products, profiles, use_cache=False)
    analyzer = Analyzer(PROFILES)
    expected = sum(
        len(analyzer.analyze(p["title"], "stemmed"))
        + len(analyzer.analyze(p["title"], "exact"))
        + len(analyzer.analyze(p["description"], "stemmed"))
        for p in products
    )
    assert cached.products == 3
    assert cached.tokens == uncached.tokens == expected
    assert cached.products_per_cpu_s >= 0
