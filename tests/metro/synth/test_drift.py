"""Drift in the synthetic history: off by default (the seed is unchanged), and when on, S1
recovers the generator's drift rate within its confidence interval on a large sample."""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import date
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest

from metro.model import intervals as rules
from metro.synth import generate
from metro.synth.settings import load_settings
from tests.metro.synth.oracle import SETTINGS

TEMPLATE = "一般压力表"  # the most common gauge: a large sample in a small province
RATE = 0.03  # per month


def drift_settings(tmp_path: Path, rate: float = RATE) -> Path:
    text = SETTINGS.read_text(encoding="utf-8")
    head = text.partition("\n[drift]")[0]
    path = tmp_path / "drift.toml"
    path.write_text(
        head + f'\n[drift]\nenabled = true\n[drift.rates]\n"{TEMPLATE}" = {rate}\n', "utf-8"
    )
    return path


def as_found_history(bundle: Path, name: str) -> tuple[np.ndarray, np.ndarray]:
    """Months since the previous certificate and in-tolerance, for instruments named ``name``."""
    with (bundle / "instruments.csv").open(encoding="utf-8") as f:
        codes = {r["code"] for r in csv.DictReader(f) if r["name"] == name}
    certs: dict[str, list[tuple[date, str]]] = defaultdict(list)
    with (bundle / "certificates.csv").open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["subject"] in codes and r["status"] == "valid":
                certs[r["subject"]].append(
                    (date.fromisoformat(r["calibrated_on"]), r["conclusion"])
                )
    months, ok = [], []
    for history in certs.values():
        history.sort()
        for (d0, _), (d1, conclusion) in pairwise(history):
            months.append((d1 - d0).days / rules.MONTH_DAYS)
            ok.append(conclusion != "fail")
    return np.array(months), np.array(ok, dtype=bool)


def test_the_seed_drifts_and_names_real_templates() -> None:
    s = load_settings(SETTINGS)
    assert s.drift_enabled  # the committed seed carries the drift the interval methods find
    assert all(name in {t.name for t in s.instruments} for name in s.drift)


@pytest.fixture(scope="module")
def drifted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("drift")
    out = tmp / "bundle"
    generate(out, seed=5, instruments=6000, settings=drift_settings(tmp))
    return out


def test_s1_recovers_the_generated_drift_rate(drifted: Path) -> None:
    t, y = as_found_history(drifted, TEMPLATE)
    assert len(t) > 2000 and 0 < y.sum() < len(y)
    p = rules.max_likelihood(TEMPLATE, t, y, current=6)
    assert p.rate_low is not None and p.rate_high is not None
    assert p.rate_low <= RATE <= p.rate_high, (p.rate_low, p.rate, p.rate_high)


def test_templates_without_drift_keep_their_flat_failure_share(drifted: Path) -> None:
    # a gauge that does not drift fails independently of the interval: no 'fail' calibrations
    t, y = as_found_history(drifted, "数字多用表")
    assert len(t) and y.all()  # calibrations state pass or none, never fail, without drift
