"""The load progress bar: an update function on a terminal, nothing otherwise."""

from __future__ import annotations

from metro.cli.progress import load_progress


def test_disabled_progress_yields_nothing():
    with load_progress(enabled=False) as update:
        assert update is None


def test_enabled_progress_tracks_each_file():
    with load_progress(enabled=True) as update:
        assert update is not None
        update("instruments.csv", 20_000)
        update("instruments.csv", 40_000)
        update("certificates.csv", 20_000)
