"""Base classes shared by every wire model.

Two spellings live on the wire: the prompt response and the create/update bodies are camelCase, the sync
`configData` is snake_case (with the one exception `thinkingLevel`). Both keep unknown keys, because dropping a
field that a newer server added would lose the user's data on the next save.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel


class WireModel(BaseModel):
    """A snake_case wire object that keeps unknown keys and sends back only what was set."""

    model_config = ConfigDict(
        extra="allow",
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        populate_by_name=True,
    )

    def to_wire(self) -> dict[str, Any]:
        """The JSON-ready dict of the fields that were set, with unknown keys kept as they came.

        A top-level `None` means "not set" and is left out: the wire has no null for an optional parameter, and
        sending one would make a server see a difference where there is none.
        """
        dumped = self.model_dump(mode="json", by_alias=True, exclude_unset=True)
        return {key: value for key, value in dumped.items() if value is not None}


class CamelWireModel(WireModel):
    """A camelCase wire object (prompt responses, create and update bodies)."""

    model_config = ConfigDict(alias_generator=to_camel)
