"""Orkes Conductor prompt templates behind the same `PromptBackend` interface as a LangWatch server.

Each template is shown as a LangWatch-shaped `Prompt` and `configData` (`models.orkes.config_of_template`), so the
window, the drafts and the merge dialog work unchanged: the template is `prompt`, the first integration is `model`
(`NO_MODEL` when there is none), and what only Orkes has (`description`, every integration, and the newer
`temperature`, `topP`, `responseFormat`, `stopWords`) travels as keys of the config, so it survives a draft, a merge
and a save. Orkes has no sync route: `sync_prompt` follows the safe recipe of docs/orkes-api.md through
`save_safely`, so a save can only add a version, never overwrite one.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from prompt_studio.api.orkes import OrkesClient, OrkesSaveReport, OrkesSaveVerdict, list_versions_if_any, save_safely
from prompt_studio.models import (
    ConfigData,
    ConflictInfo,
    CreatePromptBody,
    Prompt,
    PromptTag,
    SyncRequest,
    SyncResult,
    TagAssignment,
    TagDefinition,
    UpdatePromptBody,
)
from prompt_studio.models.errors import ConflictError, NotFoundError, ValidationFailedError
from prompt_studio.models.orkes import (
    ORKES_ONLY_KEYS,
    PLACEHOLDER_OUTPUTS,
    OrkesPromptTemplate,
    OrkesTag,
    config_of_template,
    orkes_models,
    template_as_stored,
)
from prompt_studio.services.backends import Capabilities

log = logging.getLogger(__name__)

ORKES_CONTENT_NOTE = (
    "An Orkes prompt holds one template (use ${name} for variables), a description and the models it may run on. "
    "Messages, inputs, outputs and most model settings are LangWatch features that Orkes does not keep."
)
ORKES_CAPABILITIES = Capabilities(
    content_by_sync=False,
    version_tags=False,
    key_value_tags=True,
    test_prompt=True,
    prompt_shape="orkes",
    content_note=ORKES_CONTENT_NOTE,
)
DEFAULT_NEW_MODEL = "openai:gpt-4o"
"""The model of a new prompt when no prompt on the server names one yet."""



def _iso(epoch_ms: int | None) -> str:
    if epoch_ms is None:
        return ""
    return datetime.fromtimestamp(epoch_ms / 1000, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def version_id_of(name: str, version: int) -> str:
    """A version's id, which Orkes does not have: the name and the number, so a restore can find it again."""
    return f"{name}@{version}"


def _version_from_id(version_id: str) -> int:
    _, _, number = version_id.rpartition("@")
    if not number.isdigit():
        raise NotFoundError(f"'{version_id}' is not a version of an Orkes prompt")
    return int(number)


def tag_label(tag: OrkesTag) -> str:
    return f"{tag.key}:{tag.value}"


def models_of_config(config: ConfigData) -> list[str]:
    """Every integration to save: the model first (the one a test runs on), then the others, each once; none
    for a content without a model."""
    return orkes_models(config.model, (config.model_extra or {}).get("integrations"))


def description_of_config(config: ConfigData) -> str:
    return str((config.model_extra or {}).get("description") or "")


def _same_content(template: OrkesPromptTemplate, text: str, description: str, models: Sequence[str]) -> bool:
    """Whether saving would add nothing: the stored text, description and models are already these."""
    return (
        template.template == template_as_stored(text)
        and (template.description or "") == description
        and list(template.integrations) == list(models)
    )


