"""The main window: prompt list, the editor of the selected prompt, its version history.

It shows the state of an `EditingSession` and forwards what the user asks: every rule about the draft (when it is
kept on disk, what a save or a conflict does to it) lives in the session, which tests drive without a display.
The longer flows live in objects of their own, given what they use and connected to the window's actions:
`TransferFlows` (export, import, copy to another connection) and `HistoryFlows` (compare, restore, tags).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QByteArray,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QRect,
    QSettings,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShortcut
from PySide6.QtNetwork import QNetworkInformation
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from prompt_studio.models import Prompt, config_from_prompt
from prompt_studio.models.draft import Draft
from prompt_studio.models.errors import AuthenticationError, PromptStudioError
from prompt_studio.models.labels import location_label
from prompt_studio.models.variables import variables_read
from prompt_studio.services.backends import Capabilities
from prompt_studio.services.connections import LOCAL_LIBRARY, Connection, Connector, Workspace, folder_connection
from prompt_studio.services.drafts import DraftStore
from prompt_studio.services.editing import EditingSession, MergeDecision, SaveAllSummary, draft_status
from prompt_studio.services.finding import Reference
from prompt_studio.services.merging import MergeSession
from prompt_studio.services.offline import OfflineList
from prompt_studio.services.preferences import Preferences
from prompt_studio.services.prompts import PromptService, SaveOutcome
from prompt_studio.services.reachability import Reachability, clock
from prompt_studio.services.trying import Trials
from prompt_studio.ui.about_dialog import AboutDialog, bundled_licences
from prompt_studio.ui.appearance import Appearance, keep_preferences, read_preferences
from prompt_studio.ui.connection_dialog import ConnectionDialog
from prompt_studio.ui.dialogs import ChangeKeyDialog, CommitMessageDialog, new_prompt_dialog
from prompt_studio.ui.editor import PromptEditor, editor_for, editor_kind
from prompt_studio.ui.history import VersionHistoryModel
from prompt_studio.ui.history_flows import HistoryFlows
from prompt_studio.ui.key_value_tags import KeyValueTagsDialog
from prompt_studio.ui.menus import add_actions, menu, replace_action
from prompt_studio.ui.merge_dialog import MergeDialog
from prompt_studio.ui.model_providers_dialog import ModelProvidersDialog
from prompt_studio.ui.open_folder_dialog import OpenFolderDialog
from prompt_studio.ui.preferences_dialog import PreferencesDialog
from prompt_studio.ui.progress_dialog import SAVE_ALL, ProgressDialog, ProgressWords
from prompt_studio.ui.prompt_list import FoldedFolders, PromptListModel, PromptListView
from prompt_studio.ui.quick_open import QuickOpenDialog
from prompt_studio.ui.server_notice import ServerNotice
from prompt_studio.ui.shortcuts_dialog import ShortcutsDialog, shortcuts_of
from prompt_studio.ui.tasks import ErrorBox, TaskRunner, wait_for_dialog
from prompt_studio.ui.transfer_flows import TransferFlows
from prompt_studio.ui.trial_run_dialog import TrialRunDialog
from prompt_studio.ui.try_it_companion import TryItCompanion
from prompt_studio.ui.try_it_panel import DRAFT_SUBJECT, TryItPanel, version_label
from prompt_studio.ui.when import full_time
from prompt_studio.version import installed_version

log = logging.getLogger(__name__)

DRAFT_WRITE_DELAY_MS = 300


def _named(item, object_name: str, accessible_name: str):
    """Give a widget or action the stable names tests and assistive tools find it by.

    An action has no accessible name of its own: the tool button that shows it reads its text and tooltip.
    """
    item.setObjectName(object_name)
    if isinstance(item, QAction):
        item.setToolTip(item.toolTip() if item.toolTip() != item.text() else accessible_name)
    else:
        item.setAccessibleName(accessible_name)
    return item


class VersionBanner(QWidget):
    """Shown while an old version is on screen: says so, and offers the ways back."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("versionBanner")
        self.label = QLabel()
        self.restore_button = _named(QPushButton("Restore this version"), "bannerRestore", "Restore this version")
        self.compare_button = _named(QPushButton("Compare with newest"), "bannerCompare", "Compare with newest")
        self.back_button = _named(QPushButton("Back to my draft"), "bannerBack", "Back to my draft")

        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.restore_button)
        layout.addWidget(self.compare_button)
        layout.addWidget(self.back_button)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(self.backgroundRole().AlternateBase)
        self.hide()

    def show_version(self, prompt: Prompt) -> None:
        self.label.setText(f"Viewing v{prompt.version} (saved {full_time(prompt.created_at)}), read-only.")
        self.show()


async def _quietly(read: Callable[[], Awaitable[Any]]) -> Any:
    """A background read whose failure the list's own message already says (no dialog for it). `read` makes its
    coroutine only once this one runs, so a read cancelled before it began leaves nothing never awaited."""
    try:
        return await read()
    except PromptStudioError:
        return None


class RoomForWords(QObject):
    """Keeps a table's words column readable: in a narrow panel (a 1280x720 screen) the optional columns step
    aside, in order, until the words have room; their values stay in each row's tooltip."""

    MIN_WORDS_WIDTH = 150

    def __init__(self, view: QTableView, *, words_column: int, optional: tuple[int, ...]):
        super().__init__(view)
        self.view, self.words_column, self.optional = view, words_column, optional
        header = view.horizontalHeader()
        self._widths = {column: header.sectionSize(column) for column in range(header.count())}
        """Measured once, shown: a hidden section reports no width."""
        self._unneeded: set[int] = set()
        view.viewport().installEventFilter(self)

    def set_unneeded(self, column: int, unneeded: bool) -> None:
        """A column with nothing to show (no authors in a local library) is hidden whatever the width."""
        (self._unneeded.add if unneeded else self._unneeded.discard)(column)
        self._fit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self._fit()
        return False

    def _fit(self) -> None:
        room = self.view.viewport().width()
        shown = [column for column in self._widths if column != self.words_column and column not in self._unneeded]
        hidden: set[int] = set()
        for column in self.optional:
            if room - sum(self._widths[other] for other in shown if other not in hidden) >= self.MIN_WORDS_WIDTH:
                break
            hidden.add(column)
        for column in self._widths:
            if column != self.words_column:
                self.view.setColumnHidden(column, column in hidden or column in self._unneeded)


