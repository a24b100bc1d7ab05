"""``markwatch cases notices|recheck|link-sellers`` as an operator runs them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from markwatch.cli import app
from shared_db.es.client import make_client
from shared_db.es.listings import ListingsIndex
from shared_db.models import EnforcementCase, SellerLink
from shared_db.repo.hits import decide

runner = CliRunner()


def test_cases_commands(world, settings, sqlite_engine, tmp_path) -> None:
    with Session(sqlite_engine) as session, session.begin():
        for hit_id in (world.hits_a[0], world.hits_b[0]):
            decide(hit_id, "confirmed", session=session, reviewer_id=None, expected_version=1)
    out = tmp_path / "notices"
    made = runner.invoke(app, ["cases", "notices", "--out", str(out)])
    assert made.exit_code == 0, made.output
    assert "2 cases opened, 0 notices delivered" in made.output
    assert sorted(p.suffix for p in out.iterdir()) == [".pdf", ".pdf", ".txt", ".txt"]
    again = runner.invoke(app, ["cases", "notices", "--out", str(out)])
    assert "0 cases opened" in again.output
    checked = runner.invoke(app, ["cases", "recheck", "--every-hours", "0"])
    assert checked.exit_code == 0 and "0 listings re-checked (nothing due)" in checked.output  # nothing sent yet
    index = ListingsIndex(make_client(settings), settings)
    index.ensure()
    index.bulk_upsert([{"listing_id": f"x{n}", "marketplace": "demo", "seller_id": seller, "title": f"t{n}",
                        "image_hashes": ["0123456789abcdef"]} for n, seller in enumerate(("seller0", "seller1"))],
                      refresh=True)
    linked = runner.invoke(app, ["cases", "link-sellers"])
    assert linked.exit_code == 0 and "1 seller links stored" in linked.output, linked.output
    with Session(sqlite_engine) as session:
        assert session.scalar(select(SellerLink.reason)) == "image"
        assert len(list(session.scalars(select(EnforcementCase)))) == 2
