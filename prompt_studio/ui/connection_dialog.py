"""Add a server (LangWatch or Orkes Conductor): name, address, key, and a test before anything is saved."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from prompt_studio.models.errors import (
    AuthenticationError,
    CertificateRefused,
    ConnectionFailed,
    PermissionDeniedError,
    PromptStudioError,
)
from prompt_studio.services.connections import (
    DEFAULT_LANGWATCH_URL,
    Connection,
    connection_id_for,
    insecure_url_warning,
    url_problem,
)
from prompt_studio.ui.editor.widgets import named_line
from prompt_studio.ui.tasks import TaskRunner, plain_message

Probe = Callable[[str, str, str | None], Awaitable[str]]
OrkesProbe = Callable[[str, str, str], Awaitable[str]]
"""(server root, key id, key secret) -> a sentence saying the connection works."""
_ORKES_URL_HINT = "https://yourcompany.orkesconductor.io (without /api)"


_WHAT_TO_DO = {
    AuthenticationError: "Check the key (and, for a key of the form sk-lw-<id>_<secret>, the project id).",
    PermissionDeniedError: "Ask for a key that may read and save prompts.",
    ConnectionFailed: "Check the address, and that the server is running and reachable from here.",
}


def _in_plain_words(error: BaseException) -> str:
    """What a failed test means and what to do, without the protocol's words (header names, status codes)."""
    if not isinstance(error, PromptStudioError):
        return plain_message(error)
    advice = next((words for kind, words in _WHAT_TO_DO.items() if isinstance(error, kind)), None)
    if advice is None or isinstance(error, CertificateRefused):
        return error.user_message
    return f"{error.plain_words} {advice}"


