"""Runs profiles: compiles each declared stage once and shares work between profiles.

Analyzing one text for several profiles (the index builder wants ``stemmed``, ``exact``,
``shingles`` and ``prefixes`` of each title) runs each common prefix of stages once: the
four default profiles share their first eight stages. Caches (chunk parses, stems,
n-grams) belong to an :class:`Analyzer`, so a benchmark can compare with and without them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from analyzers.fields import PROFILES
from analyzers.stages import Stage, build, kind, validate
from analyzers.tokens import Token

# One step of a compiled profile: (id of the stage prefix ending here, function).
_Step = tuple[int, Callable[[Any], Any]]


class Analyzer:
    """Compiled analysis profiles. Pure given its input; caches only memoize."""

    def __init__(
        self, profiles: Mapping[str, tuple[Stage, ...]] = PROFILES, *, cache: bool = True
    ) -> None:
        self.cache = cache
        functions: dict[Stage, Callable[[Any], Any]] = {}
        prefix_ids: dict[tuple[Stage, ...], int] = {}
        self._plans: dict[str, tuple[_Step, ...]] = {}
        self._token_plans: dict[str, tuple[_Step, ...]] = {}
        self._emits: dict[str, bool] = {}
        for name, stages in profiles.items():
            validate(name, stages)
            steps: list[_Step] = []
            for index, declared in enumerate(stages):
                if declared not in functions:
                    functions[declared] = build(declared, cache=cache)
                prefix_id = prefix_ids.setdefault(stages[: index + 1], len(prefix_ids))
                steps.append((prefix_id, functions[declared]))
            emits = kind(stages[-1]) == "emit"
            self._plans[name] = tuple(steps)
            self._token_plans[name] = tuple(steps[:-1] if emits else steps)
            self._emits[name] = emits

    @property
    def profiles(self) -> tuple[str, ...]:
        """The profile names this analyzer knows."""
        return tuple(self._plans)

    def _plan(self, plans: dict[str, tuple[_Step, ...]], profile: str) -> tuple[_Step, ...]:
        try:
            return plans[profile]
        except KeyError:
            known = ", ".join(self._plans)
            raise ValueError(f"unknown analysis profile {profile!r}; known: {known}") from None

    @staticmethod
    def _run(text: str, plan: tuple[_Step, ...], memo: dict[int, Any]) -> Any:
        value: Any = text
        for prefix_id, function in plan:
            cached = memo.get(prefix_id)
            if cached is None:
                cached = memo[prefix_id] = function(value)
            value = cached
        return value

    def analyze(self, text: str, profile: str) -> list[str]:
        """The terms of ``text`` for ``profile``."""
        value: Any = text
        for _, function in self._plan(self._plans, profile):
            value = function(value)
        return value if self._emits[profile] else [t for t, _ in value]

    def analyze_many(self, text: str, profiles: Iterable[str]) -> dict[str, list[str]]:
        """The terms of ``text`` for each profile, running shared stages once."""
        memo: dict[int, Any] = {}
        result: dict[str, list[str]] = {}
        for profile in profiles:
            value = self._run(text, self._plan(self._plans, profile), memo)
            result[profile] = value if self._emits[profile] else [t for t, _ in value]
        return result

    def tokens_many(self, text: str, profiles: Iterable[str]) -> dict[str, list[Token]]:
        """The token streams (with flags) of ``text`` before each profile's emit stage."""
        memo: dict[int, Any] = {}
        return {
            profile: self._run(text, self._plan(self._token_plans, profile), memo)
            for profile in profiles
        }

    def emit(self, tokens: list[Token], profile: str) -> list[str]:
        """Apply ``profile``'s final emit stage to a token stream from :meth:`tokens_many`."""
        plan = self._plan(self._plans, profile)
        return plan[-1][1](tokens) if self._emits[profile] else [t for t, _ in tokens]
