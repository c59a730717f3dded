"""Unit and dimension stages: ``55in``, ``55 in.``, ``55-inch`` and ``55"`` become ``55 inch``.

Runs after tokenization, on the whole token stream, because a unit is recognized by its
context: ``in`` is an inch after a number (``4 in smart tiles``) and a stopword elsewhere
(``awnings in a box``), and ``3 in 1`` is a count. The vocabulary is in ``unit_table``.

The unit stage also adds the decimal equivalent of a fraction as a variant (``1/2`` ->
``0.5``, ``1 1/2`` -> ``1.5``), so that ``.875 arbor`` meets ``7/8 in. arbor``: only one side
needs the conversion, since both sides run the same code. The dimension stage marks the
``x`` of ``3/4 in. x 3 in. x 8 ft.`` and adds the joined dimensions (``3/4x3``, ``3x8``,
``3/4x3x8``), so that a shopper's ``2x4`` meets ``2 in. x 4 in. x 96 in.``.
"""

from __future__ import annotations

from typing import Final

from analyzers.tokens import ALPHA, DIMX, DOT, FRAC, GLUED, MARK, NUM, NUMERIC, UNIT, VARIANT, Token
from analyzers.unit_table import (
    ALWAYS_PREFIX,
    ANYWHERE,
    LENGTH_UNITS,
    MARKS,
    NEEDS_GLUE,
    PREFIXES,
    UNITS,
)

_DECIMAL_DENOMINATORS: Final = frozenset({2, 4, 8, 16, 32, 64})


def fraction_decimal(fraction: str, whole: str = "") -> str | None:
    """Decimal form of a proper imperial fraction, plus an optional whole part.

    ``fraction_decimal("7/8") == "0.875"``, ``fraction_decimal("1/2", "1") == "1.5"``; None for
    anything that is not a proper fraction with a denominator of 2 to 64 (``10/3`` is a wire
    gauge, ``4500/4500`` two ratings).
    """
    numerator_text, _, denominator_text = fraction.partition("/")
    if len(numerator_text) > 3 or len(denominator_text) > 3 or len(whole) > 6:
        return None
    numerator, denominator = int(numerator_text), int(denominator_text)
    if denominator not in _DECIMAL_DENOMINATORS or not 0 < numerator < denominator:
        return None
    scaled = (int(whole or "0") * denominator + numerator) * 1_000_000 // denominator
    integer, decimals = divmod(scaled, 1_000_000)
    return f"{integer}.{decimals:06d}".rstrip("0")


def _next_main(tokens: list[Token], start: int) -> Token | None:
    for index in range(start, len(tokens)):
        if not tokens[index][1] & VARIANT:
            return tokens[index]
    return None


def _next_main_index(tokens: list[Token], start: int) -> int:
    for index in range(start, len(tokens)):
        if not tokens[index][1] & VARIANT:
            return index
    return len(tokens)


def _is_integer(token: Token | None) -> bool:
    return token is not None and bool(token[1] & NUM) and "." not in token[0]


def _in_is_unit(tokens: list[Token], index: int, previous: Token) -> bool:
    """``in`` after a number: an inch, unless it is ``3 in 1`` (integer, in, integer)."""
    if tokens[index][1] & DOT or not _is_integer(previous):
        return True
    after = _next_main_index(tokens, index + 1)
    if after >= len(tokens) or not _is_integer(tokens[after]):
        return True
    following = _next_main(tokens, after + 1)
    if following is None:
        return False
    text = following[0]
    return text in MARKS or (text in UNITS and UNITS[text][0] in LENGTH_UNITS)


_ALWAYS: Final = ANYWHERE | ALWAYS_PREFIX
_CONTEXT: Final = NUMERIC | MARK


def _previous_main(tokens: list[Token], index: int) -> int:
    index -= 1
    while index >= 0 and tokens[index][1] & VARIANT:
        index -= 1
    return index


def _unit_after_number(tokens: list[Token], index: int, number: Token) -> list[Token] | None:
    """What the token at ``index``, right after ``number`` (or its unit prefix), becomes."""
    text, flags = tokens[index]
    if flags & MARK:
        return [(MARKS[text], UNIT)]
    if not flags & ALPHA:
        return None
    prefix = PREFIXES.get(text)
    if prefix is not None:
        following = _next_main(tokens, index + 1)
        if following is not None and (following[0] in UNITS or following[1] & MARK):
            return [(prefix, UNIT)]
    canonical = UNITS.get(text)
    if (
        canonical is not None
        and (text not in NEEDS_GLUE or flags & GLUED)
        and (text != "in" or _in_is_unit(tokens, index, number))
    ):
        return [(unit, UNIT) for unit in canonical]
    return None


def _always(token: Token) -> list[Token] | None:
    """Units canonical without a number (``feet`` -> ``foot``), for a word token."""
    text, flags = token
    if not flags & ALPHA or flags & VARIANT:
        return None
    if text in ANYWHERE:
        return [(unit, UNIT) for unit in UNITS[text]]
    if text in ALWAYS_PREFIX:
        return [(text, UNIT)]
    return None


