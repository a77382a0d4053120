"""Small widgets the prompt editor is built from: highlighted text, field messages, folding sections, and the
keyboard and mouse rules every part of the form follows (Tab in reading order and out of tables, the wheel only
for a control the author focused, a visible focus frame)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QKeySequence, QPalette, QResizeEvent, QTextCursor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractScrollArea,
    QApplication,
    QBoxLayout,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from prompt_studio.ui.highlighting import PromptHighlighter, TemplateSyntax, palette_is_dark

W = TypeVar("W", bound=QWidget)
_WORD_ENDINGS = frozenset(" \t\n\u2029.,;:!?")


def named(widget: W, object_name: str, accessible_name: str) -> W:
    """Give a control the stable object name tests and styles use, and the name screen readers speak."""
    widget.setObjectName(object_name)
    widget.setAccessibleName(accessible_name)
    return widget


def combo_that_shrinks(combo: QComboBox, *, least_chars: int, preferred_chars: int | None = None) -> QComboBox:
    """As wide as `preferred_chars` (or its longest choice) where there is room, down to `least_chars` where not:
    beside the history and Try it, the form is narrow."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(least_chars)
    combo.setMinimumWidth(combo.minimumSizeHint().width())
    if preferred_chars is None:
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    else:
        combo.setMinimumContentsLength(preferred_chars)
    return combo


def named_line(object_name: str, accessible_name: str, placeholder: str = "") -> QLineEdit:
    """A one-line text field with its names and the hint shown while it is empty."""
    edit = named(QLineEdit(), object_name, accessible_name)
    edit.setPlaceholderText(placeholder)
    return edit


def _utf16_length(text: str) -> int:
    """Qt counts positions in UTF-16 code units; Python counts code points."""
    return len(text.encode("utf-16-le")) // 2


def _common_length(first: str, second: str, *, limit: int, from_end: bool) -> int:
    """How many characters the two texts share at their start (or end), at most `limit`.

    A binary search over slice comparisons: each comparison runs in C, so a 1 MB prompt takes milliseconds.
    """
    low, high = 0, limit
    while low < high:
        middle = (low + high + 1) // 2
        if from_end:
            same = first[len(first) - middle :] == second[len(second) - middle :]
        else:
            same = first[:middle] == second[:middle]
        if same:
            low = middle
        else:
            high = middle - 1
    return low


class UndoKeysToForm(QObject):
    """Lets Ctrl+Z / Ctrl+Y reach the form's undo actions instead of a text field's own little history.

    One undo history for the whole form means undo restores what the author saw, whichever field had focus.
    """

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent) and (
            event.matches(QKeySequence.StandardKey.Undo) or event.matches(QKeySequence.StandardKey.Redo)
        ):
            event.ignore()
            return True
        return super().eventFilter(watched, event)


# -- the mouse wheel --------------------------------------------------------------------------------------------


def _has_focus_within(widget: QWidget) -> bool:
    focused = QApplication.focusWidget()
    return focused is not None and (focused is widget or widget.isAncestorOf(focused))


class _WheelNeedsFocus(QObject):
    """Passes a wheel over an unfocused control on to what is behind it: the form scrolls, the setting stays."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Wheel and isinstance(watched, QWidget) and not _has_focus_within(watched):
            event.ignore()  # ignored and filtered: Qt offers the wheel to the parents, up to the scroll area
            return True
        return super().eventFilter(watched, event)


def wheel_only_when_focused(widget: W, *, in_table: bool = False) -> W:
    """A combo box or spin box that takes the wheel only once the author has focused it (by click or Tab).

    Scrolling over a form must scroll it: a combo that took the wheel changed the prompting technique and an
    input's type on the way down, silently. A control `in_table` (a type in a cell) never takes the focus at all:
    the table keeps the keyboard, its arrows move between cells and Space or F2 opens the control's list
    (`setup_small_table`); a click opens it too.
    """
    widget.setFocusPolicy(Qt.FocusPolicy.NoFocus if in_table else Qt.FocusPolicy.StrongFocus)
    widget.installEventFilter(_WheelNeedsFocus(widget))
    return widget


# -- focus: a visible frame, and Tab in reading order -----------------------------------------------------------


def _blend(first: QColor, second: QColor, share: float) -> str:
    """`share` of `first` over `second`, as #rrggbb."""
    parts = (
        round(share * one + (1 - share) * other)
        for one, other in ((first.red(), second.red()), (first.green(), second.green()), (first.blue(), second.blue()))
    )
    return "#{:02x}{:02x}{:02x}".format(*parts)


def _qt_class_name(widget: QWidget) -> str:
    return next(cls.__name__ for cls in type(widget).__mro__ if cls.__module__.startswith("PySide6"))


