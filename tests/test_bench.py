"""The benchmark command builds its dataset and reports every case (its figures are not judged here)."""

import json
import re
import sqlite3

import tools.bench
from console.cli import bench
from models import db


def run_bench(app, tmp_path):
    previous = db.obj
    try:
        return app.test_cli_runner().invoke(
            bench,
            [
                "--accountants",
                "3000",
                "--database",
                f"sqlite:///{tmp_path / 'bench.db'}",
                "--storage-dir",
                str(tmp_path / "storage"),
                "--json",
                str(tmp_path / "bench.json"),
            ],
        )
    finally:
        db.initialize(previous)


def test_bench_reports_every_case_and_upgrades_a_dataset_an_older_version_built(app, tmp_path, monkeypatch):
    result = run_bench(app, tmp_path)
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "bench.json").read_text())
    cases = (
        "queue_first",
        "queue_page_500",
        "search_name",
        "search_id_tail",
        "filtered",
        "detail",
        "approve",
        "return",
        "decide_and_next",
        "dashboard",
        "stock_page_500",
        "statistics",
    )
    assert all(set(report[case]) == {"median_ms", "p95_ms", "queries"} for case in cases)
    assert report["queue_first"]["queries"] <= 4
    assert all(
        set(report[job]) == {"seconds", "peak_mb"}
        for job in (
            "export_100k",
            "national_export",
            "rules_preview",
            "apply_rules",
            "ce_import_100k",
            "legacy_import_100k",
        )
    )
    assert 0 < report["legacy_import_100k_queued_s"] < 1 and 0 < report["ce_import_100k_queued_s"] < 1
    assert report["decisions_per_s"] > 0
    assert (report["accountants"], report["database"]) == (3000, "sqlite")

    older = sqlite3.connect(tmp_path / "bench.db")  # as version 6 left it: archives had no scans of their own
    kept = ", ".join(row[1] for row in older.execute("PRAGMA table_info(attachment)") if row[1] != "accountant_id")
    (table,) = older.execute("SELECT sql FROM sqlite_master WHERE name = 'attachment'").fetchone()
    without = re.sub(r'"accountant_id" INTEGER, |, FOREIGN KEY \("accountant_id"\)[^,)]*\)[^,)]*', "", table)
    renamed = without.replace('"attachment"', "attachment_v6", 1)
    older.executescript(  # the table as it was, its key kept: rows of later tables refer to it
        f"{renamed}; INSERT INTO attachment_v6 SELECT {kept} FROM attachment; DROP TABLE attachment;"
        "ALTER TABLE attachment_v6 RENAME TO attachment; UPDATE schema_version SET version = 6;"
    )
    older.close()
    monkeypatch.setattr(tools.bench, "measure", lambda *args: {})  # the figures were read above
    result = run_bench(app, tmp_path)
    assert result.exit_code == 0, result.output
    assert "数据已生成" not in result.output  # the dataset was kept, its schema brought up to date
    upgraded = sqlite3.connect(tmp_path / "bench.db")
    assert "accountant_id" in {row[1] for row in upgraded.execute("PRAGMA table_info(attachment)")}
    upgraded.close()
