"""Synonym expansion through the SynonymExpander protocol: pure logic, no servers needed."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from analyzers import InMemorySynonyms, SynonymMatch, analyze, analyze_query


def test_equivalent_terms_expand_to_each_other() -> None:
    synonyms = InMemorySynonyms(["tv, television"])
    query = analyze_query("Samsung TVs", synonyms)
    assert query.stemmed == ("samsung", "tvs")  # "tvs" is not "tv": no expansion
    query = analyze_query("65 inch televisions", synonyms)
    (expansion,) = query.expansions
    assert (expansion.start, expansion.end) == (2, 3)
    assert expansion.keep_original
    assert expansion.exact == ("tv",)
    assert expansion.stemmed == ("tv",)


def test_one_way_multi_word_rule_replaces_and_is_analyzed() -> None:
    synonyms = InMemorySynonyms(["laptop => notebook computer"])
    query = analyze_query("Gaming Laptops", synonyms)
    (expansion,) = query.expansions
    assert (expansion.start, expansion.end, expansion.keep_original) == (1, 2, False)
    assert expansion.text == "notebook computer"
    assert expansion.stemmed == tuple(analyze("notebook computer", "stemmed"))
    assert expansion.shingles == ("notebook_comput",)
    assert expansion.phrase == ("notebook", "comput")
    assert analyze_query("notebook computer", synonyms).expansions == ()


def test_multi_word_left_side_and_units_in_rules() -> None:
    synonyms = InMemorySynonyms(["# comment", "", "stainless steel, inox", '55" tv => big screen'])
    query = analyze_query("stainless steel fridge", synonyms)
    assert [(e.start, e.end, e.text) for e in query.expansions] == [(0, 2, "inox")]
    query = analyze_query("55in TV", synonyms)  # the rule is analyzed like the query
    assert [(e.start, e.end, e.text) for e in query.expansions] == [(0, 3, "big screen")]
    synonyms = InMemorySynonyms(["usbc, usb c"])
    (expansion,) = analyze_query("USB-C hub", synonyms).expansions
    assert (expansion.start, expansion.end, expansion.text) == (0, 2, "usbc")


def test_one_way_rule_listing_the_term_keeps_it() -> None:
    synonyms = InMemorySynonyms(["couch => couch, sofa"])
    (expansion,) = analyze_query("leather couch", synonyms).expansions
    assert expansion.keep_original
    assert expansion.text == "sofa"


def test_rules_without_searchable_tokens_are_refused() -> None:
    with pytest.raises(ValueError, match="no searchable token"):
        InMemorySynonyms(["the, a"])
    with pytest.raises(ValueError, match="right-hand side"):
        InMemorySynonyms(["laptop =>"])


class _Broken:
    def expand(self, exact: tuple[str, ...], stemmed: tuple[str, ...]) -> Sequence[SynonymMatch]:
        return [SynonymMatch(0, len(exact) + 1, ("x",))]


class _Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[tuple[str, ...], tuple[str, ...]]] = []

    def expand(self, exact: tuple[str, ...], stemmed: tuple[str, ...]) -> Sequence[SynonymMatch]:
        self.calls.append((exact, stemmed))
        return []


def test_expanders_see_the_words_as_read_without_variants() -> None:
    recorder = _Recorder()
    analyze_query("USB-C Cables 1/2 in.", recorder)
    assert recorder.calls == [
        (("usb", "c", "cables", "1/2", "inch"), ("usb", "c", "cabl", "1/2", "inch"))
    ]


def test_a_match_outside_the_query_is_an_error() -> None:
    with pytest.raises(ValueError, match="outside the query"):
        analyze_query("drill", _Broken())
