"""What the window's menu bar holds, walked the way the shortcuts list and the tests read it."""

from __future__ import annotations

from collections.abc import Iterator

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QMenuBar


def menu(parent: QMenuBar | QMenu, title: str, object_name: str) -> QMenu:
    """A menu (or submenu) with an object name, added to `parent`."""
    added = parent.addMenu(title)
    added.setObjectName(object_name)
    return added


def add_actions(target: QMenu, *actions: QAction | None) -> None:
    """Add actions in order; None is a separator. An action with no menu role of its own keeps out of the
    application menu on macOS (Qt guesses roles from words such as "Settings" or "About" otherwise)."""
    for action in actions:
        if action is None:
            target.addSeparator()
            continue
        _no_guessed_role(action)
        target.addAction(action)


def _no_guessed_role(action: QAction) -> None:
    if action.menuRole() == QAction.MenuRole.TextHeuristicRole:
        action.setMenuRole(QAction.MenuRole.NoRole)


def walk_menus(menu_bar: QMenuBar | QMenu, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], QAction]]:
    """Every action of the menus, each with the titles of the menus it is in (File, Edit...); submenus are
    walked, separators left out."""
    for action in menu_bar.actions():
        submenu = action.menu()
        if submenu is not None:
            yield from walk_menus(submenu, (*path, submenu.title().replace("&", "")))
        elif not action.isSeparator():
            yield path, action


def replace_action(target: QMenu, old: QAction, new: QAction) -> None:
    """Put `new` where `old` is in `target` (the editor's Undo when another editor takes its place)."""
    _no_guessed_role(new)
    if old in target.actions():
        target.insertAction(old, new)
        target.removeAction(old)
    elif new not in target.actions():
        target.addAction(new)
