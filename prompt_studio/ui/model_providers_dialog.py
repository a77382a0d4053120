"""Model providers (File > Model providers): which `provider/` prefixes Try it knows, where each one is, its key
(kept in the secret store, never shown), and a Test that lists the provider's models.

Nothing is written until Save: then the settings file and the keys are written off the Qt thread, and
`sig_saved` hands the window the new settings (to reconfigure its runner).
"""

from __future__ import annotations

import asyncio
import ipaddress
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import ValidationError
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from prompt_studio.models.problems import first_problem
from prompt_studio.providers import BUILT_IN, ProviderSettings, ProvidersSettings, RunError, Runner, key_id
from prompt_studio.providers import save_settings as write_settings
from prompt_studio.services.secrets import SecretStore
from prompt_studio.ui.editor.widgets import named_line
from prompt_studio.ui.table_model import FlatTableModel
from prompt_studio.ui.tasks import TaskRunner, plain_message, wait_for_dialog

RunnerFactory = Callable[[ProvidersSettings, Any], Runner]
"""(settings, secrets) -> a Runner; `Runner` itself unless a test wants another."""

PREFIX_PATTERN = re.compile(r"^[a-z0-9_-]+$")
MODELS_SHOWN = 5
"""How many model names a successful Test shows."""
_BUILT_IN_PREFIXES = frozenset(provider.prefix for provider in BUILT_IN)
_PACKAGE_KEY_VARIABLES = {"openai": "OPENAI_API_KEY", "anthropic": "ANTHROPIC_API_KEY",
                          "azure": "AZURE_OPENAI_API_KEY"}
"""The variable the `openai` / `anthropic` package reads itself when no key is given."""
_FORGET = None
"""A pending key of None: the kept key is deleted on Save."""


def key_variable(provider: ProviderSettings) -> str | None:
    """The environment variable a provider's key comes from when none is kept."""
    return provider.key_env or _PACKAGE_KEY_VARIABLES.get(provider.kind)


def is_local_address(url: str) -> bool:
    """A server on this computer (Ollama, LM Studio, vLLM) usually needs no key."""
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def prefix_problem(prefix: str, configured: set[str]) -> str | None:
    """Why `prefix` cannot be added, in plain words; None when it can."""
    if not prefix:
        return "Enter a prefix, for example ollama."
    if not PREFIX_PATTERN.match(prefix):
        return "A prefix uses only lowercase letters, digits, '-' and '_'."
    if prefix in configured:
        return f"There is already a provider {prefix}/. Select it in the list to change it."
    return None


class ProvidersTableModel(FlatTableModel):
    """The providers, one row each: prefix, name, base URL and whether a key is kept (never the key)."""

    COLUMNS = ("Prefix", "Name", "Base URL", "Key")

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._rows: list[ProviderSettings] = []
        self._key_words: Callable[[ProviderSettings], str] = lambda _provider: ""

    def set_rows(self, rows: list[ProviderSettings], key_words: Callable[[ProviderSettings], str]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._key_words = key_words
        self.endResetModel()

    def replace_row(self, row: int, provider: ProviderSettings) -> None:
        self._rows[row] = provider
        self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))

    def refresh(self) -> None:
        """The key column changed (keys read, a key typed)."""
        if self._rows:
            self.dataChanged.emit(self.index(0, 3), self.index(len(self._rows) - 1, 3))

    def provider(self, row: int) -> ProviderSettings:
        return self._rows[row]

    def row_of(self, prefix: str) -> int:
        return next((row for row, provider in enumerate(self._rows) if provider.prefix == prefix), -1)

    def shown_rows(self) -> int:
        return len(self._rows)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return None
        provider = self._rows[index.row()]
        column = index.column()
        if column == 0:
            return f"{provider.prefix}/"
        if column == 1:
            return provider.label
        if column == 2:
            return provider.base_url or "(the package's default)"
        if column == 3:
            return self._key_words(provider)
        return None


