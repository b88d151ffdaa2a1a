"""``metro status --owner CODE [--status WORD…]`` (issue 9 item 7): one owner's assets, each
row with the asset's name and owner, in the table and in JSON."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from metro.cli import app
from tests import factories as f

runner = CliRunner()


@pytest.fixture
def url(db, tmp_path):
    bundle = f.write_bundle(tmp_path / "b", f.small_province())
    assert runner.invoke(app, ["--db", db.url, "load", str(bundle)]).exit_code == 0
    return db.url


def status(url: str, *args: str):
    return runner.invoke(app, ["--db", url, "status", "--at", "2026-04-15", *args])


def test_one_owners_assets_with_names(url):
    every = json.loads(status(url, "--json").stdout)
    r = status(url, "--owner", "ENT1", "--json")
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)
    assert rows and {row["owner"] for row in rows} == {"ENT1"}
    assert all(set(row) == {"asset", "name", "owner", "kind", "status", "due", "reason"}
               for row in rows)
    assert all(row["name"] for row in rows)
    by_code = {row["asset"]: row for row in every}
    for row in rows:  # the same statuses as the whole province's
        assert {k: row[k] for k in by_code[row["asset"]]} == by_code[row["asset"]]
    assert {row["asset"] for row in rows} < set(by_code)


def test_status_words_filter_and_repeat(url):
    rows = json.loads(status(url, "--owner", "ENT1", "--json").stdout)
    words = sorted({row["status"] for row in rows})
    picked = json.loads(status(url, "--owner", "ENT1", "--status", words[0], "--json").stdout)
    assert picked and {row["status"] for row in picked} == {words[0]}
    both = [x for w in words for x in ("--status", w)]
    assert len(json.loads(status(url, "--owner", "ENT1", *both, "--json").stdout)) == len(rows)
    anyone = json.loads(status(url, "--status", words[0], "--json").stdout)
    assert {row["asset"] for row in picked} <= {row["asset"] for row in anyone}


def test_the_table_shows_name_and_owner(url):
    r = status(url, "--owner", "ENT1")
    assert r.exit_code == 0, r.output
    header = next(line for line in r.stdout.splitlines() if "asset" in line)
    assert "name" in header and "owner" in header
    assert "ENT1" in r.stdout


def test_unknown_owner_or_word_is_bad_input(url):
    r = status(url, "--owner", "NOBODY")
    assert r.exit_code == 1 and "NOBODY" in r.stderr
    r = status(url, "--owner", "ENT1", "--status", "sleepy")
    assert r.exit_code == 1 and "sleepy" in r.stderr