class MainWindow(QMainWindow):
    """One connection's prompts."""

    sig_prompt_opened = Signal(str)
    """A prompt finished loading into the editor (its handle)."""

    def __init__(self, connector: Connector, workspace: Workspace, settings: QSettings | None = None,
                 trials: Trials | None = None, appearance: Appearance | None = None):
        super().__init__()
        self.connector = connector
        self.trials = trials
        self.appearance = appearance
        """The app's look as Preferences say (made on first use when the composition root gave none)."""
        self.session = EditingSession(workspace)
        self.settings = settings
        self.tasks = TaskRunner(self)
        self._closing_confirmed = False
        self.quick_open_dialog: QuickOpenDialog | None = None
        self.setObjectName("mainWindow")

        self._build_actions()
        self._build_widgets()
        self._build_layout()
        self._connect_signals()
        self._restore_layout()
        self._listed = False
        """Whether the server's list of prompts arrived yet (before it, an empty list means nothing)."""
        self._show_connection()
        self._update_welcome()
        self._update_actions()

    @property
    def workspace(self) -> Workspace:
        return self.session.workspace

    @property
    def service(self) -> PromptService:
        return self.session.service

    @property
    def drafts(self) -> DraftStore:
        return self.session.drafts

    @property
    def draft(self) -> Draft | None:
        return self.session.draft

    @property
    def connection_name(self) -> str:
        return self.workspace.connection.name

    # -- construction -------------------------------------------------------------------------------------------

    def _build_actions(self) -> None:
        self.new_action = _named(QAction("New prompt", self), "newPromptAction", "New prompt")
        self.new_action.setShortcut(QKeySequence.StandardKey.New)
        self.save_action = _named(QAction("Save", self), "saveAction", "Save a new version")
        self.save_action.setShortcut(QKeySequence.StandardKey.Save)
        self.save_action.setToolTip("Save a new version on the server (Ctrl+S)")
        self.save_all_action = _named(QAction("Save all...", self), "saveAllAction", "Save every draft")
        self.save_all_action.setShortcut(QKeySequence("Ctrl+Shift+S"))
        self.save_all_action.setToolTip("Save every draft of this connection as new versions, with one message")
        self.resume_merge_action = _named(QAction("Resolve conflict", self), "resumeMergeAction", "Resolve conflict")
        self.resume_merge_action.setToolTip("Someone saved a newer version: merge your draft with it")
        self.import_action = _named(QAction("Import...", self), "importAction", "Import prompts from a file")
        self.import_action.setToolTip("Put the prompts of an exported file into this connection, never overwriting")
        self.import_folder_action = _named(QAction("Import a folder...", self), "importFolderAction",
                                           "Import prompts from a LangWatch CLI project folder")
        self.import_folder_action.setToolTip("Put the prompt files of a LangWatch CLI project folder into this "
                                             "connection, never overwriting")
        self.export_action = _named(QAction("Export...", self), "exportAction", "Export prompts")
        self.export_action.setToolTip("Write this connection's prompts to one file or a LangWatch CLI project folder "
                                      "(a backup, for git, or for another connection)")
        self.copy_to_action = _named(QAction("Copy to...", self), "copyToConnectionAction",
                                     "Copy the prompt to another connection")
        self.copy_to_action.setToolTip("Copy this prompt's newest version to another connection")
        self.refresh_action = _named(QAction("Refresh", self), "refreshAction", "Refresh")
        self.refresh_action.setShortcut(QKeySequence.StandardKey.Refresh)
        self.delete_action = _named(QAction("Delete prompt", self), "deletePromptAction", "Delete prompt")
        self.compare_action = _named(QAction("Compare", self), "compareVersionsAction", "Compare versions")
        self.compare_action.setShortcut(QKeySequence("Ctrl+D"))
        self.compare_action.setToolTip("Compare two versions selected in the history (or one with the newest)")
        self.restore_action = _named(QAction("Restore", self), "restoreVersionAction", "Restore version")
        self.restore_action.setShortcut(QKeySequence("Ctrl+Shift+R"))
        self.move_tag_action = _named(QAction("Move tag", self), "moveTagAction", "Move a tag to the selected version")
        self.move_tag_action.setShortcut(QKeySequence("Ctrl+T"))
        self.explain_save_shortcut = QShortcut(QKeySequence.StandardKey.Save, self)
        self.explain_save_shortcut.setObjectName("explainSaveShortcut")
        self.restore_action.setToolTip("Save the selected old version again as the newest")
        self.tag_menu = QMenu("Tag", self)
        self.tag_menu.setObjectName("tagMenu")
        self.test_prompt_action = _named(QAction("Test prompt", self), "testPromptAction", "Test prompt")
        self.test_prompt_action.setToolTip("Run your draft once on its first model, with values for its variables")
        self.prompt_tags_action = _named(QAction("Prompt tags", self), "promptTagsAction",
                                         "Key/value tags of the prompt")
        self.prompt_tags_action.setToolTip("Key/value tags of the whole prompt")
        self.find_action = _named(QAction("Find prompt", self), "findPromptAction", "Find prompt")
        self.find_action.setShortcut(QKeySequence.StandardKey.Find)
        self.quick_open_action = _named(QAction("Go to prompt...", self), "quickOpenAction", "Go to prompt")
        self.quick_open_action.setShortcut(QKeySequence("Ctrl+P"))
        self.quick_open_action.setToolTip("Open a prompt by a few letters of its name, or name:tag, name:2")
        self.quit_action = _named(QAction("Quit", self), "quitAction", "Quit")
        # Ctrl+Q where the platform names no Quit key (Windows, desktops Qt does not recognise)
        self.quit_action.setShortcuts(QKeySequence.keyBindings(QKeySequence.StandardKey.Quit)
                                      or [QKeySequence("Ctrl+Q")])
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.add_server_action = _named(QAction(self.ADD_SERVER, self), "addServerAction", "Add a server")
        self.add_server_action.setToolTip("Connect to a LangWatch or Orkes server")
        self.open_folder_action = _named(QAction("Open folder...", self), "openFolderAction", "Open a CLI folder")
        self.open_folder_action.setToolTip("Open a LangWatch CLI project folder (prompts.json), synced with a server")
        self.remove_connection_action = _named(QAction(self.REMOVE_CONNECTION, self), "removeConnectionAction",
                                               "Remove this connection")
        self.remove_connection_action.setToolTip("Forget this server on this computer: its key and its drafts")
        self.history_panel_action = _named(QAction("History panel", self), "historyPanelAction",
                                           "Show the history panel")
        self.history_panel_action.setCheckable(True)
        self.history_panel_action.setChecked(True)
        self.try_it_action = _named(QAction("Try it", self), "tryItAction", "Show what the model receives")
        self.try_it_action.setCheckable(True)
        self.try_it_action.setShortcut(QKeySequence("Ctrl+Shift+T"))
        self.try_it_action.setToolTip("Fill the inputs and see what the model receives, as you type")
        self.model_providers_action = _named(QAction("Model providers...", self), "modelProvidersAction",
                                             "Model providers")
        self.model_providers_action.setToolTip("The providers Try it runs prompts on, and their keys")
        self.model_providers_action.setEnabled(self.trials is not None)
        self.shortcuts_action = _named(QAction("Keyboard shortcuts", self), "shortcutsAction", "Keyboard shortcuts")
        self.shortcuts_action.setShortcut(QKeySequence("Ctrl+/"))
        self.about_action = _named(QAction("About Prompt Studio", self), "aboutAction", "About Prompt Studio")
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.preferences_action = _named(QAction("Preferences...", self), "preferencesAction", "Preferences")
        self.preferences_action.setShortcuts(QKeySequence.keyBindings(QKeySequence.StandardKey.Preferences)
                                             or [QKeySequence("Ctrl+,")])
        self.preferences_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.preferences_action.setToolTip("Theme, font of the prompt texts, connection at start, default provider")
        self.addActions([self.find_action, self.quit_action, self.move_tag_action])

    def _build_widgets(self) -> None:
        self.toolbar = QToolBar("Main")
        self.toolbar.setObjectName("mainToolbar")
        self.connection_selector = _named(QComboBox(), "connectionSelector", "Connection")
        self.connection_selector.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.connection_status = _named(QLabel(), "connectionStatus", "Connection status")
        self.tag_button = _named(QToolButton(), "tagButton", "Move a tag to the selected version")
        self.tag_button.setText("Move tag")
        self.tag_button.setMenu(self.tag_menu)
        self.tag_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)

        self.server_notice = ServerNotice()
        self.reachability = Reachability(self.connection_name)
        self.retry_timer = QTimer(self)
        self.retry_timer.setSingleShot(True)
        self.countdown_timer = QTimer(self)
        self.countdown_timer.setInterval(1000)
        self.prompt_filter = _named(QLineEdit(), "promptFilter", "Filter prompts")
        self.prompt_filter.setPlaceholderText("Filter prompts...")
        self.prompt_filter.setClearButtonEnabled(True)
        self.search_in_text = _named(QCheckBox("Search in text"), "searchInTextToggle",
                                     "Search in the prompts' texts too")
        self.search_in_text.setToolTip("Match the words in the system prompts and messages too, not only in names")
        self.prompt_model = PromptListModel(self)
        self.prompt_list = _named(PromptListView(), "promptList", "Prompts")
        self._setup_table(self.prompt_list, self.prompt_model, stretch_column=0)
        self.prompt_list.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self._fit_columns(self.prompt_list, {1: "v12", 2: "production", 3: "Updated"})
        self.prompt_list_room = RoomForWords(self.prompt_list, words_column=0, optional=(3, 2))
        self.prompt_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.prompt_count = QLabel()
        self.prompt_count.setObjectName("promptCount")
        self.folded_folders = FoldedFolders(self.settings)
        self.prompt_model.set_folded_folders(self.folded_folders.of(self.workspace.connection.id))

        self.title_label = _named(QLabel(), "promptTitle", "Prompt")
        font = self.title_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title_label.setFont(font)
        self.banner = VersionBanner()
        self.offline_note = _named(QLabel(), "offlineNote", "About the offline copy")
        self.offline_note.setWordWrap(True)
        self.offline_note.hide()
        self.editor = editor_for(self.service.capabilities)
        self._editor_shape = editor_kind(self.service.capabilities)
        self.editor.setEnabled(False)
        self.welcome = _named(QLabel(), "welcome", "Welcome")
        self.welcome.setWordWrap(True)
        self.welcome.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.welcome_new_button = _named(QPushButton("New prompt"), "welcomeNewPrompt", "New prompt")
        self.welcome_folder_button = _named(QPushButton("Open folder..."), "welcomeOpenFolder",
                                            "Open a LangWatch CLI project folder")
        self.try_it = TryItPanel(trials=self.trials)
        self.try_it.run_action.setEnabled(False)  # until Try it is shown
        self.try_it_companion = TryItCompanion(self.try_it, self.tasks, self.trials, self,
                                               lambda words: self.statusBar().showMessage(words, 10000))
        self.try_it_companion.use(self.workspace)
        self.history_note = _named(QLabel(), "historyNote", "About the history")
        self.history_note.setWordWrap(True)
        self.history_note.hide()

        self.history_model = VersionHistoryModel(self)
        self.history_view = _named(QTableView(), "versionHistory", "Version history")
        self._setup_table(self.history_view, self.history_model, stretch_column=3)
        self._fit_columns(self.history_view, {0: "v12", 1: "00 Nov", 2: "someone", 4: "production"})
        self.history_room = RoomForWords(self.history_view, words_column=3, optional=(1, 2))
        self.history_view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)

        self.busy_bar = QProgressBar()
        self.busy_bar.setObjectName("busyIndicator")
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setMaximumWidth(120)
        self.busy_bar.setAccessibleName("Working")
        self.busy_bar.hide()
        self.draft_status = _named(QLabel(), "draftStatus", "Draft status")
        self.transfers = TransferFlows(
            self, self.tasks, self.connector, lambda: self.session, self.prompt_model,
            say=lambda words, ms: self.statusBar().showMessage(words, ms),
            wait_for_save=self._wait_for_save_before_switching, with_progress=self._with_progress,
            ask_to_merge=self._ask_to_merge, merge_in_dialog=self._merge_in_dialog,
            after_bulk_save=self._after_bulk_save, add_server_entry=self.ADD_SERVER)
        self.history_flows = HistoryFlows(
            self, self.tasks, lambda: self.session, self.history_view, self.history_model, self.tag_menu,
            say=lambda words, ms: self.statusBar().showMessage(words, ms), show_opened=self._show_opened,
            show_drafts_kept=self._show_drafts_kept, refresh=self.refresh, load_history=self.load_history,
            open_prompt=self.open_prompt)

    @staticmethod
    def _setup_table(view: QTableView, model, stretch_column: int) -> None:
        """Rows of one line; the column that carries the words stretches, the others fit their contents."""
        view.setModel(model)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.verticalHeader().hide()
        view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)
        header = view.horizontalHeader()
        header.setMinimumSectionSize(36)
        for column in range(model.columnCount()):
            mode = QHeaderView.ResizeMode.Stretch if column == stretch_column else QHeaderView.ResizeMode.Interactive
            header.setSectionResizeMode(column, mode)
        view.setShowGrid(False)
        view.setAlternatingRowColors(True)
        view.setWordWrap(False)
        view.setTabKeyNavigation(False)

    @staticmethod
    def _fit_columns(view: QTableView, samples: dict[int, str]) -> None:
        """Size the narrow columns to a typical value (or their title), whatever the font."""
        metrics = view.fontMetrics()
        model = view.model()
        for column, sample in samples.items():
            title = model.headerData(column, Qt.Orientation.Horizontal)
            view.setColumnWidth(column, max(metrics.horizontalAdvance(text) for text in (sample, title)) + 24)

    def _build_layout(self) -> None:
        for action in (self.new_action, self.save_action, self.resume_merge_action):
            self.toolbar.addAction(action)
        self.toolbar.addSeparator()
        for action, short in ((self.editor.undo_action, "Undo"), (self.editor.redo_action, "Redo")):
            action.setIconText(short)
            self.toolbar.addAction(action)
        self.toolbar.addSeparator()
        self.toolbar.addAction(self.compare_action)
        self.toolbar.addAction(self.restore_action)
        self.tag_button_action = self.toolbar.addWidget(self.tag_button)
        self.toolbar.addAction(self.prompt_tags_action)
        self.toolbar.addAction(self.test_prompt_action)
        self.toolbar.addSeparator()
        self.toolbar.addAction(self.refresh_action)
        self.toolbar.addAction(self.delete_action)
        spacer = QWidget()
        spacer.setSizePolicy(spacer.sizePolicy().horizontalPolicy().Expanding,
                             spacer.sizePolicy().verticalPolicy().Preferred)
        self.toolbar.addWidget(spacer)
        self.toolbar.addWidget(QLabel("Connection: "))
        self.toolbar.addWidget(self.connection_selector)
        self.addToolBar(self.toolbar)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(6, 6, 0, 6)
        left_layout.addWidget(self.server_notice)
        left_layout.addWidget(self.prompt_filter)
        left_layout.addWidget(self.search_in_text)
        left_layout.addWidget(self.prompt_list, 1)
        left_layout.addWidget(self.prompt_count)

        center = QWidget()
        self.center_layout = center_layout = QVBoxLayout(center)
        center_layout.setContentsMargins(6, 6, 6, 6)
        center_layout.addWidget(self.title_label)
        center_layout.addWidget(self.banner)
        center_layout.addWidget(self.offline_note)
        welcome_page = QWidget()
        welcome_layout = QVBoxLayout(welcome_page)
        welcome_layout.addStretch(1)
        self.welcome.setMaximumWidth(560)  # lines a reader's eye can follow, not the width of the screen
        welcome_layout.addWidget(self.welcome, 0, Qt.AlignmentFlag.AlignHCenter)
        welcome_buttons = QHBoxLayout()
        welcome_buttons.addStretch(1)
        welcome_buttons.addWidget(self.welcome_new_button)
        welcome_buttons.addWidget(self.welcome_folder_button)
        welcome_buttons.addStretch(1)
        welcome_layout.addLayout(welcome_buttons)
        welcome_layout.addStretch(2)
        self.editor_stack = QStackedWidget()
        self.editor_stack.setObjectName("editorStack")
        self.editor_stack.addWidget(welcome_page)
        self.editor_stack.addWidget(self.editor)
        center_layout.addWidget(self.editor_stack, 1)

        self.history_panel = right = QWidget()
        right.setObjectName("historyPanel")
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 6, 6, 6)
        history_title = QLabel("History")
        history_title.setBuddy(self.history_view)
        right_layout.addWidget(history_title)
        right_layout.addWidget(self.history_note)
        right_layout.addWidget(self.history_view, 1)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(center)
        self.splitter.addWidget(right)
        # A wider window, or Try it opened beside, changes all three: most to the form, the history a share
        # (its messages need the room), the list a little.
        for index, stretch in enumerate((0, 2, 1)):
            self.splitter.setStretchFactor(index, stretch)
        self.splitter.setSizes([400, 660, 380])
        self.setCentralWidget(self.splitter)
        self.try_it_dock = QDockWidget("Try it", self)
        self.try_it_dock.setObjectName("tryItDock")
        self.try_it_dock.setWidget(self.try_it)
        self.try_it_dock.setAllowedAreas(Qt.DockWidgetArea.RightDockWidgetArea | Qt.DockWidgetArea.BottomDockWidgetArea)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.try_it_dock)
        self.try_it_dock.hide()

        self.statusBar().addWidget(self.draft_status, 1)
        self.statusBar().addPermanentWidget(self.busy_bar)
        self.statusBar().addPermanentWidget(self.connection_status)
        self._build_menus()
        self.fit_to_screen()

    def _build_menus(self) -> None:
        """Every action of the window in a menu, with its shortcut; the toolbar shows a few of them again."""
        bar = self.menuBar()
        bar.setObjectName("menuBar")
        self.file_menu = menu(bar, "&File", "fileMenu")
        add_actions(self.file_menu, self.new_action, self.quick_open_action, self.save_action, self.save_all_action,
                    self.resume_merge_action, None, self.import_action, self.import_folder_action,
                    self.export_action, None,
                    self.refresh_action, self.delete_action, None, self.add_server_action, self.open_folder_action,
                    self.model_providers_action,
                    self.remove_connection_action, None, self.quit_action)
        self.edit_menu = menu(bar, "&Edit", "editMenu")
        add_actions(self.edit_menu, self.editor.undo_action, self.editor.redo_action, None, self.find_action, None,
                    self.preferences_action)
        self.view_menu = menu(bar, "&View", "viewMenu")
        add_actions(self.view_menu, self.history_panel_action, self.try_it_action)
        self.prompt_menu = menu(bar, "&Prompt", "promptMenu")
        add_actions(self.prompt_menu, self.compare_action, self.restore_action, self.move_tag_action, None,
                    self.prompt_tags_action, self.test_prompt_action, None, self.copy_to_action)
        self.help_menu = menu(bar, "&Help", "helpMenu")
        add_actions(self.help_menu, self.shortcuts_action, None, self.about_action)

    def fit_to_screen(self, width: int = 1360, height: int = 860, area: QRect | None = None) -> None:
        """Open at this size, or smaller where the screen's free area is smaller (a 1280x720 laptop)."""
        if area is None:
            screen = self.screen() or QApplication.primaryScreen()
            area = screen.availableGeometry() if screen is not None else QRect(0, 0, width, height)
        frame = 40  # the title bar and borders the window manager adds around the window
        width, height = min(width, area.width()), min(height, area.height() - frame)
        self.splitter.setSizes([width * 28 // 100, width * 44 // 100, width * 28 // 100])
        self.resize(width, height)

    def _connect_signals(self) -> None:
        self.new_action.triggered.connect(self._on_new_action_triggered)
        self.welcome_new_button.clicked.connect(self._on_new_action_triggered)
        self.welcome_folder_button.clicked.connect(self.open_folder_action.trigger)
        self.save_action.triggered.connect(self._on_save_action_triggered)
        self.save_all_action.triggered.connect(self._on_save_all_action_triggered)
        self.resume_merge_action.triggered.connect(self._on_resume_merge_action_triggered)
        self.import_action.triggered.connect(self.transfers.start_import)
        self.import_folder_action.triggered.connect(self.transfers.start_import_folder)
        self.export_action.triggered.connect(self.transfers.start_export)
        self.copy_to_action.triggered.connect(self.transfers.start_copy_to)
        self.refresh_action.triggered.connect(self.refresh)
        self.delete_action.triggered.connect(self._on_delete_action_triggered)
        self.compare_action.triggered.connect(self.history_flows.compare_selected)
        self.restore_action.triggered.connect(self.history_flows.start_restore)
        self.test_prompt_action.triggered.connect(self._on_test_prompt_action_triggered)
        self.prompt_tags_action.triggered.connect(self._on_prompt_tags_action_triggered)
        self.find_action.triggered.connect(self.prompt_filter.setFocus)
        self.quick_open_action.triggered.connect(self.show_quick_open)
        self.quit_action.triggered.connect(self.close)
        self.add_server_action.triggered.connect(self._on_add_server_action_triggered)
        self.open_folder_action.triggered.connect(self._on_open_folder_action_triggered)
        self.remove_connection_action.triggered.connect(self._on_remove_connection_action_triggered)
        self.history_panel_action.toggled.connect(self.history_panel.setVisible)
        self.try_it_action.toggled.connect(self._on_try_it_action_toggled)
        self.server_notice.try_now_button.clicked.connect(self.refresh)
        self.server_notice.change_key_button.clicked.connect(self._on_change_key_button_clicked)
        self.retry_timer.timeout.connect(self.refresh)
        self.countdown_timer.timeout.connect(self._show_reachability)
        if QNetworkInformation.loadBackendByFeatures(QNetworkInformation.Feature.Reachability):
            QNetworkInformation.instance().reachabilityChanged.connect(self._on_reachability_changed)
        self.history_model.modelReset.connect(lambda: self.try_it.set_versions(self.history_model.versions))
        self.model_providers_action.triggered.connect(
            lambda: self.tasks.run("providers", "Opening the model providers", self.edit_model_providers()))
        self.addAction(self.try_it.run_action)  # Ctrl+Enter runs from anywhere in the window
        self.try_it_dock.visibilityChanged.connect(self.try_it_action.setChecked)
        self.shortcuts_action.triggered.connect(self.show_shortcuts)
        self.about_action.triggered.connect(self._on_about_action_triggered)
        self.preferences_action.triggered.connect(
            lambda: self.tasks.run("preferences", "Opening Preferences", self.show_preferences()))
        self.move_tag_action.triggered.connect(self.tag_button.showMenu)
        self.explain_save_shortcut.activated.connect(self._on_explain_save_shortcut_activated)
        self.tag_menu.aboutToShow.connect(self.history_flows.fill_tag_menu)
        self.prompt_filter.textChanged.connect(self.prompt_model.set_filter)
        self.prompt_filter.textChanged.connect(self._update_count)
        self.search_in_text.toggled.connect(self.prompt_model.set_search_in_text)
        self.search_in_text.toggled.connect(lambda _on: self._update_count())
        self.prompt_model.sig_folding_changed.connect(self._on_prompt_model_folding_changed)
        self.prompt_filter.returnPressed.connect(self._on_prompt_filter_return_pressed)
        self.prompt_list.selectionModel().currentRowChanged.connect(self._on_prompt_list_current_changed)
        self.history_view.selectionModel().selectionChanged.connect(self._on_history_selection_changed)
        self._connect_editor()
        self.banner.restore_button.clicked.connect(self.history_flows.start_restore)
        self.banner.compare_button.clicked.connect(self.history_flows.compare_with_newest)
        self.banner.back_button.clicked.connect(self._on_banner_back_clicked)
        self.connection_selector.activated.connect(self._on_connection_selector_activated)
        self.tasks.sig_busy_changed.connect(self._on_tasks_busy_changed)
        self.tasks.sig_failed.connect(self._on_tasks_failed)
        self.tasks.sig_finished.connect(lambda _slot: self._update_actions())

        self.try_it.sig_add_inputs_requested.connect(self._on_try_it_add_inputs_requested)
        self.draft_timer = QTimer(self)
        self.draft_timer.setSingleShot(True)
        self.draft_timer.setInterval(DRAFT_WRITE_DELAY_MS)
        self.draft_timer.timeout.connect(self.write_draft)


    def _connect_editor(self) -> None:
        self.editor.sig_edited.connect(self._on_editor_edited)
        self.editor.sig_validity_changed.connect(lambda _valid: self._update_actions())

    def _use_editor_for(self, capabilities: Capabilities) -> None:
        """Hold the editor of what this connection's prompts hold; its undo actions and signals move over."""
        if editor_kind(capabilities) == self._editor_shape:
            return
        old, new = self.editor, editor_for(capabilities)
        new.setEnabled(old.isEnabled())
        for old_action, new_action, short in ((old.undo_action, new.undo_action, "Undo"),
                                              (old.redo_action, new.redo_action, "Redo")):
            new_action.setIconText(short)
            self.toolbar.insertAction(old_action, new_action)
            self.toolbar.removeAction(old_action)
            replace_action(self.edit_menu, old_action, new_action)
        showing = self.editor_stack.currentWidget() is old
        self.editor_stack.insertWidget(self.editor_stack.indexOf(old), new)
        self.editor_stack.removeWidget(old)
        if showing:
            self.editor_stack.setCurrentWidget(new)
        self.editor, self._editor_shape = new, editor_kind(capabilities)
        self._connect_editor()
        old.deleteLater()

    # -- connections --------------------------------------------------------------------------------------------

    ADD_SERVER = "Add a server..."
    REMOVE_CONNECTION = "Remove this connection..."

    def _show_connection(self) -> None:
        capabilities = self.service.capabilities
        self._use_editor_for(capabilities)
        self.tag_button_action.setVisible(capabilities.version_tags)
        self.move_tag_action.setVisible(capabilities.version_tags)
        self.remove_connection_action.setVisible(self.workspace.connection.kind != "local")
        self.prompt_tags_action.setVisible(capabilities.key_value_tags)
        self.test_prompt_action.setVisible(capabilities.test_prompt)
        self.setWindowTitle(f"Prompt Studio - {self.connection_name}")
        self._show_reachability()
        self.connection_selector.blockSignals(True)
        self.connection_selector.clear()
        for connection in self.connector.connections():
            self.connection_selector.addItem(connection.name, connection)
            if connection.id == self.workspace.connection.id:
                self.connection_selector.setCurrentIndex(self.connection_selector.count() - 1)
        self.connection_selector.addItem(self.ADD_SERVER, self.ADD_SERVER)
        if self.workspace.connection.kind != "local":
            self.connection_selector.addItem(self.REMOVE_CONNECTION, self.REMOVE_CONNECTION)
        self.connection_selector.blockSignals(False)

    def _on_connection_selector_activated(self, row: int) -> None:
        connection = self.connection_selector.itemData(row)
        if self._wait_for_save_before_switching():
            return
        if connection == self.ADD_SERVER:
            self.tasks.run("connect-flow", "Adding the server", self.add_server())
        elif connection == self.REMOVE_CONNECTION:
            self.tasks.run("connect-flow", "Removing the connection", self.remove_connection())
        elif connection.id != self.workspace.connection.id:
            self.tasks.run("connect-flow", f"Opening {connection.name}", self.switch_connection(connection))

    def _wait_for_save_before_switching(self) -> bool:
        """A save in flight belongs to this connection: say so, rather than switching under it."""
        if not self.tasks.is_running("save-flow"):
            return False
        self._show_connection()
        self.statusBar().showMessage("Wait until the save has finished, then switch.", 5000)
        return True

    def _on_add_server_action_triggered(self) -> None:
        if not self._wait_for_save_before_switching():
            self.tasks.run("connect-flow", "Adding the server", self.add_server())

    def _on_remove_connection_action_triggered(self) -> None:
        if self.workspace.connection.kind != "local" and not self._wait_for_save_before_switching():
            self.tasks.run("connect-flow", "Removing the connection", self.remove_connection())

    async def add_server(self) -> Connection | None:
        self._show_connection()
        dialog = ConnectionDialog(self, self.connector.probe, self.connector.secrets_where,
                                  orkes_probe=self.connector.probe_orkes)
        if await wait_for_dialog(dialog) != QDialog.DialogCode.Accepted:
            return None
        await self.connector.add(dialog.connection, dialog.api_key)
        await self.switch_connection(dialog.connection)
        return dialog.connection

    def _on_open_folder_action_triggered(self) -> None:
        if not self._wait_for_save_before_switching():
            self.tasks.run("connect-flow", "Opening the folder", self.open_folder())

    async def open_folder(self) -> Connection | None:
        """A LangWatch CLI project folder, bound to a saved LangWatch connection, opened as a connection of its own
        (its drafts are kept per folder) and kept in the connection list for the next start."""
        servers = [connection for connection in self.connector.connections() if connection.kind == "langwatch"]
        dialog = OpenFolderDialog(self, servers, self.workspace.connection.folder or "")
        if await wait_for_dialog(dialog) != QDialog.DialogCode.Accepted or dialog.connection is None:
            return None
        connection = folder_connection(dialog.root, dialog.connection)
        await self.connector.remember(connection)
        await self.switch_connection(connection)
        return connection

    async def remove_connection(self, *, confirm: bool = True) -> bool:
        """Forget the current connection on this computer (its key and drafts), then open the local library."""
        self._show_connection()
        connection = self.workspace.connection
        drafts = len(self.session.draft_handles)
        if confirm:
            box = QMessageBox(QMessageBox.Icon.Warning, "Remove connection",
                              f"Remove {connection.name} from this computer?",
                              QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self)
            box.setObjectName("removeConnectionDialog")
            forgotten = ("The folder and its files stay as they are; its list entry goes" if connection.kind == "folder"
                         else f"Its key is deleted from {self.connector.secrets_where}")
            box.setInformativeText(
                forgotten
                + (f", and its {drafts} unsaved draft{'s' if drafts != 1 else ''} on this computer too" if drafts
                   else "")
                + ". The prompts on the server are not touched. This cannot be undone.")
            box.setDefaultButton(QMessageBox.StandardButton.Cancel)
            if await wait_for_dialog(box) != QMessageBox.StandardButton.Yes:
                return False
        await self.switch_connection(LOCAL_LIBRARY)
        await self.connector.remove(connection)
        self._show_connection()
        self.statusBar().showMessage(f"Removed {connection.name}.", 5000)
        return True

    async def switch_connection(self, connection: Connection) -> None:
        """Open another connection; the drafts of each stay in their own folder.

        Every flow of the old connection ends here (a question it asked closes with it), so nothing it was doing
        can finish against the new connection's prompts or drafts.
        """
        await self.session.flush()
        workspace = await self.connector.open(connection)
        self.tasks.cancel_all(keep="connect-flow")
        self.draft_timer.stop()
        previous, self.session = self.session, EditingSession(workspace)
        self.try_it_companion.use(workspace)
        self.retry_timer.stop()
        self.countdown_timer.stop()
        self.server_notice.hide()
        self.reachability = Reachability(self.connection_name)
        self.banner.hide()
        self._show_nothing()
        self.prompt_model.set_prompts([])
        self.prompt_model.set_folded_folders(self.folded_folders.of(workspace.connection.id))
        self._show_connection()
        self._listed = False
        self._update_welcome()
        self._update_actions()
        await self.connector.close(previous.workspace)
        await self.refresh()

    # -- layout memory ------------------------------------------------------------------------------------------

    def _restore_layout(self) -> None:
        if self.settings is None:
            return
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        state = self.settings.value("window/splitter")
        if isinstance(state, QByteArray):
            self.splitter.restoreState(state)
        self.history_panel_action.setChecked(str(self.settings.value("window/historyShown", "true")) != "false")

    def _save_layout(self) -> None:
        if self.settings is None:
            return
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/splitter", self.splitter.saveState())
        self.settings.setValue("window/historyShown", "true" if self.history_panel_action.isChecked() else "false")
        self.settings.sync()

    # -- loading ------------------------------------------------------------------------------------------------

    def refresh(self) -> asyncio.Task:
        """Reload the prompt list (and keep the selection), which prompts have drafts, the tag names, and the
        history of the open prompt, so the list and the history never disagree about the newest version."""
        session = self.session
        self.retry_timer.stop()
        self.tasks.run("tags", "Loading the tags", _quietly(session.load_tags))
        if session.handle is not None and session.handle not in session.new_handles \
                and not self.tasks.is_running("open"):
            self.tasks.run("history", "Loading the history", _quietly(lambda: session.load_history(session.handle)),
                           lambda versions: versions is not None and self._show_history(versions))

        async def load() -> list[Prompt] | None:
            listing = asyncio.ensure_future(session.service.list_prompts())
            drafts_found = asyncio.ensure_future(session.start())  # which prompts have drafts, meanwhile
            prompts = None
            try:
                if not self._listed and self.reachability.offline_seen_at is None:
                    # A start (or a server that was away): the offline copy at once, until the server answers.
                    kept = await session.service.offline_list()
                    if kept is not None and session is self.session and not (listing.done()
                                                                              and not listing.exception()):
                        self._show_offline_list(kept)
                prompts = await listing
            except PromptStudioError as error:
                if session is self.session:
                    self._show_unreachable(error)
                return None
            finally:
                listing.cancel()
                if prompts is None:  # failed or cancelled: no list to mark the drafts in
                    drafts_found.cancel()
            if session is self.session:
                self._show_reached()
            await drafts_found
            return prompts

        return self.tasks.run("list", "Loading the prompts", load(),
                              lambda prompts: prompts is not None and self._show_prompts(prompts))

    def _show_offline_list(self, kept: OfflineList) -> None:
        self.reachability.offline_seen_at = kept.seen_at
        self._show_prompts(kept.prompts, listed=False)
        self._show_reachability()

    def _show_unreachable(self, error: PromptStudioError) -> None:
        """What is true when the list could not be read, above the list and in the status bar, without a dialog
        (no one asked for this load); and, unless the key was refused, another try by itself, waiting longer
        each time (1, 2, 4 ... 30 s)."""
        delay = self.reachability.failed(error)
        if delay is not None:
            self.retry_timer.start(delay * 1000)
            self.countdown_timer.start()
        else:
            self.countdown_timer.stop()
        self.server_notice.show_problem(self.reachability.notice(delay), error,
                                        key_rejected=isinstance(error, AuthenticationError))
        self._show_reachability()
        self._update_draft_status()
        self._update_actions()

    def _show_reachability(self) -> None:
        """The status bar and the notice say what is true now, the seconds to the next try counted down."""
        # Rounded, not up: a coarse timer may report a little more than it was started with.
        left = max(1, round(self.retry_timer.remainingTime() / 1000)) if self.retry_timer.isActive() else None
        status = self.reachability.status(left)
        self.connection_status.setText(status)
        self.connection_selector.setToolTip(status)
        error = self.reachability.error
        self.connection_status.setToolTip(error.user_message if error is not None else "")
        if self.reachability.away:
            self.server_notice.text.setText(self.reachability.notice(left))
        self._update_count()

    def _on_reachability_changed(self, reachability: QNetworkInformation.Reachability) -> None:
        """The network came back (a train leaves the tunnel): try at once rather than wait out the backoff."""
        if self.reachability.away and reachability in (
                QNetworkInformation.Reachability.Online, QNetworkInformation.Reachability.Site):
            self.refresh()

    def _on_change_key_button_clicked(self) -> None:
        if not self._wait_for_save_before_switching():
            self.tasks.run("connect-flow", "Changing the key", self.change_key())

    async def change_key(self, key: str | None = None) -> bool:
        """Ask for the new key of the server that refused the old one, keep it, and connect with it."""
        connection = self.workspace.connection
        if key is None:
            dialog = ChangeKeyDialog(self, connection.name, self.connector.secrets_where)
            if await wait_for_dialog(dialog) != QDialog.DialogCode.Accepted:
                return False
            key = dialog.key
        await self.connector.change_key(connection, key)
        await self.switch_connection(connection)
        return True

    def _show_reached(self) -> None:
        """The server answered: say so, and bring an offline copy on view up to the server's."""
        offline_prompt = self.session.offline_seen_at is not None
        if self.reachability.reached():
            self.statusBar().showMessage(f"{self.connection_name} answers again.", 8000)
        self.retry_timer.stop()
        self.countdown_timer.stop()
        self.server_notice.hide()
        self._show_reachability()
        if offline_prompt:
            self.session.offline_seen_at = None
            self.offline_note.hide()
            if self.draft is not None and not self.draft.differs_from_base and self.session.viewing is None:
                self.open_prompt(self.draft.handle)
        self._update_draft_status()
        self._update_actions()

    def _show_prompts(self, prompts: list[Prompt], *, listed: bool = True) -> None:
        """The list (`listed`: the server's own; else the offline copy while the server is away)."""
        self.prompt_model.set_prompts(prompts, self.session.new_handles)
        self._listed = listed
        self._update_welcome()
        self.prompt_model.set_drafts(self.session.draft_handles)
        self._update_count()
        if self.draft is not None:
            self._select_in_list(self.draft.handle)

    def _update_count(self) -> None:
        shown, total = self.prompt_model.matching, self.prompt_model.total
        words = f"{total} prompts" if shown == total else f"{shown} of {total} prompts"
        if not total and not self._listed:
            words = ""  # nothing came yet: no count rather than a false "0 prompts"
        seen_at = self.reachability.offline_seen_at
        self.prompt_count.setText(words if seen_at is None else f"{words} (offline copy from {clock(seen_at)})")

    def _select_in_list(self, handle: str) -> None:
        row = self.prompt_model.row_of(handle)
        if row is None:
            return
        selection = self.prompt_list.selectionModel()
        selection.blockSignals(True)
        selection.setCurrentIndex(self.prompt_model.index(row, 0),
                                  QItemSelectionModel.SelectionFlag.ClearAndSelect
                                  | QItemSelectionModel.SelectionFlag.Rows)
        selection.blockSignals(False)

    def _on_prompt_filter_return_pressed(self) -> None:
        """Enter in the filter opens the first prompt it kept."""
        shown = self.prompt_model.shown_handles()
        if shown:
            self.prompt_list.setFocus()
            self.prompt_list.selectRow(self.prompt_model.row_of(shown[0]))

    def _on_prompt_list_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        handle = self.prompt_model.handle_at(current.row()) if current.isValid() else None
        if handle is not None:
            self.open_prompt(handle)

    def _on_prompt_model_folding_changed(self) -> None:
        self.folded_folders.keep(self.workspace.connection.id, self.prompt_model.folded_folders())

    def open_prompt(self, handle: str) -> asyncio.Task:
        """Show a prompt: its draft if one is kept on this computer, else its newest version.

        The prompt and its history are read at once; a newer selection cancels this one.
        """
        self.prompt_model.reveal(handle)
        self._select_in_list(handle)
        self.tasks.cancel("history")
        return self.tasks.run("open", f"Opening {handle}", self.session.open(handle), self._show_opened)

    def _show_opened(self, draft: Draft) -> None:
        self.banner.hide()
        self.title_label.setText(draft.handle)
        self.editor.setEnabled(True)
        self.editor_stack.setCurrentWidget(self.editor)
        self._edit(draft)
        self._show_history(self.session.versions)
        self._update_draft_status()
        self._update_actions()
        if self.session.read_note:
            self.statusBar().showMessage(self.session.read_note, 20000)
        seen_at = self.session.offline_seen_at
        self.offline_note.setText("" if seen_at is None else (
            f"Offline copy from {clock(seen_at)}: {self.connection_name} cannot be reached. Your edits are kept "
            "on this computer as a draft, and Save works again once the server answers."))
        self.offline_note.setVisible(seen_at is not None)
        self.sig_prompt_opened.emit(draft.handle)

    def _edit(self, draft: Draft) -> None:
        """The draft in the form, editable; what it started from tells the form which fields the author cleared."""
        self.editor.set_content(draft.config, draft.parameters, read_only=self.session.read_only_reason is not None,
                                base_config=draft.base_config)
        self._follow_in_try_it()

    def _show_nothing(self) -> None:
        self.offline_note.hide()
        self.editor.setEnabled(False)
        self.editor_stack.setCurrentIndex(0)
        self.title_label.clear()
        self.history_model.set_versions([])
        self.history_note.hide()
        self._update_welcome()
        self._update_draft_status()

    def _update_welcome(self) -> None:
        """What to do first, for a window with nothing open (and a library with nothing in it)."""
        if self._listed and self.prompt_model.total == 0:
            self.welcome.setText(f"<h3>{self.connection_name} has no prompts yet</h3>"
                                 "<p>Create the first one: give it a name, write what the model should do, then "
                                 "save it as version 1.</p>")
        else:
            self.welcome.setText("<h3>Choose a prompt on the left</h3><p>Or create a new one (Ctrl+N), or open "
                                 "a LangWatch CLI project folder. Every edit is kept on this computer until you "
                                 "save it as a version.</p>")

    def load_history(self, handle: str) -> asyncio.Task:
        return self.tasks.run("history", f"Loading the history of {handle}", self.session.load_history(handle),
                              self._show_history)

    def _show_history(self, versions: list[Prompt]) -> None:
        self.history_model.set_versions(versions)
        new = not versions and self.draft is not None and self.draft.is_new
        self.history_note.setText("Not saved yet: your first save makes version 1." if new else "")
        self.history_note.setVisible(new)
        if versions:
            self.prompt_model.set_tag_places(versions[0].handle or versions[0].id, versions)
        # A library without users has no authors: give their column's room to the commit messages.
        self.history_room.set_unneeded(2, not any(version.author_id for version in versions))

    # -- drafts -------------------------------------------------------------------------------------------------

    def _on_editor_edited(self) -> None:
        if not self.session.editing:
            return
        self.session.edit(*self.editor.content())
        self.draft_timer.start()
        self._update_actions()
        self._follow_in_try_it()

    async def edit_model_providers(self) -> ModelProvidersDialog | None:
        """The providers Try it runs on and their keys; what is saved is used from the next run on."""
        if self.trials is None:
            return None
        trials = self.trials
        dialog = ModelProvidersDialog(self, await trials.settings(), trials.secrets,
                                      settings_path=trials.settings_path)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.sig_saved.connect(
            lambda saved: self.tasks.run("providers", "Using the new model providers", trials.use(saved)))
        dialog.open()
        return dialog

    def _on_try_it_action_toggled(self, shown: bool) -> None:
        self.try_it_dock.setVisible(shown)
        self.try_it.run_action.setEnabled(shown and self.trials is not None)
        self._follow_in_try_it()

    def _follow_in_try_it(self) -> None:
        """Try it shows the prompt on screen (the draft, or the old version on view) while it is open."""
        if self.try_it_dock.isVisible() and self.draft is not None:
            viewing = self.session.viewing
            subject = f"{version_label(viewing)}, on view" if viewing is not None else DRAFT_SUBJECT
            self.try_it_companion.follow(self.draft.handle, self.editor.content()[0], self.editor.template_syntax,
                                         subject)

    def _on_try_it_add_inputs_requested(self) -> None:
        if isinstance(self.editor, PromptEditor) and self.session.editing:
            self.editor.add_missing_inputs()

    def write_draft(self) -> asyncio.Task:
        """Put the current draft on disk now (in a worker thread); a draft equal to its base is removed instead."""
        self.draft_timer.stop()
        return self.tasks.run("draft-write", "Keeping your draft", self.session.flush(),
                              lambda _done: self._show_drafts_kept())

    def _show_drafts_kept(self) -> None:
        self.prompt_model.set_drafts(self.session.draft_handles)
        self._update_draft_status()

    def _update_draft_status(self) -> None:
        away = self.reachability.save_blocker() is not None
        self.draft_status.setText(self.session.read_only_reason or draft_status(self.draft, server_away=away))

    # -- saving -------------------------------------------------------------------------------------------------

    def _on_save_action_triggered(self) -> None:
        if self.draft is not None and self.save_action.isEnabled():
            self.tasks.run("save-flow", "Saving", self.save_with_message())

    async def save_with_message(self, message: str | None = None) -> SaveOutcome | None:
        """Ask for a commit message (unless given), then save; a conflict goes through the merge dialog.

        Returns what the server did last, or None if the user cancelled.
        """
        session, draft = self.session, self.draft
        if draft is None:
            return None
        if message is None and not draft.differs_from_base and draft.pending_conflict is None:
            base = f"v{draft.base_version}" if draft.base_version else "the last version"
            self.statusBar().showMessage(f"Nothing to save: no changes since {base}.", 8000)
            return None
        if message is None:
            dialog = CommitMessageDialog(self, draft.handle, draft.base_version)
            if await wait_for_dialog(dialog) != QDialog.DialogCode.Accepted:
                return None
            message = dialog.message
        self.save_action.setEnabled(False)
        try:
            outcome = await session.save(message, self._ask_to_merge)
        finally:
            self._update_actions()
        self._show_saved(draft.handle, outcome)
        return outcome

    def _on_save_all_action_triggered(self) -> None:
        if not self.tasks.is_running("save-flow"):
            self.tasks.run("save-flow", "Saving all drafts", self.save_all())

    async def save_all(self, message: str | None = None) -> SaveAllSummary | None:
        """Every draft of this connection as a new version, with one commit message; conflicts merge in turn.

        A progress dialog counts the answers and can stop what has not gone out; the summary says what each
        prompt became. Nothing is lost on cancel or failure: a draft leaves the disk only once it is saved.
        """
        session = self.session
        await session.flush()
        await session.start()
        total = len(session.draft_handles)
        if not total:
            self.statusBar().showMessage("There are no drafts to save.", 8000)
            return None
        if message is None:
            dialog = CommitMessageDialog(self, f"{total} draft{'s' if total != 1 else ''}", None)
            if await wait_for_dialog(dialog) != QDialog.DialogCode.Accepted:
                return None
            message = dialog.message
        progress, summary = await self._with_progress(
            total, SAVE_ALL, lambda progress: session.save_all(message, self._ask_to_merge,
                                                               on_answered=progress.on_answered,
                                                               on_merging=progress.show_merging))
        progress.show_summary(summary.text if summary is not None else "Stopped. The drafts not saved yet are kept "
                              "on this computer; Save all again to go on.")
        self._after_bulk_save()
        return summary

    async def _with_progress(self, total: int, words: ProgressWords,
                             work: Callable[[ProgressDialog], Awaitable[Any]]) -> tuple[ProgressDialog, Any]:
        """Run `work` under a progress dialog whose Cancel stops it: (the dialog, the result or None if stopped).

        Save stays off meanwhile; a failure is raised as it is, and closing the window ends the work with it.
        """
        progress = ProgressDialog(self, total, words)
        progress.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        progress.open()
        working = asyncio.ensure_future(work(progress))
        progress.sig_cancel_requested.connect(working.cancel)
        self.save_action.setEnabled(False)
        try:
            return progress, await working
        except asyncio.CancelledError:
            if not working.cancelled():  # the window is closing: the work goes with it
                working.cancel()
                progress.close()
                raise
            return progress, None
        except BaseException:
            progress.close()  # the failure is shown on its own
            raise
        finally:
            self._update_actions()

    def _after_bulk_save(self) -> None:
        self._show_drafts_kept()
        if self.draft is not None and self.session.viewing is None:
            self._edit(self.draft)
        self.refresh()

    def _on_resume_merge_action_triggered(self) -> None:
        if self.draft is not None and self.draft.pending_conflict and not self.tasks.is_running("save-flow"):
            self.tasks.run("save-flow", "Saving the merge", self.merge_pending_conflict())

    async def merge_pending_conflict(self) -> SaveOutcome | None:
        """Merge the draft with the server's newer version in the merge dialog, then save the merge."""
        handle = self.draft.handle
        self.save_action.setEnabled(False)
        try:
            outcome = await self.session.merge(self._ask_to_merge)
        finally:
            self._update_actions()
        self._show_saved(handle, outcome)
        return outcome

    async def _ask_to_merge(self, merge: MergeSession) -> MergeDecision | None:
        """The merge dialog on a conflict the session keeps on disk; None keeps both for later."""
        self._update_draft_status()
        self._update_actions()
        decision = await self._merge_in_dialog(merge)
        if decision is not None and self.session.viewing is None:
            self._edit(decision.draft)
        return decision

    async def _merge_in_dialog(self, merge: MergeSession) -> MergeDecision | None:
        """The merge dialog alone (also for a prompt of another connection, which the editor does not show)."""
        dialog = MergeDialog(self, merge)
        accepted = await wait_for_dialog(dialog) == QDialog.DialogCode.Accepted
        decision = MergeDecision(dialog.merged_draft(), dialog.commit_message) if accepted else None
        dialog.deleteLater()
        return decision

    def _show_saved(self, handle: str, outcome: SaveOutcome | None) -> None:
        """Show what a save (and any merge after it) did."""
        self._show_drafts_kept()
        if outcome is None:
            self.statusBar().showMessage("Your draft and the conflict are kept; choose Resolve conflict "
                                         "to come back to them.", 8000)
            return
        if outcome.action == "conflict":
            if self.session.handle != handle:
                self.statusBar().showMessage(f"Someone saved {handle} first. Your draft is kept; open it "
                                             "and choose Resolve conflict to merge.")
            return
        if self.session.handle == handle and self.session.viewing is None:
            self._edit(self.draft)
        if outcome.action == "created" and outcome.recreated:
            self.statusBar().showMessage(
                f"{handle} had been deleted on the server by someone else. Your draft was saved as a new "
                "prompt (version 1); the deleted history is no longer listed.", 15000)
        else:
            self.statusBar().showMessage(
                {"created": "Saved as a new prompt.", "updated": f"Saved as v{outcome.draft.base_version}.",
                 "up_to_date": "Nothing to save: the server already has this."}.get(outcome.action, ""), 5000)
        self.refresh()
        if self.session.handle == handle:
            self.load_history(handle)

    # -- history: a version on view -----------------------------------------------------------------------------

    def _on_history_selection_changed(self, *_args) -> None:
        selected = self.history_flows.selected_versions()
        self._update_actions()
        if len(selected) != 1 or self.draft is None:
            return
        self.write_draft()
        if not self.session.view(selected[0]):
            self._show_draft()
            return
        version = selected[0]
        self.banner.show_version(version)
        self.editor.set_content(config_from_prompt(version).to_wire(), version.parameters, read_only=True)
        self._follow_in_try_it()
        self._update_actions()

    def _on_banner_back_clicked(self) -> None:
        """Back to the draft: nothing in the history stays selected, so Restore and Tag act on nothing old."""
        selection = self.history_view.selectionModel()
        selection.blockSignals(True)
        self.history_view.clearSelection()
        selection.blockSignals(False)
        self._show_draft()

    def _show_draft(self) -> None:
        self.session.back_to_draft()
        self.banner.hide()
        if self.draft is not None:
            self._edit(self.draft)
        self._update_actions()

    # -- trying a prompt, and the tags of its name ---------------------------------------------------------------

    def _on_test_prompt_action_triggered(self) -> None:
        if self.draft is not None and self.service.capabilities.test_prompt:
            self.show_test_prompt()

    def show_test_prompt(self) -> TrialRunDialog:
        """Open the test dialog (non-modal); each run takes the draft as it is on screen at that moment."""
        service = self.service
        config = self.editor.content()[0]
        variables = variables_read([str(config.get("prompt") or "")], self.editor.template_syntax)
        dialog = TrialRunDialog(self, self.draft.handle, str(config.get("model") or ""), variables,
                                  lambda values: service.test_prompt(self.editor.content()[0], values))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def _on_prompt_tags_action_triggered(self) -> None:
        if self.draft is not None and self.service.capabilities.key_value_tags:
            self.tasks.run("tag-flow", "Loading the tags", self.edit_prompt_tags(self.draft.handle))

    async def edit_prompt_tags(self, handle: str) -> KeyValueTagsDialog:
        """The key/value tags of the whole prompt; the list refreshes when the dialog closes."""
        service = self.service
        tags = await service.key_value_tags(handle)

        async def change(add, remove):
            return await service.change_key_value_tags(handle, add=add, remove=remove)

        dialog = KeyValueTagsDialog(self, handle, tags, change)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _result: self.refresh())
        dialog.open()
        return dialog

    # -- new and delete -----------------------------------------------------------------------------------------

    def _on_new_action_triggered(self) -> None:
        self.tasks.run("new-flow", "Creating the prompt", self.new_prompt())

    async def new_prompt(self, handle: str | None = None) -> Draft | None:
        session = self.session
        if handle is None:
            dialog = new_prompt_dialog(self, self.prompt_model.handles())
            if await wait_for_dialog(dialog) != QDialog.DialogCode.Accepted:
                return None
            handle = dialog.name
        draft = await session.create(handle)
        await self.refresh()
        self._show_opened(draft)
        self.prompt_model.reveal(handle)
        self._select_in_list(handle)
        self.statusBar().showMessage(f"{handle} is a draft on this computer: your first save makes it version 1.",
                                     10000)
        return draft

    def _on_delete_action_triggered(self) -> None:
        if self.draft is not None:
            self.tasks.run("delete-flow", "Deleting the prompt", self.delete_prompt(self.draft.handle))

    async def delete_prompt(self, handle: str, *, confirm: bool = True) -> bool:
        session = self.session
        if confirm:
            box = QMessageBox(QMessageBox.Icon.Warning, "Delete prompt",
                              f"Delete {handle} and its whole history from {self.connection_name}?",
                              QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self)
            box.setObjectName("deleteConfirmDialog")
            box.setInformativeText("This cannot be undone: every version goes, and a draft of it on this "
                                   "computer too.")
            box.setDefaultButton(QMessageBox.StandardButton.Cancel)
            if await wait_for_dialog(box) != QMessageBox.StandardButton.Yes:
                return False
        await session.delete(handle)
        if session.draft is None:
            self._show_nothing()
        self.statusBar().showMessage(f"Deleted {handle}.", 8000)
        await self.refresh()
        return True

    # -- help ---------------------------------------------------------------------------------------------------

    @property
    def data_folder(self) -> Path | None:
        """Where this app keeps its library, drafts and settings (None for a connector that does not say)."""
        root = getattr(getattr(self.connector, "paths", None), "root", None)
        return Path(root) if root is not None else None

    def show_shortcuts(self) -> ShortcutsDialog:
        """The shortcuts of the menus as they are now (this connection's editor, its actions)."""
        dialog = ShortcutsDialog(self, shortcuts_of(self.menuBar()))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def show_quick_open(self) -> QuickOpenDialog:
        """Go to prompt: the handles of this connection, fuzzy-matched as the user types (one dialog, kept)."""
        dialog = self.quick_open_dialog
        if dialog is None:
            dialog = self.quick_open_dialog = QuickOpenDialog(self)
            dialog.sig_chosen.connect(self._on_quick_open_dialog_chosen)
            dialog.rejected.connect(lambda: self.tasks.cancel("quick-open"))
        dialog.start(self.prompt_model.handles())
        dialog.open()
        return dialog

    def _on_quick_open_dialog_chosen(self, handle: str, reference: Reference) -> None:
        if not reference.wants_version:
            self.open_prompt(handle)
            return
        self.tasks.run("quick-open", f"Opening {handle}",
                       self.history_flows.go_to_version(handle, reference, self.quick_open_dialog))

    async def show_preferences(self) -> PreferencesDialog:
        """Preferences, each change applied to the whole app at once and kept for the next start (one dialog)."""
        shown = self.findChild(PreferencesDialog, "preferencesDialog")
        if shown is not None and shown.isVisible():
            shown.raise_()
            shown.activateWindow()
            return shown
        providers = await self.trials.settings() if self.trials is not None else None
        if self.appearance is None:
            self.appearance = Appearance(QApplication.instance())
        dialog = PreferencesDialog(self, read_preferences(self.settings), self.connector.connections(), providers)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.sig_changed.connect(self._on_preferences_dialog_changed)
        dialog.sig_default_provider_chosen.connect(self._on_preferences_dialog_default_provider_chosen)
        dialog.open()
        return dialog

    def _on_preferences_dialog_changed(self, preferences: Preferences) -> None:
        self.appearance.apply(preferences)
        keep_preferences(self.settings, preferences)

    def _on_preferences_dialog_default_provider_chosen(self, prefix: str | None) -> None:
        if self.trials is not None:
            self.tasks.run("providers", "Keeping the default model provider",
                           self.trials.set_default_provider(prefix))

    def _on_about_action_triggered(self) -> None:
        self.tasks.run("about", "Reading the version", self.show_about())

    async def show_about(self) -> AboutDialog:
        """The version and the licences, read from the installed packages (files: in a worker thread)."""
        version, licences = await asyncio.to_thread(lambda: (installed_version(), bundled_licences()))
        dialog = AboutDialog(self, version, licences, self.data_folder)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    # -- state --------------------------------------------------------------------------------------------------

    def _save_blocker(self) -> str | None:
        """Why Save cannot be used now, in words, or None when it can."""
        if self.draft is None:
            return "Choose a prompt first."
        waiting = self.reachability.save_blocker()
        if waiting is not None:
            return waiting
        if self.session.viewing is not None:
            return "You are viewing an old version: choose Back to my draft to save your draft."
        if self.tasks.is_running("save-flow"):
            return "Saving..."
        if self.session.read_only_reason is not None:
            return self.session.read_only_reason
        if self.editor.is_valid():
            return None
        problems = self.editor.validation_errors()
        if not problems:
            return "Fix the marked fields first."
        first = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        return f"Fix this first: {first.about(location_label(first.location))}{more}."

    def _on_explain_save_shortcut_activated(self) -> None:
        """Ctrl+S while Save cannot be used: say why, rather than nothing."""
        blocker = self._save_blocker()
        if blocker is not None:
            self.statusBar().showMessage(f"Cannot save yet. {blocker}", 10000)

    def _update_actions(self) -> None:
        has_prompt = self.draft is not None
        editing = self.session.editing
        blocker = self._save_blocker()
        self.save_action.setEnabled(blocker is None)
        self.save_action.setToolTip("Save a new version on the server (Ctrl+S)" if blocker is None
                                    else f"Save (Ctrl+S) - {blocker}")
        self.explain_save_shortcut.setEnabled(blocker is not None)
        pending = has_prompt and self.draft.pending_conflict is not None
        self.resume_merge_action.setVisible(pending)
        self.resume_merge_action.setEnabled(pending and editing)
        self.delete_action.setEnabled(has_prompt)
        selected = len(self.history_flows.selected_versions())
        self.compare_action.setEnabled(selected == 2 or (selected == 1 and self.session.viewing is not None))
        self.restore_action.setEnabled(selected == 1 and has_prompt)
        self.tag_button.setEnabled(selected == 1)
        self.move_tag_action.setEnabled(selected == 1 and self.service.capabilities.version_tags)
        self.test_prompt_action.setEnabled(editing)
        self.prompt_tags_action.setEnabled(has_prompt)
        self.copy_to_action.setEnabled(has_prompt and not self.draft.is_new)

    def _on_tasks_busy_changed(self, busy: bool) -> None:
        self.busy_bar.setVisible(busy)

    def _on_tasks_failed(self, what: str, error: BaseException) -> None:
        self.write_draft()
        box = ErrorBox(self, what, error, draft_kept=self.draft is not None and self.draft.differs_from_base)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    # -- closing ------------------------------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        unwritten = self.draft is not None and self.draft_timer.isActive()
        unsaved = self.draft is not None and self.draft.differs_from_base
        if not self._closing_confirmed and (unwritten or unsaved):
            event.ignore()
            self.draft_timer.stop()
            self.tasks.run("close-flow", "Closing", self._confirm_close())
            return
        self._save_layout()
        self.try_it_companion.close()
        self.tasks.cancel_all()
        super().closeEvent(event)

    async def _confirm_close(self) -> None:
        """Keep the last edits on disk first; then ask about a draft that is not a version yet."""
        await self.session.flush()
        if self.draft is not None and self.draft.differs_from_base:
            box = QMessageBox(QMessageBox.Icon.Question, "Unsaved draft",
                              f"{self.draft.handle} has changes that are not saved as a version yet.",
                              QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                              | QMessageBox.StandardButton.Cancel, self)
            box.setObjectName("closeConfirmDialog")
            box.setInformativeText("Save them now, discard them, or keep working. "
                                   "If you just quit, the draft stays on this computer for next time.")
            answer = await wait_for_dialog(box)
            if answer == QMessageBox.StandardButton.Cancel:
                return
            if answer == QMessageBox.StandardButton.Save:
                outcome = await self.save_with_message()
                if outcome is None or outcome.action == "conflict":
                    return
            elif answer == QMessageBox.StandardButton.Discard:
                await self.session.discard()
        self._closing_confirmed = True
        self.close()
