"""The key/value tags of a whole prompt (Orkes): they label the name, not one version, so they live apart from
the version history and its tag menu."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from PySide6.QtCore import QStringListModel
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from prompt_studio.ui.editor.widgets import named
from prompt_studio.ui.tasks import TaskRunner, plain_message

Pair = tuple[str, str]
ChangeTags = Callable[[Sequence[Pair], Sequence[Pair]], Awaitable[list[Pair]]]
"""(pairs to add, pairs to remove) -> the prompt's tags as the server has them afterwards."""


class KeyValueTagsDialog(QDialog):
    """Each change is sent at once and the list shows what the server answers, so it never shows a guess."""

    def __init__(self, parent: QWidget | None, handle: str, tags: list[Pair], change: ChangeTags):
        super().__init__(parent)
        self.setObjectName("promptTagsDialog")
        self.setAccessibleName("Tags of the prompt")
        self.setWindowTitle(f"Tags of {handle}")
        self._change = change
        self._tags: list[Pair] = list(tags)
        self.tasks = TaskRunner(self)

        self.tags_model = QStringListModel(self)
        self.tags_list = named(QListView(), "promptTagsList", "Tags")
        self.tags_list.setModel(self.tags_model)
        self.tags_list.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
        self.remove_button = named(QPushButton("Remove"), "removeTagButton", "Remove the selected tag")
        self.key_edit = named(QLineEdit(), "tagKeyEdit", "Tag key")
        self.key_edit.setPlaceholderText("key, e.g. team")
        self.value_edit = named(QLineEdit(), "tagValueEdit", "Tag value")
        self.value_edit.setPlaceholderText("value, e.g. support")
        self.add_button = named(QPushButton("Add"), "addTagButton", "Add the tag")
        self.status_label = QLabel()
        self.status_label.setObjectName("promptTagsStatus")
        self.status_label.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)

        adding = QHBoxLayout()
        adding.addWidget(self.key_edit)
        adding.addWidget(QLabel(":"))
        adding.addWidget(self.value_edit)
        adding.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Tags label the whole prompt, every version of it."))
        layout.addWidget(self.tags_list, 1)
        layout.addWidget(self.remove_button)
        layout.addLayout(adding)
        layout.addWidget(self.status_label)
        layout.addWidget(self.buttons)

        self.add_button.clicked.connect(self._on_add_button_clicked)
        self.remove_button.clicked.connect(self._on_remove_button_clicked)
        self.key_edit.textChanged.connect(self._update_buttons)
        self.value_edit.textChanged.connect(self._update_buttons)
        self.buttons.rejected.connect(self.reject)
        self._show_tags(self._tags)
        self.resize(440, 360)

    @property
    def tags(self) -> list[Pair]:
        return list(self._tags)

    def _show_tags(self, tags: list[Pair]) -> None:
        self._tags = list(tags)
        self.tags_model.setStringList([f"{key}:{value}" for key, value in self._tags])
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.add_button.setEnabled(bool(self.key_edit.text().strip()) and bool(self.value_edit.text()))
        self.remove_button.setEnabled(bool(self._tags))

    def _on_add_button_clicked(self) -> None:
        pair = (self.key_edit.text().strip(), self.value_edit.text())
        self.tasks.run("tags", "Adding the tag", self.apply(add=[pair]))

    def _on_remove_button_clicked(self) -> None:
        row = self.tags_list.currentIndex().row()
        if 0 <= row < len(self._tags):
            self.tasks.run("tags", "Removing the tag", self.apply(remove=[self._tags[row]]))

    async def apply(self, *, add: Sequence[Pair] = (), remove: Sequence[Pair] = ()) -> None:
        self.add_button.setEnabled(False)
        self.remove_button.setEnabled(False)
        try:
            self._show_tags(await self._change(add, remove))
            self.status_label.clear()
            if add:
                self.key_edit.clear()
                self.value_edit.clear()
        except Exception as error:  # shown in the dialog, never raised past it
            self.status_label.setText(f"✗ {plain_message(error)}")
        finally:
            self._update_buttons()

    def done(self, result: int) -> None:
        self.tasks.cancel_all()
        super().done(result)