class ModelProvidersDialog(QDialog):
    """The providers and their keys; Save writes them, Cancel forgets every change."""

    sig_saved = Signal(object)
    """The settings file and the keys were written: the new `ProvidersSettings`."""

    def __init__(self, parent: QWidget | None, settings: ProvidersSettings, secrets: SecretStore, *,
                 settings_path: Path, runner_factory: RunnerFactory = Runner):
        super().__init__(parent)
        self.setObjectName("modelProvidersDialog")
        self.setAccessibleName("Model providers")
        self.setWindowTitle("Model providers")
        self._settings = settings
        self._secrets = secrets
        self._settings_path = settings_path
        self._runner_factory = runner_factory
        self._order = [provider.prefix for provider in settings.all()]
        self._kept: dict[str, bool] | None = None
        """Which prefixes have a key in the secret store; None until read (off the Qt thread)."""
        self._pending_keys: dict[str, str | None] = {}
        self._removed: set[str] = set()
        self._loading_form = False
        self.tasks = TaskRunner(self)

        # widgets
        self.providers_model = ProvidersTableModel(self)
        self.providers_view = QTableView()
        self.providers_view.setObjectName("providersList")
        self.providers_view.setAccessibleName("Model providers")
        self.providers_view.setModel(self.providers_model)
        self.providers_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.providers_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.providers_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.providers_view.verticalHeader().setVisible(False)
        self.providers_view.setWordWrap(False)
        self.providers_view.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        header = self.providers_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)

        self.remove_button = self._button("removeProviderButton", "Remove", "Remove the selected provider")
        self.new_prefix_edit = named_line("newProviderPrefix", "New prefix", "ollama")
        self.new_url_edit = named_line("newProviderBaseUrl", "New provider's base URL", "http://localhost:11434/v1")
        self.add_button = self._button("addProviderButton", "Add", "Add an OpenAI-compatible provider")
        self.add_problem_label = self._label("addProviderProblem", "Why the provider cannot be added")

        self.title_label = self._label("providerTitle", "Selected provider")
        self.name_edit = named_line("providerName", "Name", "the name you know it by")
        self.url_edit = named_line("providerBaseUrl", "Base URL", "")
        self.api_version_edit = named_line("providerApiVersion", "API version", "2024-10-21")
        self.form_problem_label = self._label("providerProblem", "Problem with the provider's settings")
        self.key_edit = named_line("providerKey", "API key", "")
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.key_note = self._label("providerKeyNote", "Where the key comes from")
        self.forget_key_button = self._button("forgetKeyButton", "Forget the key", "Forget the kept key")
        self.test_button = self._button("testProviderButton", "Test", "Test the provider: list its models")
        self.test_result = self._label("providerTestResult", "Test result")
        self.status_label = self._label("providersStatus", "Status")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.setObjectName("providersButtons")
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("saveProvidersButton")
        self.save_button.setAccessibleName("Save")
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setObjectName("cancelProvidersButton")
        cancel.setAccessibleName("Cancel")

        # layout
        add_box = QGroupBox("Add an OpenAI-compatible server")
        add_box.setObjectName("addProviderBox")
        add_box.setAccessibleName("Add an OpenAI-compatible server")
        add_form = QFormLayout(add_box)
        add_form.addRow("Prefix", self.new_prefix_edit)
        add_form.addRow("Base URL", self.new_url_edit)
        add_row = QHBoxLayout()
        add_row.addWidget(self.add_problem_label, 1)
        add_row.addWidget(self.add_button)
        add_form.addRow(add_row)
        left = QVBoxLayout()
        left.addWidget(self.providers_view, 1)
        remove_row = QHBoxLayout()
        remove_row.addStretch(1)
        remove_row.addWidget(self.remove_button)
        left.addLayout(remove_row)
        left.addWidget(add_box)

        self.form = QFormLayout()
        self.form.addRow(self.title_label)
        self.form.addRow("Name", self.name_edit)
        self.form.addRow("Base URL", self.url_edit)
        self.form.addRow("API version", self.api_version_edit)
        self.form.addRow(self.form_problem_label)
        self.form.addRow("API key", self.key_edit)
        self.form.addRow(self.key_note)
        key_buttons = QHBoxLayout()
        key_buttons.addWidget(self.forget_key_button)
        key_buttons.addStretch(1)
        key_buttons.addWidget(self.test_button)
        self.form.addRow(key_buttons)
        self.form.addRow(self.test_result)
        right_box = QGroupBox("Selected provider")
        right_box.setObjectName("providerDetails")
        right_box.setAccessibleName("Selected provider")
        right_box.setLayout(self.form)
        columns = QHBoxLayout()
        columns.addLayout(left, 3)
        columns.addWidget(right_box, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(columns, 1)
        layout.addWidget(self.status_label)
        layout.addWidget(self.buttons)

        # signals
        self.providers_view.selectionModel().currentRowChanged.connect(self._on_providers_view_current_row_changed)
        self.name_edit.textChanged.connect(self._on_form_edited)
        self.url_edit.textChanged.connect(self._on_form_edited)
        self.api_version_edit.textChanged.connect(self._on_form_edited)
        self.key_edit.textChanged.connect(self._on_key_edit_text_changed)
        self.forget_key_button.clicked.connect(self._on_forget_key_button_clicked)
        self.test_button.clicked.connect(self._on_test_button_clicked)
        self.add_button.clicked.connect(self._on_add_button_clicked)
        self.new_prefix_edit.returnPressed.connect(self._on_add_button_clicked)
        self.new_url_edit.returnPressed.connect(self._on_add_button_clicked)
        self.new_prefix_edit.textChanged.connect(lambda _text: self.add_problem_label.clear())
        self.remove_button.clicked.connect(self._on_remove_button_clicked)
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        self.tasks.sig_failed.connect(self._on_tasks_failed)

        self._show_rows(select=self._order[0] if self._order else None)
        self.resize(980, 560)
        self.tasks.run("keys", "Reading the kept keys", self._read_kept_keys())

    # building blocks ----------------------------------------------------------------------------------------

    def _button(self, object_name: str, text: str, accessible_name: str) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(object_name)
        button.setAccessibleName(accessible_name)
        button.setAutoDefault(False)
        return button

    def _label(self, object_name: str, accessible_name: str) -> QLabel:
        label = QLabel()
        label.setObjectName(object_name)
        label.setAccessibleName(accessible_name)
        label.setWordWrap(True)
        return label

    # state ----------------------------------------------------------------------------------------------------

    @property
    def settings(self) -> ProvidersSettings:
        """The settings as edited so far (what Save writes)."""
        return self._settings

    @property
    def keys_read(self) -> bool:
        return self._kept is not None

    def _rows(self) -> list[ProviderSettings]:
        return [provider for prefix in self._order if (provider := self._settings.find(prefix)) is not None]

    def _configured(self) -> set[str]:
        return {provider.prefix for provider in self._settings.providers}

    def _selected(self) -> ProviderSettings | None:
        row = self.providers_view.currentIndex().row()
        return self.providers_model.provider(row) if row >= 0 else None

    def _has_key(self, prefix: str) -> bool:
        pending = self._pending_keys.get(prefix, "")
        if prefix in self._pending_keys:
            return pending is not _FORGET
        return bool(self._kept and self._kept.get(prefix))

    def _key_column(self, provider: ProviderSettings) -> str:
        prefix = provider.prefix
        if prefix in self._pending_keys:
            return "New key (not saved)" if self._pending_keys[prefix] is not _FORGET else "Forgotten on Save"
        if self._kept is None:
            return "…"
        if self._kept.get(prefix):
            return "Kept"
        variable = key_variable(provider)
        if variable and os.environ.get(variable):
            return f"From {variable}"
        return "Not needed" if not provider.needs_key else "None"

    def _key_note(self, provider: ProviderSettings) -> str:
        prefix = provider.prefix
        variable = key_variable(provider)
        if prefix in self._pending_keys:
            if self._pending_keys[prefix] is not _FORGET:
                return f"Kept in {self._secrets.where} when you save."
            return "The kept key will be forgotten when you save."
        if self._kept is None:
            return "Looking for a kept key…"
        if self._kept.get(prefix):
            return f"Kept in {self._secrets.where}. Type a new key to replace it."
        if variable and os.environ.get(variable):
            return f"Using the environment variable {variable}"
        if not provider.needs_key:
            return "No key needed (local server)"
        if variable:
            return f"No key yet: type one here, or set the environment variable {variable}."
        return "No key yet: type one here."

    def _show_rows(self, select: str | None) -> None:
        self.providers_model.set_rows(self._rows(), self._key_column)
        row = self.providers_model.row_of(select) if select else -1
        if row < 0 and self.providers_model.rowCount():
            row = 0
        if row >= 0:
            self.providers_view.setCurrentIndex(self.providers_model.index(row, 0))
        self._show_form()

    def _show_form(self) -> None:
        provider = self._selected()
        self._loading_form = True
        try:
            for edit in (self.name_edit, self.url_edit, self.api_version_edit, self.key_edit):
                edit.setEnabled(provider is not None)
                edit.clear()
            self.form_problem_label.clear()
            self.test_result.clear()
            self.test_result.setToolTip("")
            if provider is None:
                self.title_label.setText("No provider selected.")
                self.key_note.clear()
                for button in (self.test_button, self.forget_key_button, self.remove_button):
                    button.setEnabled(False)
                return
            if provider.prefix not in _BUILT_IN_PREFIXES:
                kind = "added by you"
            else:
                kind = "built in, changed by you" if provider.prefix in self._configured() else "built in"
            self.title_label.setText(f"<b>{provider.label}</b> — {provider.prefix}/ ({kind})")
            self.name_edit.setText(provider.name)
            self.url_edit.setText(provider.base_url or "")
            self.url_edit.setPlaceholderText("the package's default" if provider.kind != "openai_compatible"
                                             else "http://localhost:11434/v1")
            self.api_version_edit.setText(provider.api_version or "")
            self.form.setRowVisible(self.api_version_edit, provider.kind == "azure")
            self.key_edit.setPlaceholderText(
                "a key is kept; type a new one to replace it" if self._has_key(provider.prefix) else "paste the key"
            )
            pending = self._pending_keys.get(provider.prefix)
            if pending:
                self.key_edit.setText(pending)
        finally:
            self._loading_form = False
        self._show_key_state()
        self.remove_button.setEnabled(provider.prefix in self._configured())
        self.test_button.setEnabled(True)

    def _show_key_state(self) -> None:
        provider = self._selected()
        if provider is None:
            return
        self.key_note.setText(self._key_note(provider))
        self.forget_key_button.setEnabled(self._has_key(provider.prefix))
        self.providers_model.refresh()

    def _replace(self, provider: ProviderSettings) -> None:
        """`provider` becomes configured (or changes), in its place in the list."""
        self._settings = self._settings.with_provider(provider)
        row = self.providers_model.row_of(provider.prefix)
        if row >= 0:
            self.providers_model.replace_row(row, provider)
        self.remove_button.setEnabled(True)

    # slots ----------------------------------------------------------------------------------------------------

    def _on_providers_view_current_row_changed(self, _current: QModelIndex, _previous: QModelIndex) -> None:
        self.tasks.cancel("test")
        self._show_form()

    def _on_form_edited(self, _text: str = "") -> None:
        provider = self._selected()
        if provider is None or self._loading_form:
            return
        values = provider.model_dump()
        values.update(name=self.name_edit.text().strip(), base_url=self.url_edit.text().strip() or None,
                      api_version=self.api_version_edit.text().strip() or None)
        try:
            edited = ProviderSettings.model_validate(values)
        except ValidationError as error:
            problem = first_problem(error)
            field = {"base_url": "Base URL", "api_version": "API version", "name": "Name"}.get(
                str(problem.location[0]) if problem.location else "", "")
            self.form_problem_label.setText(problem.near(field))
            self._update_save_button()
            return
        self.form_problem_label.clear()
        if edited != provider:
            self._replace(edited)
        self._update_save_button()

    def _update_save_button(self) -> None:
        problem = bool(self.form_problem_label.text())
        self.save_button.setEnabled(not problem and not self.tasks.is_running("save"))
        self.test_button.setEnabled(not problem and self._selected() is not None)

    def _on_key_edit_text_changed(self, text: str) -> None:
        provider = self._selected()
        if provider is None or self._loading_form:
            return
        if text:
            self._pending_keys[provider.prefix] = text
        else:
            self._pending_keys.pop(provider.prefix, None)
        self._show_key_state()

    def _on_forget_key_button_clicked(self) -> None:
        provider = self._selected()
        if provider is None:
            return
        self._loading_form = True
        self.key_edit.clear()
        self._loading_form = False
        if self._kept and self._kept.get(provider.prefix):
            self._pending_keys[provider.prefix] = _FORGET
        else:
            self._pending_keys.pop(provider.prefix, None)
        self._show_key_state()

    def _on_add_button_clicked(self) -> None:
        prefix = self.new_prefix_edit.text().strip().removesuffix("/")
        problem = prefix_problem(prefix, self._configured())
        url = self.new_url_edit.text().strip()
        if problem is None and not url:
            problem = "Enter the server's base URL, for example http://localhost:11434/v1."
        provider = None
        if problem is None:
            built_in = next((known for known in BUILT_IN if known.prefix == prefix), None)
            try:
                provider = ProviderSettings(prefix=prefix, kind="openai_compatible",
                                            name=built_in.name if built_in else prefix, base_url=url,
                                            needs_key=not is_local_address(url))
            except ValidationError as error:
                problem = first_problem(error).near("Base URL")
        if provider is None:
            self.add_problem_label.setText(problem or "")
            return
        self._settings = self._settings.with_provider(provider)
        self._removed.discard(prefix)
        if prefix not in self._order:
            self._order.append(prefix)
        self.new_prefix_edit.clear()
        self.new_url_edit.clear()
        self.add_problem_label.clear()
        self._show_rows(select=prefix)

    def _on_remove_button_clicked(self) -> None:
        provider = self._selected()
        if provider is None or provider.prefix not in self._configured():
            return
        self.tasks.run("remove", "Removing a provider", self._remove(provider))

    async def _remove(self, provider: ProviderSettings) -> None:
        built_in = provider.prefix in _BUILT_IN_PREFIXES
        box = QMessageBox(self)
        box.setObjectName("removeProviderQuestion")
        box.setAccessibleName("Remove the provider?")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Remove the provider?")
        if built_in:
            box.setText(f"Put {provider.prefix}/ back as built in?")
            box.setInformativeText("Its address and name go back to the defaults. Its key stays.")
        else:
            box.setText(f"Remove {provider.prefix}/ ({provider.label})?")
            box.setInformativeText(f"Models named {provider.prefix}/... will no longer run. Its key is forgotten "
                                   "when you save.")
        remove = box.addButton("Remove", QMessageBox.ButtonRole.DestructiveRole)
        remove.setObjectName("confirmRemoveProviderButton")
        remove.setAccessibleName("Remove")
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        cancel.setObjectName("cancelRemoveProviderButton")
        cancel.setAccessibleName("Cancel")
        box.setDefaultButton(cancel)
        box.setEscapeButton(cancel)
        await wait_for_dialog(box)
        confirmed = box.clickedButton() is remove
        box.deleteLater()
        if not confirmed:
            return
        self._settings = self._settings.without(provider.prefix)
        if not built_in:
            self._order.remove(provider.prefix)
            self._removed.add(provider.prefix)
            self._pending_keys.pop(provider.prefix, None)
        row = self.providers_model.row_of(provider.prefix)
        neighbour = self._order[min(row, len(self._order) - 1)] if self._order else None
        self._show_rows(select=provider.prefix if built_in else neighbour)

    def _on_test_button_clicked(self) -> None:
        provider = self._selected()
        if provider is None:
            return
        self.test_result.setText("Testing…")
        self.test_result.setToolTip("")
        self.tasks.run("test", f"Testing {provider.label}", self._test(provider.prefix))

    async def _test(self, prefix: str) -> None:
        """The provider's models, with the settings and the key as they are in the dialog (saved or not)."""
        if prefix in self._pending_keys:
            key = self._pending_keys[prefix]
        else:
            key = await asyncio.to_thread(self._secrets.get, key_id(prefix))
        runner = self._runner_factory(self._settings, _OneKey(key_id(prefix), key))
        try:
            models = await runner.list_models(prefix)
        except RunError as error:
            self.test_result.setText(f"✗ {error.message}")
            self.test_result.setToolTip(error.detail)
            return
        finally:
            await runner.aclose()
        self.test_result.setText(f"✓ {_models_words(models)}")
        self.test_result.setToolTip("\n".join(models[:50]))

    async def _read_kept_keys(self) -> None:
        prefixes = [provider.prefix for provider in self._settings.all()]

        def read() -> dict[str, bool]:
            return {prefix: bool(self._secrets.get(key_id(prefix))) for prefix in prefixes}

        self._kept = await asyncio.to_thread(read)
        self._show_key_state()
        self.providers_model.refresh()

    def _on_buttons_accepted(self) -> None:
        self.save_button.setEnabled(False)
        self.status_label.setText("Saving…")
        self.tasks.run("save", "Saving the model providers", self._save())

    async def _save(self) -> None:
        settings = self._settings
        keys = dict(self._pending_keys)
        for prefix in self._removed:
            keys[prefix] = _FORGET
        path, secrets = self._settings_path, self._secrets

        def write() -> None:
            write_settings(path, settings)
            for prefix, key in keys.items():
                if key is _FORGET:
                    secrets.delete(key_id(prefix))
                else:
                    secrets.set(key_id(prefix), key)

        try:
            await asyncio.to_thread(write)
        except OSError as error:
            self.status_label.setText(f"Could not save the model providers: {error.strerror or error}. "
                                      "Nothing you changed here is lost; try again.")
            self._update_save_button()
            return
        self._pending_keys.clear()
        self._removed.clear()
        self.status_label.clear()
        self.sig_saved.emit(settings)
        self.accept()

    def _on_tasks_failed(self, what: str, error: BaseException) -> None:
        self.status_label.setText(f"{what}: {plain_message(error)}")
        if what.startswith("Testing"):
            self.test_result.setText(f"✗ {plain_message(error)}")
        self._update_save_button()

    def done(self, result: int) -> None:
        self.tasks.cancel_all(keep="save")
        super().done(result)


class _OneKey:
    """The secret store's shape with one key in memory: Test reads no keyring on the Qt thread."""

    def __init__(self, name: str, key: str | None):
        self._name, self._key = name, key

    def get(self, connection_id: str) -> str | None:
        return self._key if connection_id == self._name else None

    def set(self, connection_id: str, secret: str) -> None:
        raise NotImplementedError("Test never keeps a key")

    def delete(self, connection_id: str) -> None:
        raise NotImplementedError("Test never forgets a key")


def _models_words(models: list[str]) -> str:
    if not models:
        return "It answers, but lists no models."
    count = f"{len(models)} model" + ("" if len(models) == 1 else "s")
    shown = ", ".join(models[:MODELS_SHOWN])
    more = f", and {len(models) - MODELS_SHOWN} more" if len(models) > MODELS_SHOWN else ""
    return f"It works: {count} ({shown}{more})."
