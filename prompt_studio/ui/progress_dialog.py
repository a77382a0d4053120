"""Many prompts in one go (Save all, Import, Export): how far it got, a Cancel that loses nothing, then what each
prompt became. One dialog; each flow gives its own words and names."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QProgressBar, QVBoxLayout, QWidget


@dataclass(frozen=True)
class ProgressWords:
    """What one flow's progress dialog says, and the names tests and assistive tools find its parts by."""

    name: str
    """The prefix of the parts' object names: `<name>Status`, `<name>Progress`, `<name>Summary`."""
    dialog_name: str
    title: str
    starting: str
    """"Saving {total} drafts...": `{total}` and `{s}` (the plural's s) are filled in."""
    answered: str
    """"Saved {count} of {total}: {handle}"."""
    merging: str
    """"{handle} was saved by someone else meanwhile: merging it."."""
    stopping: str
    done: str


SAVE_ALL = ProgressWords(
    "saveAll", "saveAllDialog", "Save all", "Saving {total} draft{s}...", "Saved {count} of {total}: {handle}",
    "{handle} was saved by someone else meanwhile: merge it in the window that opened.",
    "Stopping: saves already sent finish, the rest stay drafts on this computer.", "Save all is done.")
IMPORT = ProgressWords(
    "import", "importProgressDialog", "Import", "Importing {total} prompt{s}...",
    "Imported {count} of {total}: {handle}",
    "{handle} is already there with other content: choose what to keep in the window that opened.",
    "Stopping: prompts already sent finish. Import the same file again to go on: nothing is written twice.",
    "Import is done.")
EXPORT = ProgressWords(
    "export", "exportProgressDialog", "Export", "Reading {total} prompt{s}...", "Read {count} of {total}: {handle}", "",
    "Stopping: nothing is written to the file.", "Export is done.")


class ProgressDialog(QDialog):
    """Shown from the first request to the summary; Cancel stops what has not gone out yet."""

    sig_cancel_requested = Signal()
    """The user pressed Cancel while the work went on."""

    def __init__(self, parent: QWidget | None, total: int, words: ProgressWords):
        super().__init__(parent)
        self.words = words
        self.setObjectName(words.dialog_name)
        self.setAccessibleName(words.title)
        self.setWindowTitle(words.title)
        self.total = total
        self.answered = 0
        self.status = QLabel(words.starting.format(total=total, s="s" if total != 1 else ""))
        self.status.setObjectName(f"{words.name}Status")
        self.status.setAccessibleName("What is happening")
        self.status.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setObjectName(f"{words.name}Progress")
        self.progress.setAccessibleName("How far it got")
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(0)
        self.summary = QLabel()
        self.summary.setObjectName(f"{words.name}Summary")
        self.summary.setAccessibleName("What each prompt became")
        self.summary.setWordWrap(True)
        self.summary.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.setObjectName(f"{words.name}Buttons")

        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.progress)
        layout.addWidget(self.summary)
        layout.addWidget(self.buttons)

        self.buttons.rejected.connect(self._on_buttons_rejected)
        self.resize(520, self.sizeHint().height())

    def on_answered(self, handle: str) -> None:
        """One more prompt done."""
        self.answered += 1
        self.progress.setValue(self.answered)
        self.status.setText(self.words.answered.format(count=self.answered, total=self.total, handle=handle))

    def show_merging(self, handle: str) -> None:
        self.status.setText(self.words.merging.format(handle=handle))

    def show_summary(self, text: str) -> None:
        """The end: what each prompt became; Cancel turns into Close."""
        self.progress.setValue(self.progress.maximum())
        self.status.setText(self.words.done)
        self.summary.setText(text)
        self.summary.show()
        self.buttons.setStandardButtons(QDialogButtonBox.StandardButton.Close)
        self.resize(self.width(), self.sizeHint().height())

    def _on_buttons_rejected(self) -> None:
        if self.summary.isVisible():
            self.accept()
            return
        self.status.setText(self.words.stopping)
        self.sig_cancel_requested.emit()
