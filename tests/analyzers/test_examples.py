"""Example tests of each analysis stage on real product text: pure logic, no servers needed.

Titles and queries are taken from, or written like, the Home Depot relevance set in
``../shared/data/relevance-homedepot-dev/``.
"""

from __future__ import annotations

import pytest

from analyzers import TokenKind, analyze, analyze_query


def stemmed(text: str) -> list[str]:
    return analyze(text, "stemmed")


def exact(text: str) -> list[str]:
    return analyze(text, "exact")


@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("televisions", "Television"),
        ("running shoes", "Running Shoe"),
        ("55in tv", '55" TV'),
        ("55 inch tv", "55 in. TV"),
        ("55-inch tv", "55in TV"),
        ("usb c cable", "USB-C Cable"),
        ("usbc cable", "USB-C Cable"),
        ("rtx4070", "RTX-4070"),
        ("rtx 4070", "RTX-4070"),
        ("2 x 4 stud", "2x4 Stud"),
        ("1.9 cubic feet microwave", "Whirlpool 1.9 cu. ft. Over the Range Microwave"),
        ("1 1/2 coupling", "1-1/2 in. PVC Coupling"),
        ("3/4 plywood", '3/4" Plywood'),
        ("8 foot ladder", "8 ft. Ladder"),
        ("5 gallon bucket", "5-gal. Bucket"),
        ("50 lb bag", "50 lbs. Bag"),
        ("1500 watt heater", "1,500-Watt Heater"),
        ("12 volt battery", "12-Volt Battery"),
        ("15 amp breaker", "15A Breaker"),
        ("mens gifts", "Men's Gifts"),
        ("builders choice door", "Builder&#39;s Choice Door"),
        ("self propelled mower", "Self-Propelled Mower"),
        ("cafe table", "Café® Table"),
        ("90 degree elbow", "90° Elbow"),
        ("10ft x 7ft garage door", "10 ft. x 7 ft. Garage Door"),
        ("a/c unit", "A/C Unit"),
        ("ac unit", "A/C Unit"),
    ],
)
def test_query_tokens_appear_in_the_title(query: str, title: str) -> None:
    index_terms = set(stemmed(title))
    missing = [t for t in stemmed(query) if t not in index_terms]
    assert not missing, (stemmed(query), stemmed(title))


@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("2x4", "2 in. x 4 in. x 96 in. Prime Whitewood Stud"),
        ("1.5 abs adaptor", "1-1/2 in. ABS Adaptor"),
        ("0.5 drip tubing", "1/2 in. x 100 ft. Drip Tubing"),
        (".875 arbor", "7/8 in. Arbor"),
        ("3/4 x 3 casing", "3/4 in. x 3 in. x 8 ft. MDF Fluted Casing"),
    ],
)
def test_measures_meet_through_the_exact_field(query: str, title: str) -> None:
    index_terms = set(exact(title))
    analyzed = analyze_query(query)
    missing = [t for t in analyzed.exact if t not in index_terms]
    assert not missing, (analyzed.exact, exact(title))


def test_folding_and_html() -> None:
    assert exact("Café Crème® Lego™") == ["cafe", "creme", "lego"]
    assert exact("Straße\u00a0Kit") == ["strasse", "kit"]
    assert exact("Briggs &amp; Stratton") == ["briggs", "stratton"]
    assert exact("\uff35\uff33\uff22") == ["usb"]  # full-width, by NFKC


def test_model_numbers_split_and_join() -> None:
    assert exact("RTX-4070") == ["rtx", "4070", "rtx4070"]
    assert exact("rtx4070") == ["rtx", "4070", "rtx4070"]
    assert exact("USB-C") == ["usb", "c", "usbc"]
    assert exact("4k") == ["4", "k", "4k"]
    assert exact("A19 bulb") == ["a", "19", "a19", "bulb"]
    assert exact("Price Pfister 910-022") == ["price", "pfister", "910", "022", "910022"]
    assert exact("1000.051.824") == ["1000", "051", "824", "1000051824"]


