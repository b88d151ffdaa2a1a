"""``metro dcc export`` / ``metro dcc import`` through the real command: exit codes, output."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from metro.cli import app
from tests import factories as f
from tests.metro.dcc.conftest import EXAMPLES

runner = CliRunner()
SIGNED = EXAMPLES / "dcc_gp_temperature_typical_v12_v3.2.0_signed.xml"


def run(*args: str):
    return runner.invoke(app, list(args))


def _loaded(db, tmp_path: Path, files=None) -> None:
    bundle = f.write_bundle(tmp_path / "bundle", files or f.small_province())
    r = run("--db", db.url, "load", str(bundle))
    assert r.exit_code == 0, r.output


def test_export_writes_a_valid_dcc_and_import_dry_run_checks_it(db, tmp_path) -> None:
    _loaded(db, tmp_path)
    out = tmp_path / "hn.xml"
    r = run("--db", db.url, "dcc", "export", "HN2025-002", "--issuer", "HNIMT", str(out), "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["valid"] is True
    assert out.read_bytes().startswith(b"<?xml")
    # The same certificate is already recorded: the dry run reaches the certificate service.
    r = run("--db", db.url, "dcc", "import", str(out), "--dry-run")
    assert r.exit_code == 1
    assert "already recorded" in r.stderr


def test_export_errors_exit_1_naming_what(db, tmp_path) -> None:
    province = f.small_province()
    province["organizations.csv"].append(f.organization(code="ENT2", kind="enterprise"))
    province["instruments.csv"].append(
        f.instrument(
            code="H-001",
            owner="ENT2",
            quantity="hardness_hrc",
            range_min="20 HRC",
            range_max="70 HRC",
            mpe_abs="1.5 HRC",
            mpe_rel="",
            mandatory="false",
        )
    )
    province["capabilities.csv"].append(
        f.capability(
            standard="CS-P1",
            quantity="hardness_hrc",
            range_min="20 HRC",
            range_max="70 HRC",
            u_abs="0.3 HRC",
            u_rel="",
        )
    )
    province["certificates.csv"].append(
        f.certificate(number="CS-H1", issuer="CSIM", subject="H-001", references="CS-P1")
    )
    province["results.csv"].append(
        f.result(certificate="CS-H1", nominal="45 HRC", measured="45.4 HRC", u="0.3 HRC")
    )
    _loaded(db, tmp_path, province)
    out = tmp_path / "x.xml"
    r = run("--db", db.url, "dcc", "export", "CS-H1", "--issuer", "CSIM", str(out))
    assert r.exit_code == 1
    assert "unit 'HRC' has no D-SI form" in r.stderr
    assert not out.exists()
    r = run("--db", db.url, "dcc", "export", "NOPE", "--issuer", "CSIM", str(out))
    assert r.exit_code == 1 and "CSIM#NOPE: not found" in r.stderr
    r = run("--db", db.url, "dcc", "export", "CS-H1", str(out))
    assert r.exit_code == 2  # --issuer is required: a usage error


def test_import_of_a_public_example_explains_and_refuses(db, tmp_path) -> None:
    _loaded(db, tmp_path)
    r = run("--db", db.url, "dcc", "import", str(SIGNED), "--dry-run")
    assert r.exit_code == 1
    assert "signature NOT verified" in r.stdout
    assert "Kalibrierfirma GmbH" in r.stdout and "not matched" in r.stdout
    assert "306.248 K" in r.stdout
    assert "cannot be recorded: 4 problem(s)" in r.stderr
    r = run("--db", db.url, "dcc", "import", str(SIGNED), "--json")
    assert r.exit_code == 1
    report = json.loads(r.stdout)
    assert report["recorded"] is False
    assert report["schema_version"] == "3.2.0"
    assert report["issuer"] == {
        "dcc": "Kalibrierfirma GmbH",
        "matched": None,
        "why": "no organization has this name (and the DCC gives no laboratory code)",
    }
    assert len(report["results"]) == 5
    problem = json.loads(r.stderr)
    assert problem["status"] == 422


def test_import_of_a_bad_file_names_line_and_rule(db, tmp_path) -> None:
    _loaded(db, tmp_path)
    bad = tmp_path / "bad.xml"
    bad.write_bytes(
        SIGNED.read_bytes().replace(
            b"<dcc:countryCodeISO3166_1>DE<", b"<dcc:countryCodeISO3166_1>de<", 1
        )
    )
    r = run("--db", db.url, "dcc", "import", str(bad))
    assert r.exit_code == 1
    assert "not valid against the DCC 3.2.0 schema" in r.stderr
    assert "xs:pattern" in r.stderr and "line " in r.stderr
    r = run("--db", db.url, "dcc", "import", str(tmp_path / "missing.xml"))
    assert r.exit_code == 1 and "cannot read" in r.stderr


def test_import_records_an_exported_certificate_in_another_database(db, tmp_path) -> None:
    province = f.small_province()
    _loaded(db, tmp_path, province)
    out = tmp_path / "cs.xml"
    assert (
        run("--db", db.url, "dcc", "export", "CS2025-002", "--issuer", "CSIM", str(out)).exit_code
        == 0
    )
    other = f.small_province()
    other["certificates.csv"] = [
        c for c in other["certificates.csv"] if c["number"] != "CS2025-002"
    ]
    target = tmp_path / "other.db"
    url = f"sqlite:///{target}"
    assert run("--db", url, "init").exit_code == 0
    bundle = f.write_bundle(tmp_path / "other", other)
    assert run("--db", url, "load", str(bundle)).exit_code == 0
    r = run("--db", url, "dcc", "import", str(out), "--dry-run")
    assert r.exit_code == 0, r.output
    assert "nothing written" in r.stdout
    r = run("--db", url, "dcc", "import", str(out), "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["recorded"] is True
    r = run("--db", url, "dcc", "import", str(out))
    assert r.exit_code == 1 and "already recorded" in r.stderr
