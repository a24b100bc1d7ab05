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


def test_case_lifecycle_commands(world, settings, sqlite_engine, tmp_path) -> None:
    import json

    from shared_db.models import AuditLog, CaseListing
    from shared_db.repo.cases import record_check

    with Session(sqlite_engine) as session, session.begin():
        for hit_id in (world.hits_a[0], world.hits_a[1], world.hits_b[0]):
            decide(hit_id, "confirmed", session=session, reviewer_id=None, expected_version=1)
    assert runner.invoke(app, ["cases", "notices", "--out", str(tmp_path / "notices")]).exit_code == 0
    listed = json.loads(runner.invoke(app, ["cases", "list", "--json"]).output)
    assert sorted(r["rights_holder"] for r in listed) == ["Acme Corp", "Brandx Ltd"]
    [acme] = json.loads(runner.invoke(app, ["cases", "list", "--org", "Acme Corp", "--json"]).output)
    assert runner.invoke(app, ["cases", "list", "--org", "Nobody"]).exit_code == 2
    case = str(acme["id"])
    early = runner.invoke(app, ["cases", "renotify", case, "--to", "ip@demo.example"])
    assert early.exit_code == 1 and "has not been sent yet" in early.output
    assert runner.invoke(app, ["cases", "renotify", case]).exit_code == 2  # nothing asked of it
    assert runner.invoke(app, ["cases", "sent", case, "--to", "ip@demo.example"]).exit_code == 0
    with Session(sqlite_engine) as session, session.begin():
        items = list(session.scalars(select(CaseListing).where(CaseListing.case_id == acme["id"]).order_by(CaseListing.id)))
        record_check(items[0], session=session, outcome="online", http_status=200, note=None)
        record_check(items[1], session=session, outcome="removed", http_status=404, note=None)
    out = tmp_path / "followups"
    followed = runner.invoke(app, ["cases", "renotify", case, "--out", str(out), "--to", "ip@demo.example"])
    assert followed.exit_code == 0, followed.output
    said = " ".join(followed.output.split())  # rich wraps long lines
    assert f"follow-up MW-{acme['id']:06d}-F1 for 1 listings still online, sent to ip@demo.example" in said
    [text] = [p for p in out.iterdir() if p.suffix == ".txt"]
    assert "https://demo.example/item/1" in text.read_text() and "item/2\n" not in text.read_text()
    assert runner.invoke(app, ["cases", "answer", case, "--response", "rejected", "--note", "need more"]).exit_code == 0
    assert runner.invoke(app, ["cases", "close", case, "--resolution", "marketplace_refused",
                               "--note", "refused twice"]).exit_code == 0
    again = runner.invoke(app, ["cases", "close", case, "--resolution", "withdrawn", "--note", "x"])
    assert again.exit_code == 1 and "reopen it first" in again.output
    assert runner.invoke(app, ["cases", "close", "9999", "--resolution", "withdrawn", "--note", "x"]).exit_code == 2
    reopened = runner.invoke(app, ["cases", "reopen", case, "--reason", "new evidence"])
    assert reopened.exit_code == 0 and "reopened (answered)" in reopened.output
    shown = json.loads(runner.invoke(app, ["cases", "show", case]).output)
    assert shown["status"] == "answered" and shown["followups"] == 1 and shown["response_note"] == "need more"
    assert [x["followup_at"] is not None for x in shown["listings"]] == [True, False]
    with Session(sqlite_engine) as session:
        actions = list(session.scalars(select(AuditLog.action).where(AuditLog.object_type == "case",
                                                                     AuditLog.object_id == case).order_by(AuditLog.id)))
    assert actions == ["case.open", "case.send", "case.followup", "case.response", "case.close", "case.reopen"]
