"""What every page and dialog is given by the composition root (no global registry)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from passdesk.services import Services
    from passdesk.services.rows import Actor
    from passdesk.ui.worker import SyncRunner, TaskRunner


@dataclass
class UiContext:
    services: Services
    actor: Actor
    runner: TaskRunner | SyncRunner
