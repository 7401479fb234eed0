"""Password hashing: argon2id's strong parameters in the app and the console, cheap ones in the
test session only (tests/conftest.py sets them through `use_password_hasher`)."""

from __future__ import annotations

import subprocess
import sys

from argon2 import PasswordHasher, Type, extract_parameters, profiles

from passdesk.services import Services, accounts
from passdesk.services.rows import Actor


def test_a_process_of_its_own_hashes_with_the_strong_parameters() -> None:
    """As the app and the console do: nothing but the test session changes the hasher."""
    code = "from passdesk.services import accounts; print(accounts.hash_password('mot-de-passe'))"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    found = extract_parameters(done.stdout.strip())
    assert found == extract_parameters(PasswordHasher().hash("mot-de-passe"))
    # At least OWASP's floor for argon2id (19 MiB, two passes); the default is 64 MiB, three.
    assert found.type is Type.ID
    assert found.memory_cost >= 19 * 1024 and found.time_cost >= 2
    assert accounts.STRONG_HASHER.memory_cost == found.memory_cost


def test_the_test_session_hashes_cheaply_and_still_checks_passwords(
    services: Services, admin: Actor
) -> None:
    assert extract_parameters(accounts.hash_password("x" * 8)) == profiles.CHEAPEST
    services.accounts.set_password(admin, "admin", "un-mot-de-passe")
    assert services.accounts.authenticate("admin", "un-mot-de-passe") == admin
