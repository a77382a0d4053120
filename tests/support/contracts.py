"""The official OpenAPI contracts the tests check against, kept in tests/contracts/ (see its README.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

CONTRACTS = Path(__file__).resolve().parents[1] / "contracts"
"""tests/contracts/, found from this file so that the tests read nothing outside the repository."""

LANGWATCH = "langwatch-openapi-prompts.json"
ORKES = "orkes-openapi-prompts.json"


def contract_path(name: str) -> Path:
    """The path of a contract in tests/contracts/, e.g. `contract_path(LANGWATCH)`."""
    path = CONTRACTS / name
    if not path.is_file():
        raise FileNotFoundError(f"no OpenAPI contract {name!r} in {CONTRACTS} (see tests/contracts/README.md)")
    return path


def load_contract(name: str) -> dict[str, Any]:
    """The parsed JSON of a contract in tests/contracts/; a fresh copy on each call, free to change."""
    return json.loads(contract_path(name).read_text(encoding="utf-8"))
