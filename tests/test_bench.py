"""The benchmark command builds its dataset and reports every case (its figures are not judged here)."""

import json

from console.cli import bench
from models import db


def test_bench_reports_every_case(app, tmp_path):
    previous = db.obj
    try:
        result = app.test_cli_runner().invoke(
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
        "dashboard",
        "stock_page_500",
    )
    assert all(set(report[case]) == {"median_ms", "p95_ms", "queries"} for case in cases)
    assert report["queue_first"]["queries"] <= 4
    assert all(
        set(report[job]) == {"seconds", "peak_mb"}
        for job in ("export_100k", "apply_rules", "ce_import_100k", "legacy_import_100k")
    )
    assert report["decisions_per_s"] > 0
    assert (report["accountants"], report["database"]) == (3000, "sqlite")