class FocusFrame(QObject):
    """A frame that shows where the keyboard is: a thin line around a text box or list, and 2 px of the palette's
    highlight colour while it has focus (the style draws none around a multi-line text or a table).

    The colours come from the widget's palette, light or dark, and follow it when it changes.
    """

    def __init__(self, widget: QAbstractScrollArea) -> None:
        super().__init__(widget)
        self._widget = widget
        self._selector = _qt_class_name(widget)
        self._apply()
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._widget and event.type() == QEvent.Type.PaletteChange:
            self._apply()
        return super().eventFilter(watched, event)

    def _apply(self) -> None:
        palette = self._widget.palette()
        line = _blend(palette.color(QPalette.ColorRole.Text), palette.color(QPalette.ColorRole.Base), 0.3)
        focus = palette.color(QPalette.ColorRole.Highlight).name()
        # 2 px in both states (line + padding, or the focus border), so the text never moves when focus comes.
        sheet = (f"{self._selector} {{ border: 1px solid {line}; border-radius: 2px; padding: 1px; }} "
                 f"{self._selector}:focus {{ border: 2px solid {focus}; padding: 0px; }}")
        if self._widget.styleSheet() != sheet:
            self._widget.setStyleSheet(sheet)


def takes_tab_focus(widget: QWidget) -> bool:
    """Whether Tab may stop at this widget now: shown, enabled, and a Tab stop."""
    return (widget.isVisible() and widget.isEnabled()
            and bool(widget.focusPolicy().value & Qt.FocusPolicy.TabFocus.value))


def _position_in(order: Sequence[QWidget], widget: QWidget | None) -> int | None:
    """Where `widget`, or the nearest of its parents (a table for the combo in one of its cells), is in `order`."""
    while widget is not None:
        for position, candidate in enumerate(order):
            if candidate is widget:
                return position
        widget = widget.parentWidget()
    return None


def _outside(container: QWidget, start: QWidget, forward: bool) -> QWidget | None:
    """The next (or previous) Tab stop of the window's focus chain that is not inside `container`."""
    widget = start
    while True:
        widget = widget.nextInFocusChain() if forward else widget.previousInFocusChain()
        if widget is None or widget is start:
            return None
        if widget is not container and not container.isAncestorOf(widget) and takes_tab_focus(widget):
            return widget


def focus_next_in_order(container: QWidget, order: Sequence[QWidget], forward: bool) -> QWidget | None:
    """Move the focus from the focus widget to the next (or previous) widget of `order` that takes Tab.

    `order` is the form in reading order; hidden and disabled widgets are passed over. Past either end the focus
    leaves `container` for the window's next Tab stop (or comes round to the other end when there is none).
    Returns the widget focused, or None when the focus widget is not in `order` (Qt's own order then applies).
    """
    current = QApplication.focusWidget()
    position = _position_in(order, current)
    if position is None or current is None:
        return None
    candidates = order[position + 1 :] if forward else order[:position][::-1]
    target = next((widget for widget in candidates if takes_tab_focus(widget)), None)
    if target is None:
        target = _outside(container, current, forward)
    if target is None:
        target = next((widget for widget in (order if forward else order[::-1]) if takes_tab_focus(widget)), None)
    if target is None:
        return None
    target.setFocus(Qt.FocusReason.TabFocusReason if forward else Qt.FocusReason.BacktabFocusReason)
    return target


def is_tab_key(event: QEvent) -> bool:
    """A Tab or Shift+Tab key press (Ctrl+Tab and Alt+Tab belong to the window and the desktop)."""
    return (
        event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
        and event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab)
        and not event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
    )


