"""Text stages: HTML entities, Unicode NFKC, lowercasing and ASCII folding.

Product feeds carry HTML entities (``Builder&#39;s``, ``Briggs &amp; Stratton``), symbols
(``®``, ``™``), typographic quotes and primes (``55″``), non-breaking spaces and vulgar
fractions (``1½``). Each is mapped here to the plain ASCII that the tokenizer understands, so
the tokenizer's rules stay few. Every stage is ``str -> str``, pure, and takes an early exit
on plain ASCII text, which is what most product text is.
"""

from __future__ import annotations

import html
import unicodedata
from typing import Final

# Marks that NFKC would turn into letters glued to the word before them ("Star™" -> "StarTM").
_DROPPEDBEFORE_NFKC: Final = "\u00ae\u2122\u2120\u00a9\u2117"


def _vulgar_fractions() -> dict[int, str]:
    """``½`` -> `` 1/2 ``: spaced, so that ``1½`` reads as the mixed number ``1 1/2``."""
    table: dict[int, str] = {}
    for code in [*range(0x00BC, 0x00BF), *range(0x2150, 0x2160), 0x2189]:
        char = chr(code)
        decomposed = unicodedata.normalize("NFKC", char).replace("\u2044", "/")
        table[code] = f" {decomposed} "
    return table


BEFORE_NFKC: Final[dict[int, str | None]] = {
    **{ord(c): None for c in _DROPPEDBEFORE_NFKC},
    **_vulgar_fractions(),
}

AFTER_NFKC: Final[dict[int, str | None]] = {
    ord("\u2044"): "/",  # fraction slash
    ord("\u2215"): "/",  # division slash
    ord("\u00d7"): "x",  # multiplication sign in dimensions
    ord("\u2032"): "'",  # prime (NFKC turns a double prime into two primes)
    ord("\u2033"): '"',
    ord("\u2018"): "'",
    ord("\u2019"): "'",
    ord("\u201a"): "'",
    ord("\u201b"): "'",
    ord("\u00b4"): "'",
    ord("\u0060"): "'",
    ord("\u201c"): '"',
    ord("\u201d"): '"',
    ord("\u201e"): '"',
    ord("\u201f"): '"',
    ord("\u2010"): "-",
    ord("\u2011"): "-",
    ord("\u2012"): "-",
    ord("\u2013"): "-",
    ord("\u2014"): "-",
    ord("\u2015"): "-",
    ord("\u2212"): "-",
    ord("\u00b0"): " degree ",
    ord("\u00ba"): " degree ",
    ord("\u200b"): None,  # zero-width space and joiners
    ord("\u200c"): None,
    ord("\u200d"): None,
    ord("\u2060"): None,
    ord("\ufeff"): None,
    ord("\u00ad"): None,  # soft hyphen
    # Latin letters that do not decompose into a base letter plus accents.
    ord("\u00df"): "ss",
    ord("\u00e6"): "ae",
    ord("\u0153"): "oe",
    ord("\u00f8"): "o",
    ord("\u0111"): "d",
    ord("\u00f0"): "d",
    ord("\u0142"): "l",
    ord("\u00fe"): "th",
    ord("\u0131"): "i",
}


def html_unescape(text: str) -> str:
    """Decode HTML character references (``&amp;``, ``&#39;``), common in product feeds."""
    if "&" not in text:
        return text
    return html.unescape(text)


def nfkc(text: str) -> str:
    """Unicode NFKC: full-width forms, ligatures, non-breaking spaces become plain characters.

    Registered/trademark signs are dropped first and vulgar fractions spaced out, because
    NFKC alone would glue them to the neighbouring word or number.
    """
    if text.isascii():
        return text
    return unicodedata.normalize("NFKC", text.translate(BEFORE_NFKC))


def lowercase(text: str) -> str:
    """Lowercase; runs before folding so folding can clean what lowercasing produces."""
    return text.lower()


def ascii_fold(text: str) -> str:
    """Fold to ASCII where a Latin equivalent exists (``é`` -> ``e``, ``ß`` -> ``ss``).

    Accents are removed by decomposing (NFKD) and dropping combining marks; the text is then
    recomposed (NFC) so that scripts without a Latin equivalent stay whole words rather than
    loose pieces. Typographic quotes, primes and dashes become their ASCII forms.
    """
    if text.isascii():
        return text
    text = text.translate(AFTER_NFKC)
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", stripped).translate(AFTER_NFKC)
