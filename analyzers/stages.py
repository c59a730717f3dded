"""The stage registry: every stage a profile may name, with its kind and its options.

A profile (``fields.PROFILES``) is a sequence of :class:`Stage` values; this module turns each
into the function that runs it. Kinds run in this order: ``text`` stages (``str -> str``),
exactly one ``tokenizer`` (``str -> tokens``), ``token`` stages (``tokens -> tokens``) and
at most one final ``emit`` stage (``tokens -> terms``). Without an emitter a profile's terms
are its token texts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from analyzers import emit, normalize, stemming, stopwords, tokenize, units

StageKind = Literal["text", "tokenizer", "token", "emit"]
Option = int | str


@dataclass(frozen=True, slots=True)
class Stage:
    """One named, configured analysis step (``stage("edge_ngrams", max_gram=20)``)."""

    name: str
    options: tuple[tuple[str, Option], ...] = ()

    def __str__(self) -> str:
        if not self.options:
            return self.name
        return f"{self.name}({', '.join(f'{k}={v!r}' for k, v in self.options)})"


def stage(name: str, **options: Option) -> Stage:
    """Declare a stage; options are sorted so that equal declarations compare equal."""
    if name not in REGISTRY:
        raise ValueError(f"unknown analysis stage {name!r}; known: {', '.join(sorted(REGISTRY))}")
    return Stage(name, tuple(sorted(options.items())))


Factory = Callable[[dict[str, Any], bool], Callable[[Any], Any]]


def _fixed(function: Callable[[Any], Any]) -> Factory:
    return lambda options, cache: function


REGISTRY: dict[str, tuple[StageKind, Factory]] = {
    "html_unescape": ("text", _fixed(normalize.html_unescape)),
    "nfkc": ("text", _fixed(normalize.nfkc)),
    "lowercase": ("text", _fixed(normalize.lowercase)),
    "ascii_fold": ("text", _fixed(normalize.ascii_fold)),
    "tokenize": ("tokenizer", lambda options, cache: tokenize.make_tokenizer(cache=cache)),
    "units": ("token", _fixed(units.units)),
    "dimensions": ("token", _fixed(units.dimensions)),
    "stopwords": ("token", _fixed(stopwords.remove_stopwords)),
    "drop_measure_variants": ("token", _fixed(emit.drop_measure_variants)),
    "snowball": ("token", lambda options, cache: stemming.make_snowball(cache=cache)),
    "wordnet_lemma": (
        "token",
        lambda options, cache: stemming.make_wordnet_lemmatizer(cache=cache),
    ),
    "shingles": ("emit", lambda options, cache: emit.make_shingles(**options)),
    "edge_ngrams": ("emit", lambda options, cache: emit.make_edge_ngrams(**options, cache=cache)),
}

_ORDER: dict[StageKind, int] = {"text": 0, "tokenizer": 1, "token": 2, "emit": 3}


def kind(stage_: Stage) -> StageKind:
    """The kind of a declared stage."""
    return REGISTRY[stage_.name][0]


def build(stage_: Stage, *, cache: bool) -> Callable[[Any], Any]:
    """The function that runs a declared stage."""
    return REGISTRY[stage_.name][1](dict(stage_.options), cache)


def validate(name: str, stages: tuple[Stage, ...]) -> None:
    """Refuse a profile whose stages are out of order (see the module docstring)."""
    kinds = [kind(s) for s in stages]
    if kinds.count("tokenizer") != 1 or kinds.count("emit") > 1:
        raise ValueError(f"profile {name!r} needs one tokenizer and at most one emit stage")
    if [_ORDER[k] for k in kinds] != sorted(_ORDER[k] for k in kinds):
        raise ValueError(f"profile {name!r}: stages must run text, tokenizer, token, emit")