class TableItemDelegate(QStyledItemDelegate):
    """Cell editors from which Tab leaves the table: the edit is kept and the focus goes on to the next part of
    the form. Arrows move between cells; Qt's own delegate would make Tab walk cell after cell, a trap."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        view = self.parent()
        if is_tab_key(event) and isinstance(watched, QWidget) and isinstance(view, QAbstractItemView):
            assert isinstance(event, QKeyEvent)
            forward = event.key() == Qt.Key.Key_Tab and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier
            index = view.indexAt(watched.geometry().center())
            if not (index.isValid() and view.isPersistentEditorOpen(index)):
                self.commitData.emit(watched)
                self.closeEditor.emit(watched, QStyledItemDelegate.EndEditHint.NoHint)
            key = Qt.Key.Key_Tab if forward else Qt.Key.Key_Backtab
            QApplication.sendEvent(view, QKeyEvent(QEvent.Type.KeyPress, key, Qt.KeyboardModifier.NoModifier))
            return True
        return super().eventFilter(watched, event)


class TemplateTextEdit(QPlainTextEdit):
    """Prompt text with template highlighting, a height that follows its content, and text read back exactly.

    `toPlainText` turns non-breaking spaces into spaces and Windows line endings into `\\n`; a prompt must come
    back byte for byte, or saving it would create a version nobody wrote.
    """

    sig_text_edited = Signal(bool)
    """The user changed the text; True when the change finished a word, which closes an undo step."""

    def __init__(
        self, syntax: TemplateSyntax = "liquid", *, min_lines: int = 2, max_lines: int = 12,
        grows_with_text: bool = True, parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.highlighter = PromptHighlighter(self.document(), syntax, dark=palette_is_dark(self.palette()))
        self._min_lines = min_lines
        self._max_lines = max_lines
        self._grows_with_text = grows_with_text
        self._cached_text: str | None = ""
        self._line_ending = "\n"
        self._setting_text = False

        self.setUndoRedoEnabled(False)
        self.setTabChangesFocus(True)
        self.focus_frame = FocusFrame(self)
        if grows_with_text:
            self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._fit_height()

        # Not `textChanged`: that also fires when the highlighter re-colours a line, which is no edit.
        self.document().contentsChange.connect(self._on_document_contents_change)

    def text(self) -> str:
        """The text exactly as edited (cached: a long prompt is read once per change, not once per question)."""
        if self._cached_text is None:
            text = self.document().toRawText().replace("\u2029", "\n")
            if self._line_ending != "\n":
                text = text.replace("\n", self._line_ending)
            self._cached_text = text
        return self._cached_text

    def set_text(self, text: str) -> None:
        """Show `text`, changing only the part that differs so the cursor and the scroll position stay put."""
        if text == self.text():
            return
        uses_crlf = "\r\n" in text and "\n" not in text.replace("\r\n", "")
        self._line_ending = "\r\n" if uses_crlf else "\n"
        shown = text.replace("\r\n", "\n") if uses_crlf else text
        current = self.document().toRawText().replace("\u2029", "\n")
        prefix = _common_length(shown, current, limit=min(len(shown), len(current)), from_end=False)
        suffix = _common_length(shown, current, limit=min(len(shown), len(current)) - prefix, from_end=True)
        cursor = QTextCursor(self.document())
        cursor.setPosition(_utf16_length(current[:prefix]))
        cursor.setPosition(_utf16_length(current[: len(current) - suffix]), QTextCursor.MoveMode.KeepAnchor)
        self._setting_text = True
        try:
            self.highlighter.insert_text(cursor, shown[prefix : len(shown) - suffix])
        finally:
            self._setting_text = False
        self._cached_text = None

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self.highlighter.set_dark(palette_is_dark(self.palette()))
        elif event.type() == QEvent.Type.FontChange:
            self._fit_height()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if event.oldSize().width() != event.size().width():
            self._fit_height()

    def _fit_height(self) -> None:
        """Grow with the text between `min_lines` and `max_lines`, then scroll inside."""
        if not self._grows_with_text:
            return
        lines = max(self._min_lines, min(self._max_lines, int(self.document().size().height())))
        margins = self.contentsMargins()
        padding = 2 * self.document().documentMargin() + margins.top() + margins.bottom()
        self.setFixedHeight(int(lines * self.fontMetrics().lineSpacing() + padding + 2))

    def _on_document_contents_change(self, position: int, removed: int, added: int) -> None:
        if not removed and not added:
            return
        self._cached_text = None
        self._fit_height()
        if not self._setting_text:
            word_finished = added > 0 and self.document().characterAt(position + added - 1) in _WORD_ENDINGS
            self.sig_text_edited.emit(word_finished)


class FieldMessage(QWidget):
    """The model's message about one field, shown right under it; hidden while there is nothing to say."""

    def __init__(self, object_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self._icon = QLabel()
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize)
        self._icon.setPixmap(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning).pixmap(size))
        self._icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self._label = QLabel()
        self._label.setWordWrap(True)  # a long message takes more lines, never gets cut off
        self._label.setTextFormat(Qt.TextFormat.PlainText)  # names in a message are the author's text, not HTML
        self._label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._label.setAccessibleName("Problem")

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self._icon)
        layout.addWidget(self._label, 1)
        self.hide()

    def text(self) -> str:
        return self._label.text()

    def set_message(self, message: str) -> None:
        self._label.setText(message)
        self.setVisible(bool(message))


