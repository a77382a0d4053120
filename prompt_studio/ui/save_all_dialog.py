"""Save all: how far it got while the saves go out, a Cancel that loses nothing, then what each prompt became."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QProgressBar, QVBoxLayout, QWidget


class SaveAllDialog(QDialog):
    """Shown from the first save to the summary; Cancel stops what has not gone out yet."""

    sig_cancel_requested = Signal()
    """The user pressed Cancel while saving."""

    def __init__(self, parent: QWidget | None, total: int):
        super().__init__(parent)
        self.setObjectName("saveAllDialog")
        self.setAccessibleName("Save all")
        self.setWindowTitle("Save all")
        self.total = total
        self.answered = 0
        self.status = QLabel(f"Saving {total} draft{'s' if total != 1 else ''}...")
        self.status.setObjectName("saveAllStatus")
        self.status.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setObjectName("saveAllProgress")
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(0)
        self.summary = QLabel()
        self.summary.setObjectName("saveAllSummary")
        self.summary.setWordWrap(True)
        self.summary.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)

        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.progress)
        layout.addWidget(self.summary)
        layout.addWidget(self.buttons)

        self.buttons.rejected.connect(self._on_buttons_rejected)
        self.resize(480, self.sizeHint().height())

    def on_answered(self, handle: str) -> None:
        """One more prompt answered by the server."""
        self.answered += 1
        self.progress.setValue(self.answered)
        self.status.setText(f"Saved {self.answered} of {self.total}: {handle}")

    def show_merging(self, handle: str) -> None:
        self.status.setText(f"{handle} was saved by someone else meanwhile: merging it.")

    def show_summary(self, text: str) -> None:
        """The end: what each prompt became; Cancel turns into Close."""
        self.progress.setValue(self.progress.maximum())
        self.status.setText("Save all is done.")
        self.summary.setText(text)
        self.summary.show()
        self.buttons.setStandardButtons(QDialogButtonBox.StandardButton.Close)
        self.resize(self.width(), self.sizeHint().height())

    def _on_buttons_rejected(self) -> None:
        if self.summary.isVisible():
            self.accept()
            return
        self.status.setText("Stopping: saves already sent finish, the rest stay drafts on this computer.")
        self.sig_cancel_requested.emit()
