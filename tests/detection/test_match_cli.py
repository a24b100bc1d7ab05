"""Golden test of ``markwatch match``: offline, deterministic JSON lines."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from markwatch.cli import app

DATA = Path(__file__).parent / "data"


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["match", *args])
    return result.exit_code, result.stdout, result.stderr


def test_match_output_is_the_golden_file() -> None:
    code, out, err = _run("--marks", str(DATA / "marks.csv"), "--listings", str(DATA / "listings.jsonl"))
    assert code == 0, err
    assert out == (DATA / "expected_hits.jsonl").read_text(encoding="utf-8")
    assert "8 listings, 3 marks: 6 hits in 5 listings" in err


def test_out_file_and_threshold(tmp_path: Path) -> None:
    out = tmp_path / "hits.jsonl"
    code, stdout, _ = _run("--marks", str(DATA / "marks.csv"), "--listings", str(DATA / "listings.jsonl"),
                           "--out", str(out), "--threshold", "60")
    assert code == 0 and stdout == ""
    hits = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert {"listing_id", "mark", "mark_id", "score", "kind", "span", "reasons"} <= set(hits[0])
    # The authorised seller's listing scores 70: under the default threshold, over 60.
    assert any(h["listing_id"] == "a6" and h["score"] == 70 for h in hits)


def test_bad_marks_csv_is_a_usage_error(tmp_path: Path) -> None:
    marks = tmp_path / "marks.csv"
    marks.write_text("owner\nNike\n", encoding="utf-8")
    code, _, err = _run("--marks", str(marks), "--listings", str(DATA / "listings.jsonl"))
    assert code == 2 and "'mark' column" in err


def test_bad_listing_line_names_the_line(tmp_path: Path) -> None:
    listings = tmp_path / "listings.jsonl"
    listings.write_text('{"id": 1, "title": "Nike"}\n{"title": "no id"}\n', encoding="utf-8")
    code, _, err = _run("--marks", str(DATA / "marks.csv"), "--listings", str(listings))
    assert code == 2 and "line 2" in err