def test_count_compounds_and_measures_are_not_joined() -> None:
    assert exact("3-Light") == ["3", "light"]
    assert exact("12-Gauge") == ["12", "gauge"]
    assert exact("55-inch") == ["55", "inch"]


def test_numbers() -> None:
    assert exact(".440 metal screws") == ["0.44", "metal", "screws"]
    assert exact("1.9") == ["1.9"]
    assert exact("12 v 5.0 amps") == ["12", "volt", "5", "amp"]
    assert exact("1,500-Watt") == ["1500", "watt"]
    assert exact("1/2") == ["1/2", "0.5"]
    assert exact("3/4") == ["3/4", "0.75"]
    assert exact("1 1/2") == ["1", "1/2", "1.5"]
    assert exact("1-1/2") == ["1", "1/2", "1.5"]
    assert exact("1½") == ["1", "1/2", "1.5"]
    assert exact("10/3 wire") == ["10/3", "wire"]  # a wire gauge, not a measure


def test_units() -> None:
    for text in ["55in", "55 in", "55 inch", "55-inch", '55"', "55 in.", "55 inches", "55''"]:
        assert exact(text) == ["55", "inch"], text
    for text in ["8 ft.", "8ft", "8 feet", "8'", "8 foot"]:
        assert exact(text) == ["8", "foot"], text
    assert exact("1/2 in.") == ["1/2", "0.5", "inch"]
    assert exact("1.9 cu. ft.") == ["1.9", "cubic", "foot"]
    assert exact("1.9 cubic feet") == ["1.9", "cubic", "foot"]
    assert exact('3/4"') == ["3/4", "0.75", "inch"]
    assert exact("10.1 fl. oz.") == ["10.1", "fluid", "ounce"]
    assert exact("60W") == ["60", "watt"]
    assert exact("100%") == ["100", "percent"]
    assert exact("2 gal") == exact("2 gallons") == ["2", "gallon"]
    assert exact("50 lb") == exact("50 lbs.") == exact("50 pounds") == ["50", "pound"]


def test_in_is_a_unit_only_after_a_number() -> None:
    assert exact("4 in smart tiles") == ["4", "inch", "smart", "tiles"]
    assert exact("awnings in a box") == ["awnings", "box"]
    assert exact("microwave in stainless steel") == ["microwave", "stainless", "steel"]
    assert exact("3 in 1 tool") == ["3", "1", "tool"]
    assert exact("1/4 in 3 in. screw") == ["1/4", "0.25", "inch", "3", "inch", "screw"]


def test_dimensions() -> None:
    assert exact("2x4") == ["2", "x", "4", "2x4"]
    assert exact("2 x 4") == ["2", "x", "4", "2x4"]
    assert exact("3/4 in. x 3 in. x 8 ft. MDF") == [
        *["3/4", "0.75", "inch", "x", "3", "inch", "3/4x3"],
        *["x", "8", "foot", "3x8", "3/4x3x8", "mdf"],
    ]
    assert "2x4" in exact("2 in. x 4 in. x 96 in. Stud")
    assert exact("96 in. W x 72 in. L") == ["96", "inch", "w", "x", "72", "inch", "l"]


def test_acronyms_are_joined_and_keep_their_letters() -> None:
    assert exact("A/C unit") == ["a", "c", "ac", "unit"]
    assert exact("U.S. made") == ["u", "s", "us", "made"]
    assert exact("drill/driver") == ["drill", "driver"]


def test_possessives_and_apostrophes() -> None:
    assert exact("men's") == ["men"]
    assert exact("O'Neil") == ["oneil"]
    assert exact("Gardeners' Choice") == ["gardeners", "choice"]


def test_stopwords_keep_meaningful_small_words() -> None:
    assert exact("microwave with sensor for the kitchen no frost") == [
        *["microwave", "with", "sensor", "for", "kitchen", "no", "frost"]
    ]


