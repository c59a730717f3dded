"""Tokenizer for product text: model numbers, decimals, fractions, dimensions, compounds.

Works on lowercased, ASCII-folded text. It first cuts the text into *chunks* (runs of
letters and digits joined by ``- & + / . , '`` without spaces, plus a trailing mark such as
``"``), then parses each chunk into tokens. A chunk's parse does not depend on its
neighbours, so it is memoized: product text repeats the same chunks endlessly.

Inside a chunk:

- numbers: ``1,500`` -> ``1500``; ``5.0`` -> ``5``; ``.440`` -> ``0.44``; ``1000.051.824``
  is a part number (``1000 051 824`` + joined ``1000051824``);
- fractions stay whole: ``3/4``; ``1-1/2`` -> ``1``, ``1/2``;
- letters and digits split where they meet: ``rtx4070`` -> ``rtx``, ``4070``;
- a segment (parts joined by ``-``, ``&``, ``+`` or nothing) with two parts or more also gives
  its joined form after its parts (``usb-c`` -> ``usb c usbc``), unless it is a measure
  (``12-gauge``, ``55-inch``, ``2x4``: those are handled by the unit and dimension stages) or a
  count compound (``3-light``, ``20threaded``);
- ``'s`` after a word is a possessive and dropped (``men's`` -> ``men``); another apostrophe
  inside a word is removed (``o'neil`` -> ``oneil``); after a number it is a foot mark;
- ``.`` and ``/`` between words separate them (``drill/driver``), except in acronyms of single
  letters, which are also joined (``a/c`` -> ``a c ac``);
- a trailing ``"``, ``''``, ``'`` or ``%`` becomes a mark token for the unit stage.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from itertools import chain
from typing import Final

from analyzers.tokens import ALPHA, DOT, FRAC, GLUED, MARK, MODEL, NUM, VARIANT, Token
from analyzers.unit_table import JOIN_NEUTRAL

MAX_TOKEN_LENGTH: Final = 64
"""Longer tokens are cut: keeps shingles under Elasticsearch's 255-character token limit."""

_CHUNK_RE: Final = re.compile(
    r"(?:(?<![^\W_])\.(?=[0-9]))?[^\W_]+(?:[-&+/.,'][^\W_]+)*(?:''|[.\"'%])?"
)
_PIECE_RE: Final = re.compile(r"[0-9]+|[^\W0-9_]+|.", re.DOTALL)

_SOFT_JOINERS: Final = frozenset("-&+")
_CACHE_LIMIT: Final = 200_000


def _is_digits(piece: str) -> bool:
    return "0" <= piece[0] <= "9"


def _decimal(integer: str, fraction: str) -> str:
    """Normalize a decimal: ``.440`` -> ``0.44``, ``5.0`` -> ``5``, ``01.50`` -> ``1.5``."""
    integer = integer.lstrip("0") or "0"
    fraction = fraction.rstrip("0")
    return f"{integer}.{fraction}" if fraction else integer


def _is_word(parts: list[Token], index: int) -> bool:
    """A letters part that is not a unit after a number nor the ``x`` of a dimension."""
    text, flags = parts[index]
    if not flags & ALPHA:
        return False
    after_number = index > 0 and bool(parts[index - 1][1] & (NUM | FRAC))
    before_number = index + 1 < len(parts) and bool(parts[index + 1][1] & (NUM | FRAC))
    if text == "x" and (after_number or before_number):
        return False
    if before_number and text != "in":
        return True  # 200a-3 (a paint code), not 200 amps
    return not (after_number and text in JOIN_NEUTRAL)


def _should_join(parts: list[Token]) -> bool:
    """Whether a multi-part segment also yields its joined form (see the module docstring)."""
    words = [parts[i][0] for i in range(len(parts)) if _is_word(parts, i)]
    if not words:
        return all(f & NUM for _, f in parts)
    if parts[0][1] & NUM and all(f & ALPHA for _, f in parts[1:]):
        return not all(len(w) >= 3 for w in words)  # 3-light: a count, not a model number
    return True


def _emit_segment(segment: list[Token], out: list[Token]) -> None:
    if len(segment) < 2 or not _should_join(segment):
        out.extend(segment)
        return
    joined = "".join(t for t, _ in segment)[:MAX_TOKEN_LENGTH]
    has_digit = any(f & (NUM | FRAC) for _, f in segment)
    if has_digit:
        out.extend((t, (f & ~ALPHA) | MODEL if f & ALPHA else f | MODEL) for t, f in segment)
        out.append((joined, VARIANT | MODEL))
    else:
        out.extend(segment)
        out.append((joined, VARIANT | ALPHA))