def units(tokens: list[Token]) -> list[Token]:
    """Canonicalize units (see the module docstring); other tokens pass unchanged.

    Only tokens right after a number (or after a number's unit prefix), fractions, marks
    and always-canonical unit words can change, so the stage visits just those.
    """
    hits = [i for i, (t, f) in enumerate(tokens) if f & _CONTEXT or t in _ALWAYS]
    if not hits:
        return tokens
    edits: dict[int, list[Token]] = {}
    n = len(tokens)
    for index in hits:
        if index in edits:
            continue
        token = tokens[index]
        text, flags = token
        if flags & VARIANT:
            continue
        if flags & FRAC:
            before = tokens[index - 1] if index > 0 else None
            whole = before[0] if before is not None and _is_integer(before) else ""
            decimal = fraction_decimal(text, whole) or (fraction_decimal(text) if whole else None)
            if decimal is not None:
                edits[index] = [token, (decimal, NUM | VARIANT)]
        elif flags & MARK:
            edits[index] = []  # a mark with no number before it (a number claims its own)
            continue
        elif not flags & NUM:
            always = _always(token)
            if always is not None:
                edits[index] = always
            continue
        # A number: the main token after it may be its unit, or a unit prefix and a unit.
        after = _next_main_index(tokens, index + 1)
        if after >= n:
            continue
        edit = _unit_after_number(tokens, after, token)
        if edit is None:
            continue
        edits[after] = edit
        if len(edit) == 1 and tokens[after][0] in PREFIXES and tokens[after][1] & ALPHA:
            unit_at = _next_main_index(tokens, after + 1)
            if unit_at < n:
                unit_edit = _unit_after_number(tokens, unit_at, token)
                if unit_edit is not None:
                    edits[unit_at] = unit_edit
    if not edits:
        return tokens
    out: list[Token] = []
    done = 0
    for index in sorted(edits):
        out.extend(tokens[done:index])
        out.extend(edits[index])
        done = index + 1
    out.extend(tokens[done:])
    return out


def _operand_value(numbers: list[Token]) -> str:
    if len(numbers) == 2:
        return fraction_decimal(numbers[1][0], numbers[0][0]) or f"{numbers[0][0]}-{numbers[1][0]}"
    return numbers[0][0]


def _is_integer_token(token: Token) -> bool:
    return bool(token[1] & NUM) and "." not in token[0]


def _left_operand(tokens: list[Token], x_at: int) -> tuple[int, str] | None:
    """The operand ending right before the ``x`` at ``x_at``: (start index, value)."""
    index = x_at - 1
    while index >= 0 and tokens[index][1] & (VARIANT | UNIT) and tokens[index][0] != "x":
        index -= 1
    if index < 0 or not tokens[index][1] & NUMERIC:
        return None
    numbers = [tokens[index]]
    if tokens[index][1] & FRAC:
        before = index - 1
        while before >= 0 and tokens[before][1] & VARIANT:
            before -= 1
        if before >= 0 and _is_integer_token(tokens[before]):
            numbers.insert(0, tokens[before])
            index = before
    return index, _operand_value(numbers)


def _right_operand(tokens: list[Token], x_at: int) -> tuple[int, int, str] | None:
    """The operand starting right after the ``x`` at ``x_at``: (start, end, value)."""
    n = len(tokens)
    start = _next_main_index(tokens, x_at + 1)
    if start >= n or not tokens[start][1] & NUMERIC:
        return None
    numbers = [tokens[start]]
    end = start + 1
    if _is_integer_token(tokens[start]):
        nxt = _next_main_index(tokens, end)
        if nxt < n and tokens[nxt][1] & FRAC:
            numbers.append(tokens[nxt])
            end = nxt + 1
    while end < n and tokens[end][1] & (VARIANT | UNIT) and tokens[end][0] != "x":
        end += 1
    return start, end, _operand_value(numbers)


def dimensions(tokens: list[Token]) -> list[Token]:
    """Mark dimension ``x`` tokens and add joined dimensions (``2x4``) after each operand.

    An operand is a number (or a whole number and a fraction) with its units; operands joined
    by ``x`` form a chain. Each adjacent pair gives ``AxB`` after B, and a chain of three
    gives ``AxBxC`` after C.
    """
    texts = [t for t, _ in tokens]
    if "x" not in texts:
        return tokens
    inserts: dict[int, list[str]] = {}
    dimx: list[int] = []
    chain: list[str] = []
    chained_from = -1  # start of the right operand of the previous dimension x
    x_at = texts.index("x")
    while True:
        if not tokens[x_at][1] & VARIANT:
            right = _right_operand(tokens, x_at)
            left = _left_operand(tokens, x_at) if right is not None else None
            if right is not None and left is not None:
                dimx.append(x_at)
                if left[0] != chained_from:
                    chain = [left[1]]
                chain.append(right[2])
                joined = inserts.setdefault(right[1], [])
                joined.append(f"{chain[-2]}x{chain[-1]}")
                if len(chain) == 3:
                    joined.append("x".join(chain))
                chained_from = right[0]
        try:
            x_at = texts.index("x", x_at + 1)
        except ValueError:
            break
    if not dimx:
        return tokens
    out = list(tokens)
    for index in dimx:
        out[index] = ("x", DIMX | UNIT)
    for index in sorted(inserts, reverse=True):
        out[index:index] = [(joined, NUM | VARIANT) for joined in inserts[index]]
    return out
