"""What the synonym routes share: a rule as the request gives it, a refusal naming its field, and
the rules in force beside the same rules with a draft added (for previews).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import HTTPException
from pydantic import BaseModel, ConfigDict, Field

from catalog.synonyms import (
    MAX_TERM_LENGTH,
    MAX_TERMS,
    Rule,
    SynonymError,
    SynonymSet,
    list_rules,
    validate,
)
from search_api.deps import EngineDep
from search_api.params import PRINTABLE

Terms = Annotated[
    list[Annotated[str, Field(max_length=MAX_TERM_LENGTH)]], Field(max_length=MAX_TERMS)
]


class SynonymBody(BaseModel):
    """An equivalent set (`terms`) or a one-way rule (`input` => `output`), optionally scoped."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"terms": ["sofa", "couch"]},
                {"input": ["laptop"], "output": ["notebook computer"]},
                {"terms": ["tv", "television"], "category": "Electronics"},
            ]
        },
    )

    terms: Terms | None = None
    input: Terms | None = None
    output: Terms | None = None
    category: Annotated[str | None, Field(max_length=500, pattern=PRINTABLE)] = None

    def rule(self) -> Rule:
        if self.terms is not None:
            if self.input is not None or self.output is not None:
                raise SynonymError("terms", "give terms (equivalent) or input and output, not both")
            return Rule("equivalent", tuple(self.terms), (), self.category)
        if self.input is None:
            raise SynonymError("terms", "give terms (equivalent) or input and output (one-way)")
        if self.output is None:
            raise SynonymError("output", "a one-way rule needs output")
        return Rule("one_way", tuple(self.input), tuple(self.output), self.category)


def refused(exc: SynonymError, where: str = "body") -> HTTPException:
    return HTTPException(422, detail=[{"loc": [where, exc.field], "msg": exc.message}])


def draft_rules(engine: EngineDep, draft: Rule) -> tuple[SynonymSet, SynonymSet]:
    """The rules in force, and the same with the draft added (validated as if it were)."""
    with engine.connect() as conn:
        rules = list_rules(conn)
    validate(draft, rules)
    return SynonymSet(rules), SynonymSet([*rules, draft])