class ReflowingRow(QWidget):
    """Parts side by side where the row has room for each one's preferred width, one under the other where not.

    Laid out only side by side, the form's widest row (the model and its parameters, 625 px) set how narrow the
    window's middle could get, and beside the history and Try it the history was left a column of "Fixed li...".
    """

    def __init__(self, parts: Sequence[tuple[QWidget, int]], spacing: int, stacked_spacing: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._parts = [part for part, _stretch in parts]
        self._spacing = {QBoxLayout.Direction.LeftToRight: spacing, QBoxLayout.Direction.TopToBottom: stacked_spacing}
        self._layout = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self._layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)  # the width is ours to choose
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(spacing)
        for part, stretch in parts:
            self._layout.addWidget(part, stretch)

    def _shown(self) -> list[QWidget]:
        return [part for part in self._parts if not part.isHidden()]

    def side_by_side(self) -> bool:
        return self._layout.direction() == QBoxLayout.Direction.LeftToRight

    def minimumSizeHint(self) -> QSize:
        widest = max((part.minimumSizeHint().width() for part in self._shown()), default=0)
        return QSize(widest, self._layout.minimumSize().height())

    def sizeHint(self) -> QSize:
        return self._layout.sizeHint()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        shown = self._shown()
        side_by_side = QBoxLayout.Direction.LeftToRight
        room = sum(part.sizeHint().width() for part in shown) + self._spacing[side_by_side] * max(len(shown) - 1, 0)
        direction = side_by_side if event.size().width() >= room else QBoxLayout.Direction.TopToBottom
        if self._layout.direction() != direction:
            self._layout.setDirection(direction)
            self._layout.setSpacing(self._spacing[direction])
            self.updateGeometry()  # one under the other is taller: the form makes room


class FoldingSection(QWidget):
    """A title that opens and closes the part of the form below it: advanced things stay out of the way."""

    def __init__(self, title: str, body: QWidget, object_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self._title = title
        self.toggle = named(QToolButton(), f"{object_name}Toggle", title)
        self.toggle.setText(title)
        self.toggle.setAutoRaise(True)
        self.toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.body = body
        self.body.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.toggle, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.body)

        self.toggle.clicked.connect(lambda: self.set_open(not self.is_open()))

    def is_open(self) -> bool:
        return not self.body.isHidden()

    def set_open(self, is_open: bool) -> None:
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if is_open else Qt.ArrowType.RightArrow)
        self.toggle.setAccessibleDescription("open" if is_open else "closed")
        self.body.setVisible(is_open)

    def set_summary(self, summary: str) -> None:
        """A few words after the title saying what is inside, so a closed section still tells its state."""
        self.toggle.setText(f"{self._title}  ·  {summary}" if summary else self._title)


class _CellControlKeys(QObject):
    """Space, F2, F4 or Alt+Down on a cell holding a drop-down opens its list, the keyboard staying on the table."""

    _KEYS = (Qt.Key.Key_Space, Qt.Key.Key_F2, Qt.Key.Key_F4)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) and isinstance(
            watched, QAbstractItemView
        ):
            alt_arrow = event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up) and bool(
                event.modifiers() & Qt.KeyboardModifier.AltModifier
            )
            control = watched.indexWidget(watched.currentIndex())
            if (event.key() in self._KEYS or alt_arrow) and isinstance(control, QComboBox) and control.isEnabled():
                control.showPopup()
                return True
        return super().eventFilter(watched, event)


# Typing or double-clicking starts editing; merely moving the current cell does not.
TABLE_EDIT_TRIGGERS = (
    QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
    | QAbstractItemView.EditTrigger.AnyKeyPressed | QAbstractItemView.EditTrigger.SelectedClicked
)


def setup_small_table(view: QTableView, *, max_rows: int = 8) -> None:
    """A table sized to its rows (up to `max_rows`): short lists must not leave big empty boxes on the form."""
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 16)
    view.horizontalHeader().setStretchLastSection(True)
    view.horizontalHeader().setHighlightSections(False)
    view.setShowGrid(False)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.setTabKeyNavigation(False)  # Tab leaves the table; arrows move inside it
    view.setItemDelegate(TableItemDelegate(view))
    view.installEventFilter(_CellControlKeys(view))
    view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    view.setEditTriggers(TABLE_EDIT_TRIGGERS)
    view.setAccessibleDescription("Arrows move between cells; F2 or typing edits a cell, Space opens a list of "
                                  "choices; Tab goes on.")
    FocusFrame(view)
    view.ensurePolished()

    def fit() -> None:
        model = view.model()
        rows = max(1, min(max_rows, model.rowCount() if model is not None else 0))
        header = 0 if view.horizontalHeader().isHidden() else view.horizontalHeader().sizeHint().height()
        row_height = view.verticalHeader().defaultSectionSize()
        view.setFixedHeight(header + rows * row_height + 2 * view.frameWidth())

    model = view.model()
    model.rowsInserted.connect(fit)
    model.rowsRemoved.connect(fit)
    model.modelReset.connect(fit)
    fit()
