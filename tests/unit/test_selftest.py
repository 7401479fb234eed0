"""`passdesk --self-test` in the source tree: every step passes, and a module missing from an
installation fails its step with the module's name (what the installer's builder must read)."""

from __future__ import annotations

import io
import re

import pytest

from passdesk import app, selftest


@pytest.mark.slow
def test_the_self_test_passes_in_the_source_tree(capsys: pytest.CaptureFixture[str]) -> None:
    assert app.main(["--self-test"]) == 0  # answered before any window or QApplication
    lines = capsys.readouterr().out.splitlines()
    assert "dépôt source" in lines[0]
    for key, _step in selftest.STEPS:
        assert any(re.match(rf"ok\s+{key}\s", line) for line in lines), key
    assert lines[-1] == "Autotest réussi."


def test_a_missing_module_is_named_and_stops_the_test(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(selftest, "LIBRARIES", (*selftest.LIBRARIES, "passdesk_not_bundled"))
    out = io.StringIO()
    assert selftest.run(out) == selftest.EXIT_FAILED
    lines = out.getvalue().splitlines()
    assert re.match(r"FAIL\s+libraries\s+module passdesk_not_bundled absent", lines[1]), lines[1]
    assert all(line.startswith("--") for line in lines[2:-1])  # nothing runs on a broken base
    assert lines[-1] == "Autotest échoué."


def test_a_module_missing_behind_another_error_is_still_named() -> None:
    try:
        try:
            import passdesk_not_bundled  # noqa: F401
        except ImportError as missing:
            raise RuntimeError("cannot connect") from missing
    except RuntimeError as error:
        assert "passdesk_not_bundled" in selftest.describe_failure(error)
