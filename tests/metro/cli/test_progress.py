"""The load progress bar: an update function on a terminal showing each file and its rows,
nothing otherwise."""

from __future__ import annotations

import io
import re

from rich.console import Console

from metro.cli.progress import load_progress

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def terminal() -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, force_terminal=True, width=100, color_system=None), out


def test_disabled_progress_yields_nothing_and_writes_nothing():
    console, out = terminal()
    with load_progress(enabled=False, console=console) as update:
        assert update is None
    assert out.getvalue() == ""


def test_enabled_progress_shows_each_file_with_its_rows():
    console, out = terminal()
    with load_progress(enabled=True, console=console) as update:
        assert update is not None
        update("instruments.csv", 20_000)
        update("instruments.csv", 40_000)
        update("certificates.csv", 20_000)
        console.file.flush()
    shown = ANSI.sub("", out.getvalue())
    # The last frame drawn before the bar goes away: one line per file, rows so far.
    lines = [line for line in shown.splitlines() if "rows" in line]
    assert any("instruments.csv" in line and "40,000 rows" in line for line in lines), shown
    assert any("certificates.csv" in line and "20,000 rows" in line for line in lines), shown
    assert not any("instruments.csv" in line and "60,000" in line for line in lines)
