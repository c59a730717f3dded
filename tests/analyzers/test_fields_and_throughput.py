"""Profile declarations, the analyzer version and the throughput function: pure logic, no
servers needed."""

from __future__ import annotations

import pytest

from analyzers import ANALYZER_VERSION, PROFILES, Analyzer
from analyzers.fields import RULES_REVISION, analyzer_version
from analyzers.stages import stage
from analyzers.throughput import measure, synthetic_documents, synthetic_products

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


def test_measure_reports_rates_and_caches_change_nothing() -> None:
    products = synthetic_products(TITLES, description_words=10)
    assert products[0]["title"] == TITLES[0]
    assert len(products[0]["description"].split()) == 10
    cached = measure(products, use_cache=True)
    uncached = measure(products, use_cache=False)
    assert cached["products"] == 3
    assert cached["tokens"] == uncached["tokens"]
    assert isinstance(cached["products_per_s"], float)
    assert cached["products_per_s"] > 0
    documents = synthetic_documents(TITLES, description_words=10)
    flat = measure(documents, ["stemmed"], use_cache=True, warm=True)
    assert flat["profiles"] == "*=stemmed"
    assert synthetic_documents(TITLES) == synthetic_documents(TITLES)  # seeded