def parse_chunk(chunk: str) -> tuple[Token, ...]:
    """Parse one chunk (no spaces inside) into tokens; pure, so it can be memoized."""
    pieces = _PIECE_RE.findall(chunk)
    n = len(pieces)
    out: list[Token] = []
    segment: list[Token] = []
    single_letters: list[str] = []  # for acronyms: a/c, u.s.
    acronym = True
    i = 0
    glue = 0  # GLUED once something was seen in this chunk

    def close_segment() -> None:
        nonlocal segment
        if segment:
            _emit_segment(segment, out)
            segment = []

    while i < n:
        piece = pieces[i]
        if _is_digits(piece):
            acronym = False
            number = piece
            j = i + 1
            if len(piece) <= 3:
                while (
                    j + 1 < n
                    and pieces[j] == ","
                    and len(pieces[j + 1]) == 3
                    and _is_digits(pieces[j + 1])
                ):
                    number += pieces[j + 1]
                    j += 2
            decimals: list[str] = []
            while j + 1 < n and pieces[j] == "." and _is_digits(pieces[j + 1]):
                decimals.append(pieces[j + 1])
                j += 2
            if len(decimals) == 1:
                segment.append((_decimal(number, decimals[0]), NUM | glue))
            elif decimals:  # 1000.051.824: a part number, joined below
                segment.append((number, NUM | glue))
                segment.extend((d, NUM | GLUED) for d in decimals)
            elif j + 1 < n and pieces[j] == "/" and _is_digits(pieces[j + 1]):
                segment.append((f"{number}/{pieces[j + 1]}"[:MAX_TOKEN_LENGTH], FRAC | glue))
                j += 2
            else:
                segment.append((number[:MAX_TOKEN_LENGTH], NUM | glue))
            glue = GLUED
            i = j
            continue
        if piece == "'":
            previous = segment[-1] if segment else None
            nxt = pieces[i + 1] if i + 1 < n else ""
            if previous is not None and previous[1] & (NUM | FRAC):
                close_segment()
                if nxt == "'":  # two primes: inches
                    out.append(('"', MARK | GLUED))
                    i += 2
                else:
                    out.append(("'", MARK | GLUED))
                    i += 1
                continue
            if previous is not None and nxt and not _is_digits(nxt) and nxt.isalnum():
                if nxt == "s" and (i + 2 >= n or not pieces[i + 2].isalnum()):
                    i += 2  # possessive: men's -> men
                    continue
                text, flags = segment[-1]  # o'neil -> oneil
                segment[-1] = ((text + nxt)[:MAX_TOKEN_LENGTH], flags)
                i += 2
                continue
            i += 1
            continue
        if piece == '"' or piece == "%":
            close_segment()
            out.append((piece, MARK | GLUED))
            i += 1
            continue
        if piece.isalnum():
            if len(piece) > 1:
                acronym = False
            else:
                single_letters.append(piece)
            segment.append((piece[:MAX_TOKEN_LENGTH], ALPHA | glue))
            glue = GLUED
            i += 1
            continue
        if piece == "." and i == 0 and n > 1 and _is_digits(pieces[1]):
            segment.append((_decimal("0", pieces[1]), NUM))
            glue = GLUED
            i += 2
            continue
        if piece == "." and segment:
            text, flags = segment[-1]
            segment[-1] = (text, flags | DOT)
        if piece not in _SOFT_JOINERS:
            close_segment()
        i += 1
    close_segment()
    if acronym and len(single_letters) >= 2:
        # The letters of an acronym are not words: no stopword removal for the "a" of "a/c".
        out = [(t, (f & ~ALPHA) | MODEL) if f & ALPHA else (t, f) for t, f in out]
        out.append(("".join(single_letters), VARIANT | ALPHA))
    return tuple(out)


def parse_word(word: str) -> tuple[Token, ...]:
    """Parse a whitespace-free word: its chunks, in order (chunks never span whitespace)."""
    return tuple(token for chunk in _CHUNK_RE.findall(word) for token in parse_chunk(chunk))


def make_tokenizer(*, cache: bool) -> Callable[[str], list[Token]]:
    """Build the tokenizer stage, with a bounded memo of word parses when ``cache``.

    The memo is keyed by whitespace-separated word (``str.split`` is much cheaper than the
    chunk regex, and words repeat); chunks never span whitespace, so this gives the same
    tokens as scanning the whole text.
    """
    findall = _CHUNK_RE.findall
    if not cache:

        def tokenize_uncached(text: str) -> list[Token]:
            out: list[Token] = []
            for chunk in findall(text):
                out.extend(parse_chunk(chunk))
            return out

        return tokenize_uncached

    memo: dict[str, tuple[Token, ...]] = {}

    def parse_and_remember(word: str) -> tuple[Token, ...]:
        if len(memo) >= _CACHE_LIMIT:
            memo.clear()
        tokens = memo[word] = parse_word(word)
        return tokens

    def tokenize(text: str) -> list[Token]:
        words = text.split()
        parts = list(map(memo.get, words))
        if None in parts:
            parts = [
                parse_and_remember(word) if part is None else part
                for word, part in zip(words, parts, strict=True)
            ]
        return list(chain.from_iterable(parts))  # type: ignore[arg-type]

    return tokenize