class OrkesBackend:
    """One Orkes server's prompt templates as LangWatch-shaped prompts.

    Orkes' only change markers are `version` and `updateTime`, and a draft remembers only the version: the
    backend remembers the `updateTime` of every version it has shown, so a colleague's rewrite of that version in
    place (a PUT) is still caught at the next save. A version it never saw (a draft from an earlier run) is read
    from the server at save time.
    """

    capabilities = ORKES_CAPABILITIES

    def __init__(self, client: OrkesClient):
        self.client = client
        self._update_times: dict[tuple[str, int], int | None] = {}
        self._deleted: set[str] = set()
        """Names whose save found them deleted: the next save of the same draft recreates them."""
        self._known_model: str | None = None

    # --- conversion ----------------------------------------------------------------------------------------

    def _remember(self, template: OrkesPromptTemplate) -> None:
        self._update_times[(template.name, template.version)] = template.update_time
        if template.integrations and self._known_model is None:
            self._known_model = template.integrations[0]

    def _as_prompt(self, template: OrkesPromptTemplate, *, with_tags: bool = True) -> Prompt:
        self._remember(template)
        config = config_of_template(template)
        version_id = version_id_of(template.name, template.version)
        stamp = template.update_time or template.create_time
        extra = {key: value for key, value in (config.model_extra or {}).items() if key in ORKES_ONLY_KEYS}
        return Prompt.model_validate({
            "id": template.name,
            "handle": template.name,
            "scope": "PROJECT",
            "name": template.name,
            "updatedAt": _iso(stamp),
            "projectId": "",
            "organizationId": "",
            "versionId": version_id,
            "authorId": template.updated_by or template.created_by,
            "version": template.version,
            "createdAt": _iso(stamp),
            "prompt": template.template,
            "outputs": PLACEHOLDER_OUTPUTS,
            "model": config.model,
            "temperature": template.temperature,
            "topP": template.top_p,
            "tags": [
                PromptTag(name=tag_label(tag), version_id=version_id).to_wire() for tag in template.tags
            ] if with_tags else [],
            **extra,
        })

    def _conflict(self, base_version: int | None, theirs: OrkesPromptTemplate, note: str) -> SyncResult:
        self._remember(theirs)
        return SyncResult(
            action="conflict",
            conflict_info=ConflictInfo(
                local_version=base_version,
                remote_version=theirs.version,
                differences=[note],
                remote_config_data=config_of_template(theirs),
            ),
        )

    # --- reading -------------------------------------------------------------------------------------------

    async def list_prompts(self) -> list[Prompt]:
        return [self._as_prompt(template) for template in await self.client.list_prompts()]

    async def get_prompt(self, id_or_handle: str, *, version: int | None = None, tag: str | None = None) -> Prompt:
        if tag is not None:
            raise NotFoundError("Orkes prompts have no version tags; open a version by its number")
        return self._as_prompt(await self.client.get_prompt(id_or_handle, version))

    async def list_versions(self, id_or_handle: str) -> list[Prompt]:
        """Newest first, as the history shows them; tags belong to the name, so no version carries them."""
        versions = await self.client.list_versions(id_or_handle)
        ordered = sorted(versions, key=lambda template: template.version, reverse=True)
        return [self._as_prompt(template, with_tags=False) for template in ordered]

    # --- saving --------------------------------------------------------------------------------------------

    async def sync_prompt(self, id_or_handle: str, request: SyncRequest) -> SyncResult:
        """The safe save: check, add a version with `POST ?autoIncrement=true`, check again.

        Without a base version it behaves like LangWatch's sync: a prompt that exists answers `conflict` with
        its full newest content (nothing is written), one that does not is created.
        """
        name = id_or_handle
        config = request.config_data
        text, description, models = config.prompt, description_of_config(config), models_of_config(config)
        base = request.local_version
        before = await list_versions_if_any(self.client, name)
        if name in self._deleted and not before:
            base = None
        if before:
            newest = max(before, key=lambda template: template.version)
            if base is None:
                return self._conflict(None, newest, "The prompt already exists on the server.")
            base_time = self._base_update_time(name, base, before)
            if (newest.version, newest.update_time) == (base, base_time) and _same_content(
                newest, text, description, models
            ):
                return SyncResult(action="up_to_date", prompt=self._as_prompt(newest))
        elif base is not None:
            self._deleted.add(name)
            raise NotFoundError(
                f"'{name}' was deleted on the Orkes server by someone else. Your draft is kept: save again to "
                "recreate the prompt from it as version 1."
            )
        else:
            base_time = None
        result = await save_safely(
            self.client, name, text, description=description, models=models,
            base_version=base, base_update_time=base_time if base is not None else None, versions_before=before,
        )
        return self._sync_result(name, base, result)

    def _base_update_time(self, name: str, base: int, versions: Sequence[OrkesPromptTemplate]) -> int | None:
        if (name, base) in self._update_times:
            return self._update_times[(name, base)]
        on_server = next((template for template in versions if template.version == base), None)
        return on_server.update_time if on_server is not None else None

    def _sync_result(self, name: str, base: int | None, result: OrkesSaveReport) -> SyncResult:
        latest = result.latest
        if result.outcome is OrkesSaveVerdict.SAVED and latest is not None:
            self._deleted.discard(name)
            return SyncResult(action="created" if base is None else "updated", prompt=self._as_prompt(latest))
        if result.outcome is OrkesSaveVerdict.CONFLICT and latest is not None:
            return self._conflict(base, latest, f"Someone saved v{latest.version} while you were editing.")
        if result.outcome is OrkesSaveVerdict.CROSSED and latest is not None:
            log.info("saves of %s crossed: versions %s were written meanwhile", name, result.new_versions)
            return self._conflict(
                base, latest,
                f"Your save and a colleague's crossed: both are kept as versions ({_listed(result.new_versions)}). "
                "Merge them to make one newest version.",
            )
        self._deleted.add(name)
        raise NotFoundError(
            f"'{name}' was deleted on the Orkes server while saving. Your draft is kept: save again to recreate it."
        )

    async def create_prompt(self, body: CreatePromptBody) -> Prompt:
        """The first version; a LangWatch `provider/model` name becomes an Orkes model this server knows."""
        model = body.model if body.model and ":" in body.model else (self._known_model or DEFAULT_NEW_MODEL)
        result = await save_safely(
            self.client, body.handle, body.prompt or "", description="", models=[model],
            base_version=None, base_update_time=None,
        )
        if result.outcome is OrkesSaveVerdict.CONFLICT:
            raise ConflictError(f"A prompt named '{body.handle}' already exists on the Orkes server")
        return self._as_prompt(await self.client.get_prompt(body.handle))

    async def update_prompt(self, id_or_handle: str, body: UpdatePromptBody) -> Prompt:
        raise ValidationFailedError("Orkes prompts are saved through the safe save only")

    async def restore_version(self, id_or_handle: str, version_id: str) -> Prompt:
        """Save an old version's template, description and models again as the newest version."""
        name = id_or_handle
        old = await self.client.get_prompt(name, _version_from_id(version_id))
        versions = await self.client.list_versions(name)
        newest = max(versions, key=lambda template: template.version)
        result = await save_safely(
            self.client, name, old.template, description=old.description or "", models=old.integrations,
            base_version=newest.version, base_update_time=newest.update_time, versions_before=versions,
        )
        if result.outcome is OrkesSaveVerdict.CONFLICT:
            raise ConflictError(f"Someone saved '{name}' just now; look at the newest version and restore again")
        if result.outcome is OrkesSaveVerdict.DELETED:
            raise NotFoundError(f"'{name}' was deleted on the Orkes server")
        restored = result.our_version or (result.latest.version if result.latest else None)
        return self._as_prompt(await self.client.get_prompt(name, restored))

    async def delete_prompt(self, id_or_handle: str) -> None:
        await self.client.delete_prompt(id_or_handle)

    # --- tags: key/value pairs of the name ---------------------------------------------------------------------

    async def assign_tag(self, id_or_handle: str, tag: str, version_id: str) -> TagAssignment:
        raise ValidationFailedError("Orkes tags belong to the prompt, not to a version; edit them in Tags")

    async def list_tags(self) -> list[TagDefinition]:
        return []

    async def create_tag(self, name: str) -> TagDefinition:
        raise ValidationFailedError("Orkes has no version tags; add a key:value tag to the prompt instead")

    async def rename_tag(self, name: str, new_name: str) -> TagDefinition:
        raise ValidationFailedError("Orkes has no version tags to rename")

    async def delete_tag(self, name: str) -> None:
        raise ValidationFailedError("Orkes has no version tags to delete")

    async def key_value_tags(self, name: str) -> list[tuple[str, str]]:
        return [(tag.key, tag.value) for tag in await self.client.get_tags(name)]

    async def change_key_value_tags(
        self, name: str, *, add: Sequence[tuple[str, str]] = (), remove: Sequence[tuple[str, str]] = ()
    ) -> list[tuple[str, str]]:
        """Remove, then add key/value pairs; answers the prompt's tags as the server has them afterwards."""
        if remove:
            await self.client.remove_tags(name, [OrkesTag(key=key, value=value) for key, value in remove])
        if add:
            await self.client.add_tags(name, [OrkesTag(key=key, value=value) for key, value in add])
        return await self.key_value_tags(name)

    # --- trying a prompt -----------------------------------------------------------------------------------

    async def test_prompt(self, config: dict[str, Any], variables: dict[str, str]) -> str:
        """The model's answer to the template with `variables` filled in, on the first model of the prompt."""
        model = str(config.get("model") or "")
        provider, separator, model_name = model.partition(":")
        if not separator or not provider or not model_name:
            raise ValidationFailedError("Choose a model of the form integrationName:modelName to test the prompt")
        return await self.client.test_prompt(
            provider, model_name, str(config.get("prompt") or ""), variables,
            temperature=config.get("temperature"), top_p=config.get("top_p"), stop_words=config.get("stop_words"),
        )

    async def aclose(self) -> None:
        await self.client.aclose()


def _listed(versions: Sequence[int]) -> str:
    return ", ".join(f"v{version}" for version in versions) or "see the history"
