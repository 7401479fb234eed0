"""The console's global options work wherever a script writes them, and a reader that stops
early (`| head`) ends the command quietly: both as an IT contact's scripts use them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest


@pytest.mark.parametrize(
    "argv",
    [
        ["--json", "booklet", "list", "--status", "in_stock"],
        ["booklet", "list", "--status", "in_stock", "--json"],
        ["booklet", "--json", "list", "--status", "in_stock"],
    ],
    ids=["before the command", "after the command", "between noun and action"],
)
def test_json_is_accepted_before_or_after_the_command(register: Any, argv: list[str]) -> None:
    console, _made = register
    result = console.run(*argv)
    assert result.status == 0, result
    booklets = json.loads(result.out)
    assert booklets and {b["status"] for b in booklets} == {"in_stock"}


def test_database_and_agent_may_follow_the_command(
    register: Any, kit: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    console, made = register
    from passdesk.cli import main

    monkeypatch.setenv(kit.PASSWORD_VARIABLE, kit.agent_password("marie"))

    person = str(made.people["Łucja"])
    status = main(
        ["handout", "--beneficiary", person, "--next", "--programme", kit.PROGRAMME,
         "--agent", "marie", "--database", str(console.database), "--json"]
    )  # fmt: skip
    assert status == 0
    handouts = kit.dump(console.database)["handout"]
    agents = {row[0]: row[2] for row in kit.dump(console.database)["agent"]}
    assert agents[handouts[-1][3]] == "marie"  # the handout was recorded as marie's


def test_a_value_given_before_the_command_is_not_reset_by_it(register: Any) -> None:
    console, _made = register
    from passdesk.cli import build_parser

    args = build_parser().parse_args(["--json", "--agent", "marie", "booklet", "list"])
    assert args.json is True and args.agent == "marie"
    assert console.run("booklet", "list", "--json").status == 0


def test_a_reader_that_stops_early_is_a_normal_end(register: Any, kit: Any) -> None:
    console, _made = register
    environment = {k: v for k, v in os.environ.items() if k != "PASSDESK_DATABASE"}
    environment["PASSDESK_HOME"] = str(kit.home)
    script = Path(sys.executable).with_name("passdesk-admin")
    # 100 booklets as indented JSON is far more than a pipe holds: the writer meets the
    # closed pipe while printing, as `passdesk-admin booklet list --json | head -1` does.
    reader = subprocess.Popen(
        [str(script), "--database", str(console.database), "booklet", "list", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=environment,
    )
    assert reader.stdout is not None and reader.stderr is not None
    first = reader.stdout.readline()
    reader.stdout.close()
    err = reader.stderr.read().decode("utf-8")
    reader.stderr.close()
    assert reader.wait(timeout=60) == 0, err
    assert first.strip() == b"["
    assert err == ""
    log = (kit.home / "logs" / "passdesk.log").read_text(encoding="utf-8")
    assert "unexpected error" not in log and "Traceback" not in log
