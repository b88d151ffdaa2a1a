"""One owner's instruments (or a set of ids) evaluated alone give exactly what the
whole-province pass gives them: statuses, speaking certificates, due days, reasons; and the
boards built on them count the same."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from metro.bundle.load import load_bundle
from metro.repositories.traceability import organization_codes
from metro.services.boards import recall_list, status_counts
from metro.synth import generate
from metro.traceability import province_status
from metro.traceability.due import due_items
from metro.traceability.province import ProvinceStatus, instruments_status
from metro.traceability.status import ORDER

NOW = datetime(2027, 1, 1, 8, 0, tzinfo=UTC)
# the synthetic province's reference date, a year before (fewer certificates yet) and the
# day after its last calibrations (more overdue)
DATES = (date(2026, 11, 26), date(2025, 11, 26), date(2027, 6, 1))


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth")
    generate(out, seed=3, instruments=600)
    return out


@pytest.fixture
def synthetic(db, bundle: Path):
    with db.engine.begin() as conn:
        load_bundle(conn, bundle, actor="t", now=NOW)
    with db.engine.connect() as conn:
        yield conn


def leaf_rows(state: ProvinceStatus, ids: list[int] | None = None) -> dict[int, tuple[int, ...]]:
    leaf = state.instruments
    rows = {
        int(i): (int(o), int(s), int(c), int(k), int(d))
        for i, o, s, c, k, d in zip(
            leaf.instrument_id,
            leaf.owner_id,
            leaf.status,
            leaf.certificate_id,
            leaf.calibrated,
            leaf.due,
            strict=True,
        )
    }
    return rows if ids is None else {i: rows[i] for i in ids}


def test_every_owner_alone_equals_the_whole_province(synthetic):
    conn = synthetic
    for at in DATES:
        whole = province_status(conn, at)
        records = {r.asset_id: r for r in whole.instrument_records(conn)}
        words = Counter(ORDER[int(s)] for s in whole.instruments.status)
        assert len(words) >= 4, words  # the comparison covers several status words
        owners = sorted(set(whole.instruments.owner_id.tolist()))
        assert len(owners) > 5
        seen = 0
        for owner in owners:
            mine = instruments_status(conn, at, owner_id=owner)
            assert set(mine.instruments.owner_id.tolist()) == {owner}
            ids = mine.instruments.instrument_id.tolist()
            assert leaf_rows(mine) == leaf_rows(whole, ids)
            assert {r.asset_id: r for r in mine.instrument_records(conn)} == {
                i: records[i] for i in ids
            }
            seen += len(ids)
        assert seen == len(whole.instruments.instrument_id)


def test_a_set_of_ids_alone_equals_the_whole_province(synthetic):
    conn = synthetic
    at = DATES[0]
    whole = province_status(conn, at)
    every = whole.instruments.instrument_id.tolist()
    ids = [*sorted(random.Random(5).sample(every, 150)), max(every) + 1000]  # one unknown id
    some = instruments_status(conn, at, ids=ids)
    assert some.instruments.instrument_id.tolist() == ids[:-1]
    assert leaf_rows(some) == leaf_rows(whole, ids[:-1])
    records = {r.asset_id: r for r in whole.instrument_records(conn)}
    assert {r.asset_id: r for r in some.instrument_records(conn)} == {
        i: records[i] for i in ids[:-1]
    }
    # an owner and ids: the ids among the owner's
    owner = int(whole.instruments.owner_id[0])
    both = instruments_status(conn, at, owner_id=owner, ids=ids)
    assert both.instruments.instrument_id.tolist() == [
        i for i in ids[:-1] if leaf_rows(whole)[i][0] == owner
    ]
    assert len(instruments_status(conn, at, ids=[]).instruments.instrument_id) == 0


def test_boards_count_what_the_whole_province_says(synthetic):
    conn = synthetic
    at = DATES[0]
    whole = province_status(conn, at)
    codes = organization_codes(conn)
    leaf = whole.instruments
    for owner in sorted(set(leaf.owner_id.tolist()))[:10]:
        expected = Counter({s.value: 0 for s in ORDER})
        expected.update(ORDER[int(s)].value for s in leaf.status[leaf.owner_id == owner])
        assert status_counts(conn, at=at, owner=codes[owner]) == dict(expected)
    everything = Counter({s.value: 0 for s in ORDER})
    everything.update(ORDER[int(s)].value for s in leaf.status)
    assert status_counts(conn, at=at) == dict(everything)
    assert sum(status_counts(conn, at=at, owner="NO-SUCH-ORG").values()) == 0


def test_a_recall_list_is_the_whole_province_due_list_within_reach(synthetic):
    from metro.repositories import scope

    conn = synthetic
    at = DATES[0]
    whole = province_status(conn, at)
    due = due_items(conn, whole, 60)
    owners = {i.owner for i in due}
    codes = {c: i for i, c in organization_codes(conn).items()}
    checked = 0
    for org in sorted(codes)[:12] + sorted(owners)[:3]:
        reach = scope.reachable_asset_codes(conn, codes[org])
        expected = [i for i in due if i.asset in reach]
        assert recall_list(conn, at=at, within_days=60, organization_id=codes[org]) == expected
        checked += len(expected)
    assert checked > 0
