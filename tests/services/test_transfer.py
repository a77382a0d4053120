"""Import of an all-versions bundle, Qt-free, over the real library: the versions of each prompt in order, the
prompts side by side, progress once per prompt, and a colleague's save between two of the import's versions kept
as a conflict on the import's last version, never written over."""

from __future__ import annotations

from prompt_studio.models import ConfigData, SyncRequest
from prompt_studio.models.bundle import ALL_VERSIONS, Bundle, BundledPrompt, BundledVersion
from prompt_studio.services.backends import LocalLibraryBackend
from prompt_studio.services.prompts import PromptService
from prompt_studio.services.transfer import import_bundle
from prompt_studio.store import PromptLibrary


def _content(text: str) -> ConfigData:
    return ConfigData.model_validate({"prompt": text, "model": "openai/gpt-5",
                                      "outputs": [{"identifier": "output", "type": "str"}]})


def _three_versions(handle: str) -> BundledPrompt:
    earlier = [BundledVersion(version=number, config_data=_content(f"{handle} v{number}"),
                              commit_message=f"step {number}") for number in (1, 2)]
    return BundledPrompt(handle=handle, config_data=_content(f"{handle} v3"), commit_message="step 3",
                         earlier_versions=earlier)


class ColleagueSavesFirst(LocalLibraryBackend):
    """The library, where a colleague saves `handle` just before the import's second version arrives."""

    def __init__(self, library: PromptLibrary, handle: str):
        super().__init__(library)
        self.handle = handle

    async def sync_prompt(self, id_or_handle: str, request: SyncRequest):
        if id_or_handle == self.handle and request.local_version == 1:
            self.handle = ""
            await super().sync_prompt(id_or_handle, SyncRequest(config_data=_content("A colleague's words."),
                                                                local_version=1, commit_message="colleague"))
        return await super().sync_prompt(id_or_handle, request)


async def test_versions_in_order_and_a_save_in_between_is_a_conflict_on_the_import_s_last_version(tmp_path):
    library = PromptLibrary(tmp_path / "library.sqlite3", seed_examples=False)
    service = PromptService(ColleagueSavesFirst(library, "team/b"))
    bundle = Bundle(format_version=ALL_VERSIONS, prompts=[_three_versions("team/a"), _three_versions("team/b"),
                                                          BundledPrompt(handle="team/c", config_data=_content("c"))])
    answered: list[str] = []
    summary = await import_bundle(service, bundle, "Imported", on_answered=answered.append)

    assert summary.created == ["team/a", "team/c"] and summary.conflicts == ["team/b"]
    assert sorted(answered) == ["team/a", "team/b", "team/c"], "once per prompt, not once per version"
    history = list(reversed(await service.history("team/a")))
    assert [(version.version, version.prompt, version.commit_message) for version in history] == [
        (1, "team/a v1", "step 1"), (2, "team/a v2", "step 2"), (3, "team/a v3", "step 3")]
    assert [version.prompt for version in await service.history("team/b")] == ["A colleague's words.", "team/b v1"]
    pending = summary.pending["team/b"]
    assert pending.base_version == 1 and pending.config["prompt"] == "team/b v3", "the bundle's newest, on v1"
    assert pending.pending_conflict.remote_version == 2
    await service.backend.aclose()
