"""Test cases: named sets of sample input values for one prompt, kept on this computer (never on the server).

The rules live here: what a name may be, the name a new case or a copy gets, and the exchange file's shape.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

TEST_CASES_FORMAT = "prompt-studio-test-cases"
MAX_NAME_LENGTH = 80


class TestCase(BaseModel):
    """One named set of values, by input identifier (the values as the Try-it fields read them)."""

    __test__ = False  # not a pytest class, whatever imports it
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=MAX_NAME_LENGTH)
    values: dict[str, Any] = Field(default_factory=dict)

    @field_validator("name")
    @classmethod
    def _stripped(cls, name: str) -> str:
        return name.strip()


class TestCaseFile(BaseModel):
    """What Export writes and Import reads: one prompt's cases."""

    model_config = ConfigDict(extra="forbid")

    format: Literal["prompt-studio-test-cases"] = TEST_CASES_FORMAT
    format_version: Literal[1] = 1
    prompt: str | None = None
    """The handle the cases were written for; an import into another prompt is allowed (inputs may match)."""
    cases: list[TestCase]


def case_name_problem(name: str, taken: list[str]) -> str | None:
    """Why a test case cannot be called `name`, in plain words, or None."""
    name = name.strip()
    if not name:
        return "Give the test case a name."
    if len(name) > MAX_NAME_LENGTH:
        return f"Keep the name under {MAX_NAME_LENGTH} characters."
    if name in taken:
        return f"There is already a test case called '{name}'."
    return None


def free_case_name(wanted: str, taken: list[str]) -> str:
    """`wanted`, or `wanted 2`, `wanted 3`... the first that no case of the prompt has."""
    if wanted not in taken:
        return wanted
    number = 2
    while f"{wanted} {number}" in taken:
        number += 1
    return f"{wanted} {number}"


def with_imported(cases: list[TestCase], imported: list[TestCase]) -> list[TestCase]:
    """The prompt's cases and the imported ones after them; an imported name already taken gets a number."""
    result = list(cases)
    for case in imported:
        result.append(case.model_copy(update={"name": free_case_name(case.name, [item.name for item in result])}))
    return result