class ConnectionDialog(QDialog):
    """Collects a connection and its key; "Test connection" asks the server before the user commits to it.

    An Orkes server takes an application key: its id is kept with the connection, its secret in the keyring
    like a LangWatch API key.
    """

    def __init__(self, parent: QWidget | None, probe: Probe, secrets_where: str, *,
                 orkes_probe: OrkesProbe | None = None):
        super().__init__(parent)
        self.setObjectName("connectionDialog")
        self.setAccessibleName("Add a server")
        self.setWindowTitle("Add a server")
        self._probe = probe
        self._orkes_probe = orkes_probe
        self.tasks = TaskRunner(self)

        self.kind_field = QComboBox()
        self.kind_field.setObjectName("connectionKind")
        self.kind_field.setAccessibleName("Kind of server")
        self.kind_field.addItem("LangWatch", "langwatch")
        if orkes_probe is not None:
            self.kind_field.addItem("Orkes Conductor", "orkes")

        self.name_edit = named_line("connectionName", "Name", "Team workspace")
        self.url_edit = named_line("connectionUrl", "Server address", DEFAULT_LANGWATCH_URL)
        self.url_edit.setText(DEFAULT_LANGWATCH_URL)
        self.key_edit = named_line("connectionApiKey", "API key", "sk-lw-...")
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.project_edit = named_line("connectionProjectId", "Project id (optional)",
                                       "only for keys of the form sk-lw-<id>_<secret>")
        self.key_id_edit = named_line("connectionKeyId", "Key id", "the application key's id")
        self.warning_label = QLabel()
        self.warning_label.setObjectName("connectionWarning")
        self.warning_label.setWordWrap(True)
        self.test_button = QPushButton("Test connection")
        self.test_button.setObjectName("testConnectionButton")
        self.test_button.setAccessibleName("Test connection")
        self.result_label = QLabel()
        self.result_label.setObjectName("connectionTestResult")
        self.result_label.setWordWrap(True)
        self.key_note = QLabel(f"The key is kept in {secrets_where}, never in the settings file.")
        self.key_note.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)

        self.form = QFormLayout()
        self.form.addRow("Kind", self.kind_field)
        self.form.addRow("Name", self.name_edit)
        self.form.addRow("Server address", self.url_edit)
        self.form.addRow("Key id", self.key_id_edit)
        self.form.addRow("API key", self.key_edit)
        self.form.addRow("Project id", self.project_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.warning_label)
        layout.addWidget(self.key_note)
        layout.addWidget(self.test_button)
        layout.addWidget(self.result_label)
        layout.addWidget(self.buttons)

        for edit in (self.name_edit, self.url_edit, self.key_edit, self.key_id_edit):
            edit.textChanged.connect(self._on_fields_changed)
        self.kind_field.currentIndexChanged.connect(self._on_kind_field_changed)
        self.kind_field.setVisible(orkes_probe is not None)
        self.form.labelForField(self.kind_field).setVisible(orkes_probe is not None)
        self._on_kind_field_changed()
        self.test_button.clicked.connect(self._on_test_button_clicked)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self._on_fields_changed()
        self.resize(520, self.sizeHint().height())

    @property
    def kind(self) -> str:
        return self.kind_field.currentData()

    def _on_kind_field_changed(self, _index: int = 0) -> None:
        orkes = self.kind == "orkes"
        self.form.setRowVisible(self.key_id_edit, orkes)
        self.form.setRowVisible(self.project_edit, not orkes)
        self.form.labelForField(self.key_edit).setText("Key secret" if orkes else "API key")
        self.key_edit.setAccessibleName("Key secret" if orkes else "API key")
        self.key_edit.setPlaceholderText("the application key's secret" if orkes else "sk-lw-...")
        self.url_edit.setPlaceholderText(_ORKES_URL_HINT if orkes else DEFAULT_LANGWATCH_URL)
        if orkes and self.url_edit.text() == DEFAULT_LANGWATCH_URL:
            self.url_edit.clear()
        elif not orkes and not self.url_edit.text():
            self.url_edit.setText(DEFAULT_LANGWATCH_URL)
        self._on_fields_changed()

    def _on_fields_changed(self) -> None:
        url = self.url_edit.text()
        problem = url_problem(url) if url else "Enter the server's address."
        warning = problem or insecure_url_warning(url) or ""
        self.warning_label.setText(warning)
        self.warning_label.setVisible(bool(warning))
        keys = bool(self.key_edit.text()) and (self.kind != "orkes" or bool(self.key_id_edit.text().strip()))
        complete = problem is None and keys and bool(self.name_edit.text().strip())
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(complete)
        self.test_button.setEnabled(problem is None and keys)
        self.result_label.clear()

    def _on_test_button_clicked(self) -> None:
        self.result_label.setText("Testing...")
        self.test_button.setEnabled(False)
        self.tasks.run("test", "Testing the connection", self._test())

    async def _test(self) -> None:
        try:
            if self.kind == "orkes" and self._orkes_probe is not None:
                answer = await self._orkes_probe(self.server_url, self.key_id_edit.text().strip(),
                                                 self.key_edit.text())
            else:
                answer = await self._probe(self.url_edit.text().strip(), self.key_edit.text(), self.project_id)
            self.result_label.setText(f"✓ {answer}")
        except Exception as error:  # shown to the user, never raised past the dialog
            self.result_label.setText(f"✗ {_in_plain_words(error)}")
            self.result_label.setToolTip(plain_message(error))  # the server's own words, for whoever asks
        finally:
            self.test_button.setEnabled(True)

    @property
    def project_id(self) -> str | None:
        return self.project_edit.text().strip() or None

    @property
    def server_url(self) -> str:
        """The address as typed, without a trailing slash (and, for Orkes, without `/api`: the client adds it)."""
        url = self.url_edit.text().strip().rstrip("/")
        return url.removesuffix("/api") if self.kind == "orkes" else url

    @property
    def connection(self) -> Connection:
        url = self.server_url
        if self.kind == "orkes":
            return Connection(connection_id_for("orkes", url), self.name_edit.text().strip(), "orkes", url,
                              key_id=self.key_id_edit.text().strip())
        return Connection(connection_id_for("langwatch", url), self.name_edit.text().strip(), "langwatch", url,
                          self.project_id)

    @property
    def api_key(self) -> str:
        """The LangWatch API key, or the Orkes key secret: whichever goes to the keyring."""
        return self.key_edit.text()

    def done(self, result: int) -> None:
        self.tasks.cancel_all()
        super().done(result)
