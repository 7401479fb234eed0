"""Shared set-up of the page tests: tests/desks.py's `pages_desk`, copied per test.

Imported by the tests/ui/test_pages_*.py modules (tests/ui/conftest.py's `desk` is the window
tests' desk). `desk` is one small desk per test; `big_stock` one desk of 12,000 booklets per
module, which its tests only read; `build_desk` a desk of another size, closed by the test.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from passdesk import codes
from tests.desks import (
    PAGES_OTHER_PROGRAMME,
    PAGES_PROGRAMME,
    Desk,
    LotStep,
    Templates,
    VoidStep,
    open_pages_desk,
    pages_desk,
)

__all__ = ["BIG_STOCK", "OFFSCREEN_NOISE", "OTHER_PROGRAMME", "PROGRAMME", "Desk", "build_desk"]

PROGRAMME = PAGES_PROGRAMME
OTHER_PROGRAMME = PAGES_OTHER_PROGRAMME
BIG_STOCK = 12_000
# The offscreen platform warns when a window is shown; that says nothing about the pages.
OFFSCREEN_NOISE = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


def build_desk(
    path: Path,
    *,
    booklets: int = 40,
    people: int = 5,
    places: int = 3,
    lot_kind: str = "delivered",
) -> Desk:
    """A desk of another size, built at `path` for one test."""
    return open_pages_desk(
        None,
        path,
        pages_desk(booklets=booklets, people=people, places=places, lot_kind=lot_kind),
    )


@pytest.fixture
def desk(tmp_path: Path, desk_templates: Templates) -> Iterator[Desk]:
    built = open_pages_desk(desk_templates, tmp_path / "desk.sqlite3")
    yield built
    built.close()


@pytest.fixture
def printing_desk(tmp_path: Path, desk_templates: Templates) -> Iterator[Desk]:
    """`desk`, its MGP19 booklets a range the desk prints itself."""
    built = open_pages_desk(
        desk_templates, tmp_path / "desk.sqlite3", pages_desk(lot_kind="print_on_site")
    )
    yield built
    built.close()


@pytest.fixture(scope="module")
def big_stock(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desk]:
    # a few of each status, so sorting by status shows a difference at the top
    plan = pages_desk(booklets=0, people=0, places=0) + [
        LotStep(PROGRAMME, 1, BIG_STOCK),
        *(VoidStep(codes.booklet_code(PROGRAMME, n), "lost") for n in (17, 4242, 11_999)),
    ]
    built = open_pages_desk(None, tmp_path_factory.mktemp("big") / "big.sqlite3", plan)
    yield built
    built.close()
