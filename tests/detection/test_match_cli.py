"""Golden test of ``markwatch match``: offline, deterministic JSON lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
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


def test_without_a_vocabulary_the_listings_vouch_for_their_own_product_names(tmp_path: Path) -> None:
    # Acer's Veriton desktops are one letter from VERIZON; a line named in eight listings is a product's own name.
    marks, listings = tmp_path / "marks.csv", tmp_path / "listings.jsonl"
    marks.write_text("id,mark\n1,Verizon\n", encoding="utf-8")
    rows = [{"id": f"v{i}", "title": f"acer veriton m{i}20 desktop pc", "brand": "Acer"} for i in range(8)]
    rows.append({"id": "fake", "title": "Verizom prepaid sim card", "brand": "Generic"})
    listings.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")

    code, out, err = _run("--marks", str(marks), "--listings", str(listings))
    assert code == 0, err
    assert [json.loads(line)["listing_id"] for line in out.splitlines()] == ["fake"]
    assert "words learned from" in err

    code, out, _ = _run("--marks", str(marks), "--listings", str(listings), "--no-learn")
    assert code == 0
    assert sorted(json.loads(line)["listing_id"] for line in out.splitlines()) == ["fake"] + [f"v{i}" for i in range(8)]


def test_bad_marks_csv_is_a_usage_error(tmp_path: Path) -> None:
    marks = tmp_path / "marks.csv"
    marks.write_text("owner\nNike\n", encoding="utf-8")
    code, _, err = _run("--marks", str(marks), "--listings", str(DATA / "listings.jsonl"))
    assert code == 2 and "'mark' column" in err


GOOD_BEFORE = b'{"id": "g1", "title": "N1ke Air Max 90 replica", "category": "shoes"}\n'
GOOD_AFTER = b'{"id": "g2", "title": "Guccci bag"}\n'
BAD_LINES = {
    "invalid UTF-8": (b'{"id": "b", "title": "Nik\xff\xfe shoes"}', "not UTF-8 (byte 0xff at column 26)"),
    "latin-1 file": ('{"id": "b", "title": "Café Nike"}'.encode("latin-1"), "not UTF-8"),
    "broken JSON": (b'{"id": "b", "title": "Nike air', "not JSON"),
    "not an object": (b'["b", "Nike"]', "a JSON list, not an object"),
    "missing id": (b'{"title": "Nike shoes"}', "no 'id'"),
    "missing title": (b'{"id": "b"}', "'title' is missing"),
    "null title": (b'{"id": "b", "title": null}', "'title' is missing"),
    "empty title": (b'{"id": "b", "title": "   "}', "'title' is empty"),
    "number title": (b'{"id": "b", "title": 42}', "'title' is a JSON int, not text"),
    "list title": (b'{"id": "b", "title": ["Nike"]}', "'title' is a JSON list, not text"),
    "1 MB title": (b'{"id": "b", "title": "Nike ' + b"x" * 1_000_000 + b'"}', "over the limit of 2,000"),
}


def _listings(tmp_path: Path, bad: bytes) -> Path:
    path = tmp_path / "listings.jsonl"
    path.write_bytes(GOOD_BEFORE + b"\n" + bad + b"\n" + GOOD_AFTER)
    return path


@pytest.mark.parametrize("kind", BAD_LINES)
def test_a_bad_line_is_reported_and_skipped_and_every_good_line_matched(tmp_path: Path, kind: str) -> None:
    bad, reason = BAD_LINES[kind]
    code, out, err = _run("--marks", str(DATA / "marks.csv"), "--listings", str(_listings(tmp_path, bad)))
    assert code == 3, err  # partial: some lines were skipped
    [reported] = [line for line in err.splitlines() if "line 3:" in line]
    assert reason in reported and reported.endswith("(skipped)")
    assert "Traceback" not in err
    assert {json.loads(line)["listing_id"] for line in out.splitlines()} == {"g1", "g2"}
    assert "2 listings, 3 marks" in err and "1 line skipped" in err


def test_every_bad_line_of_one_file_is_reported(tmp_path: Path) -> None:
    listings = tmp_path / "listings.jsonl"
    listings.write_bytes(b"\n".join([GOOD_BEFORE.strip(), *(bad for bad, _ in BAD_LINES.values()),
                                     GOOD_AFTER.strip()]))
    code, out, err = _run("--marks", str(DATA / "marks.csv"), "--listings", str(listings))
    assert code == 3
    assert all(f"line {n}:" in err for n in range(2, 2 + len(BAD_LINES)))
    assert f"{len(BAD_LINES)} lines skipped" in err
    assert {json.loads(line)["listing_id"] for line in out.splitlines()} == {"g1", "g2"}


def test_a_context_field_of_the_wrong_type_is_left_out_not_the_listing(tmp_path: Path) -> None:
    listings = tmp_path / "listings.jsonl"
    listings.write_text('{"id": "c1", "title": "N1ke Air Max", "category": ["shoes"], "price": "cheap"}\n',
                        encoding="utf-8")
    code, out, err = _run("--marks", str(DATA / "marks.csv"), "--listings", str(listings))
    assert code == 0, err
    assert "line 1: 'category' is a JSON list, not text; matched without it (warning)" in err
    assert "'price' \"cheap\" is not a number" in err
    assert [json.loads(line)["listing_id"] for line in out.splitlines()] == ["c1"]


def test_a_listing_the_matcher_fails_on_costs_only_that_line(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from detection.matcher import Matcher

    real = Matcher._match_many

    def failing(self, texts, score_cutoff, contexts):  # type: ignore[no-untyped-def]
        if any("BOOM" in text for text in texts):
            raise RuntimeError("injected failure")
        return real(self, texts, score_cutoff, contexts)

    monkeypatch.setattr(Matcher, "_match_many", failing)
    code, out, err = _run("--marks", str(DATA / "marks.csv"),
                          "--listings", str(_listings(tmp_path, b'{"id": "b", "title": "BOOM Nike"}')))
    assert code == 3
    assert "line 3: the matcher failed on it (RuntimeError: injected failure) (skipped)" in err
    assert {json.loads(line)["listing_id"] for line in out.splitlines()} == {"g1", "g2"}
