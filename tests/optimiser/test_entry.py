"""The console script's entry (optimiser/entry.py): Ctrl-C while the engine loads, no traceback."""

from __future__ import annotations

import sys
import types

import pytest

from optimiser import clock, entry


class _LoadingCli(types.ModuleType):
    """Stands for optimiser.cli while its imports run: Ctrl-C arrives as its names are read."""

    def __getattr__(self, name: str) -> object:
        raise KeyboardInterrupt


def test_ctrl_c_while_the_command_line_loads_aborts_quietly(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # console() marks the process start; the tests' in-process runs must keep counting from their own
    monkeypatch.setattr(clock, "_process_started", clock._process_started)
    monkeypatch.setitem(sys.modules, "optimiser.cli", _LoadingCli("optimiser.cli"))
    with pytest.raises(SystemExit) as stopped:
        entry.console()
    assert stopped.value.code == entry.EXIT_ABORTED == 1
    assert capsys.readouterr().err == "Aborted!\n"


def test_the_console_script_is_the_entry() -> None:
    import tomllib
    from pathlib import Path

    scripts = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["optimiser"] == "optimiser.entry:console"
