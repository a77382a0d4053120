"""Compare two versions: only the fields that changed, old beside new, with the changed words marked."""

from __future__ import annotations

import html

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QTextBrowser, QVBoxLayout, QWidget

from prompt_studio.services.compare import FieldDifference, word_changes


def _marks(widget: QWidget) -> tuple[str, str]:
    """Backgrounds for removed and added words that read on a light and on a dark palette."""
    dark = widget.palette().color(QPalette.ColorRole.Base).lightness() < 128
    return ("#6b2b2b", "#24562d") if dark else ("#ffd0d0", "#c8f0c8")


def _side_html(difference: FieldDifference, side: str, removed: str, added: str) -> str:
    parts = []
    for change in word_changes(difference.old, difference.new):
        text = html.escape(change.text)
        if change.kind == "same":
            parts.append(text)
        elif change.kind == "removed" and side == "old":
            parts.append(f'<span style="background:{removed}; text-decoration: line-through;">{text}</span>')
        elif change.kind == "added" and side == "new":
            parts.append(f'<span style="background:{added}; font-weight:600;">{text}</span>')
    return "".join(parts).replace("\n", "<br>")


def differences_html(widget: QWidget, differences: list[FieldDifference], old_title: str, new_title: str,
                     unchanged: list[str] = ()) -> str:
    removed, added = _marks(widget)
    if not differences:
        return "<p>These two versions hold exactly the same prompt.</p>"
    same = f'<p style="color:gray;">Unchanged: {html.escape(", ".join(unchanged))}</p>' if unchanged else ""
    rows = []
    for difference in differences:
        rows.append(
            f'<tr><td colspan="2" style="padding-top:10px;"><b>{html.escape(difference.label)}</b></td></tr>'
            f'<tr><td width="50%" style="padding:4px; white-space:pre-wrap;">'
            f"{_side_html(difference, 'old', removed, added)}</td>"
            f'<td width="50%" style="padding:4px; white-space:pre-wrap;">'
            f"{_side_html(difference, 'new', removed, added)}</td></tr>"
        )
    header = (f'<tr><th align="left">{html.escape(old_title)}</th>'
              f'<th align="left">{html.escape(new_title)}</th></tr>')
    return f'<table width="100%" cellspacing="0">{header}{"".join(rows)}</table>{same}'


def summary_text(differences: list[FieldDifference]) -> str:
    if not differences:
        return "No differences."
    names = ", ".join(difference.label for difference in differences)
    count = len(differences)
    return f"{count} field{'s' if count != 1 else ''} changed: {names}"


class CompareDialog(QDialog):
    """Two versions side by side, field by field."""

    def __init__(self, parent: QWidget, differences: list[FieldDifference], old_title: str, new_title: str,
                 unchanged: list[str] = ()):
        super().__init__(parent)
        self.setObjectName("compareDialog")
        self.setAccessibleName("Compare versions")
        self.setWindowTitle(f"Compare {old_title} with {new_title}")
        self.summary = QLabel(summary_text(differences))
        self.summary.setObjectName("compareSummary")
        self.summary.setWordWrap(True)
        self.browser = QTextBrowser()
        self.browser.setObjectName("compareView")
        self.browser.setAccessibleName("Differences")
        self.browser.setHtml(differences_html(self, differences, old_title, new_title, unchanged))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)

        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.browser, 1)
        layout.addWidget(buttons)

        buttons.rejected.connect(self.reject)
        self.resize(900, 600)
