"""Where the files shipped with PassDesk are (icons, fonts, translations, open data): the
source tree's `resources/`, or its copy inside an installed wheel or a frozen bundle.

Apart from `paths` so that the translations can find their catalogues without importing the
module that makes the user's folders (which speaks French when a folder cannot be made)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def resource_dir() -> Path:
    """`resources/` of the source tree, or its copy inside an installed wheel."""
    packaged = Path(str(resources.files("passdesk"))) / "_resources"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "resources"


def resource(*parts: str) -> Path:
    return resource_dir().joinpath(*parts)
