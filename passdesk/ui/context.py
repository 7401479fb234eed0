"""What every page and dialog is given by the composition root (no global registry)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtPrintSupport import QPrinter

    from passdesk.services import Services
    from passdesk.services.rows import Actor
    from passdesk.ui.worker import SyncRunner, TaskRunner


@dataclass
class UiContext:
    services: Services
    actor: Actor
    runner: TaskRunner | SyncRunner
    # The printer receipts go to without a dialog, or None when the computer has no default
    # printer; None here: the system's default printer (tests give a PDF printer).
    printer: Callable[[], QPrinter | None] | None = None
