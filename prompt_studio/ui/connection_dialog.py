"""Add a LangWatch server: name, address, API key, and a test before anything is saved."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from prompt_studio.services.connections import (
    DEFAULT_LANGWATCH_URL,
    Connection,
    connection_id_for,
    insecure_url_warning,
    url_problem,
)
from prompt_studio.ui.tasks import TaskRunner, plain_message

Probe = Callable[[str, str, str | None], Awaitable[str]]


class ConnectionDialog(QDialog):
    """Collects a connection and its key; "Test connection" asks the server before the user commits to it."""

    def __init__(self, parent: QWidget | None, probe: Probe, secrets_where: str):
        super().__init__(parent)
        self.setObjectName("connectionDialog")
        self.setAccessibleName("Add a LangWatch server")
        self.setWindowTitle("Add a LangWatch server")
        self._probe = probe
        self.tasks = TaskRunner(self)

        self.name_edit = self._line("connectionName", "Name", "Team workspace")
        self.url_edit = self._line("connectionUrl", "Server address", DEFAULT_LANGWATCH_URL)
        self.url_edit.setText(DEFAULT_LANGWATCH_URL)
        self.key_edit = self._line("connectionApiKey", "API key", "sk-lw-...")
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.project_edit = self._line("connectionProjectId", "Project id (optional)",
                                       "only for keys of the form sk-lw-<id>_<secret>")
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

        form = QFormLayout()
        form.addRow("Name", self.name_edit)
        form.addRow("Server address", self.url_edit)
        form.addRow("API key", self.key_edit)
        form.addRow("Project id", self.project_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.warning_label)
        layout.addWidget(self.key_note)
        layout.addWidget(self.test_button)
        layout.addWidget(self.result_label)
        layout.addWidget(self.buttons)

        for edit in (self.name_edit, self.url_edit, self.key_edit):
            edit.textChanged.connect(self._on_fields_changed)
        self.test_button.clicked.connect(self._on_test_button_clicked)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self._on_fields_changed()
        self.resize(520, self.sizeHint().height())

    def _line(self, object_name: str, accessible_name: str, placeholder: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(object_name)
        edit.setAccessibleName(accessible_name)
        edit.setPlaceholderText(placeholder)
        return edit

    def _on_fields_changed(self) -> None:
        url = self.url_edit.text()
        problem = url_problem(url) if url else "Enter the server's address."
        warning = problem or insecure_url_warning(url) or ""
        self.warning_label.setText(warning)
        self.warning_label.setVisible(bool(warning))
        complete = problem is None and bool(self.key_edit.text()) and bool(self.name_edit.text().strip())
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(complete)
        self.test_button.setEnabled(problem is None and bool(self.key_edit.text()))
        self.result_label.clear()

    def _on_test_button_clicked(self) -> None:
        self.result_label.setText("Testing...")
        self.test_button.setEnabled(False)
        self.tasks.run("test", "Testing the connection", self._test())

    async def _test(self) -> None:
        try:
            answer = await self._probe(self.url_edit.text().strip(), self.key_edit.text(), self.project_id)
            self.result_label.setText(f"✓ {answer}")
        except Exception as error:  # shown to the user, never raised past the dialog
            self.result_label.setText(f"✗ {plain_message(error)}")
        finally:
            self.test_button.setEnabled(True)

    @property
    def project_id(self) -> str | None:
        return self.project_edit.text().strip() or None

    @property
    def connection(self) -> Connection:
        url = self.url_edit.text().strip().rstrip("/")
        return Connection(connection_id_for("langwatch", url), self.name_edit.text().strip(), "langwatch", url,
                          self.project_id)

    @property
    def api_key(self) -> str:
        return self.key_edit.text()

    def done(self, result: int) -> None:
        self.tasks.cancel_all()
        super().done(result)
