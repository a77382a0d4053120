"""The test cases of one connection's prompts, on disk: one JSON file per connection, written atomically.

A file that cannot be read is set aside (renamed, never deleted) and the prompts start without cases, so a bad
file loses nothing and stops nothing. Reads and writes are synchronous: the window runs them in worker threads.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from urllib.parse import quote

from pydantic import TypeAdapter, ValidationError

from prompt_studio.models.errors import ValidationFailedError
from prompt_studio.models.problems import dotted_path, first_problem
from prompt_studio.models.test_cases import TestCase, TestCaseFile
from prompt_studio.paths import write_private_file

log = logging.getLogger(__name__)

_BOOK = TypeAdapter(dict[str, list[TestCase]])


class TestCaseStore:
    """Every prompt's test cases of one connection, by handle."""

    __test__ = False

    def __init__(self, root: Path, connection_id: str):
        self.path = root / f"{quote(connection_id, safe='')}.json"

    def load(self) -> dict[str, list[TestCase]]:
        try:
            return _BOOK.validate_json(self.path.read_bytes())
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as error:
            aside = self.path.with_name(self.path.name + ".unreadable")
            log.warning("the test cases in %s cannot be read (%s); set aside as %s", self.path, error, aside.name)
            os.replace(self.path, aside)
            return {}

    def save(self, book: dict[str, list[TestCase]]) -> None:
        kept = {handle: cases for handle, cases in book.items() if cases}
        write_private_file(self.path, _BOOK.dump_json(kept, indent=1))


def exported_cases(handle: str, cases: list[TestCase]) -> bytes:
    return TestCaseFile(prompt=handle, cases=cases).model_dump_json(indent=2).encode() + b"\n"


def imported_cases(data: bytes, source: str) -> list[TestCase]:
    """The cases of an exported file, or a plain error that names the file and what is wrong with it."""
    try:
        parsed = json.loads(data)
    except (ValueError, UnicodeDecodeError) as error:
        raise ValidationFailedError(f"{source} is not a test cases file: it is not JSON ({error}).") from None
    try:
        return TestCaseFile.model_validate(parsed).cases
    except ValidationError as error:
        problem = first_problem(error)
        raise ValidationFailedError(f"{source} is not a test cases file Prompt Studio can read: "
                                    f"{problem.about(dotted_path(problem.location) or 'the file')}.") from None