def test_stemming_and_units_agree() -> None:
    assert stemmed("Running Shoes") == ["run", "shoe"]
    assert stemmed("2-Piece Toilet") == ["2", "piece", "toilet"]
    assert stemmed("toilet piece") == ["toilet", "piece"]  # units are not stemmed anywhere


def test_shingles_skip_variants() -> None:
    assert analyze("Stainless Steel RTX-4070 Ti", "shingles") == [
        "stainless_steel",
        "steel_rtx",
        "rtx_4070",
        "4070_ti",
    ]
    assert analyze("55in TV", "shingles") == ["55_inch", "inch_tv"]


def test_prefixes() -> None:
    assert analyze("Drill", "prefixes") == ["d", "dr", "dri", "dril", "drill"]
    grams = analyze("USB-C", "prefixes")
    assert {"u", "us", "usb", "c", "usbc"} <= set(grams)
    assert len(max(analyze("a" * 50, "prefixes"), key=len)) == 20


def test_query_kinds_and_fuzziness() -> None:
    query = analyze_query("dewalt drill 20v rtx4070 2x4")
    kinds = dict(zip(query.exact, query.kinds, strict=True))
    assert kinds["dewalt"] is TokenKind.WORD
    assert kinds["20"] is TokenKind.NUMBER
    assert kinds["volt"] is TokenKind.UNIT
    assert kinds["rtx"] is kinds["rtx4070"] is TokenKind.MODEL
    assert kinds["2x4"] is TokenKind.NUMBER
    assert query.fuzzy_allowed(query.exact.index("dewalt"))
    assert not query.fuzzy_allowed(query.exact.index("drill"), min_length=6)
    assert not query.fuzzy_allowed(query.exact.index("rtx4070"))
    assert "rtx4070" in query.literal
    assert query.phrase == ("dewalt", "drill", "20", "volt", "rtx", "4070", "2", "x", "4")
    assert query.stemmed == (
        "dewalt",
        "drill",
        "20",
        "volt",
        "rtx",
        "4070",
        "rtx4070",
        "2",
        "x",
        "4",
    )
    assert "2x4" in query.exact


def test_measure_variants_stay_out_of_stemmed() -> None:
    assert stemmed("1/2 in. x 3 in.") == ["1/2", "inch", "x", "3", "inch"]
    assert exact("1/2 in. x 3 in.") == ["1/2", "0.5", "inch", "x", "3", "inch", "1/2x3"]
    assert stemmed("USB-C") == ["usb", "c", "usbc"]  # compound joins stay


def test_surrogates_and_odd_input_do_not_raise() -> None:
    for text in ["\ud800", "a\udfffb 2x4", "", "   ", "\x00\x01", "'" * 10, "½" * 5, "x" * 10_000]:
        for profile in ("exact", "stemmed", "shingles", "prefixes"):
            assert isinstance(analyze(text, profile), list)
        analyze_query(text)


def test_unknown_profile_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown analysis profile"):
        analyze("x", "nope")


def test_compounds_meet_whichever_way_they_are_written() -> None:
    # Open in the query, closed in the title: the pair's join is a `stemmed` term of the title.
    query = analyze_query("under cabinet lights")
    assert query.joins == ("undercabinet", "cabinetlight")
    assert query.joins[0] in stemmed("Undercabinet Light Bar")
    # Closed in the query, open in the title: one of its splits is a shingle of the title.
    split = analyze_query("undercabinets").splits[0]
    assert set(split) & set(analyze("Under Cabinet Light", "shingles"))
    # Numbers, units and model numbers are never joined or split.
    query = analyze_query("55 in tv rtx4070")
    assert query.phrase_kinds[:2] == (TokenKind.NUMBER, TokenKind.UNIT)
    assert query.joins[:2] == (None, None)
    assert query.splits[3] == ()
    assert len(query.splits) == len(query.phrase_kinds) == len(query.phrase)
