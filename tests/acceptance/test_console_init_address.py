"""`init --address` (issue 8, defect 4): the console sets the desk's street address as the
Settings page does; it is printed on receipts, and `init` could not set it before."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from passdesk.services import open_services


def test_init_sets_the_desk_address(console: Any, database: Path) -> None:
    console.ok(
        "init", "--desk", "France Services Vaulx-en-Velin", "--admin-name", "Awa Traoré",
        "--address", "12 avenue Gabriel-Péri", "--postcode", "69120", "--commune",
        "Vaulx-en-Velin",
    )  # fmt: skip
    services = open_services(database)
    try:
        desk = services.accounts.desk()
        assert (desk.address, desk.postcode, desk.commune) == (
            "12 avenue Gabriel-Péri",
            "69120",
            "Vaulx-en-Velin",
        )
    finally:
        services.close()
