"""Notices per rights holder × marketplace: text, PDF (rendered to an image), IP-form exports, template lookup."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from review_ui.notice_forms import FORM_COLUMNS, FORMS, forms_csv, forms_json
from review_ui.notice_pdf import render_pdf
from review_ui.notices import build_notice, infringement_type, notice_config, render_text
from shared_db.models import Hit
from shared_db.repo.cases import get_case, open_cases, uncased_confirmed_hits
from shared_db.repo.hits import decide

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


def confirm(engine, *hit_ids: int) -> None:  # type: ignore[no-untyped-def]
    with Session(engine) as session, session.begin():
        for hit_id in hit_ids:
            decide(hit_id, "confirmed", session=session, reviewer_id=None, expected_version=1)


def open_all(engine, per_mark: bool = False) -> list[int]:  # type: ignore[no-untyped-def]
    with Session(engine) as session, session.begin():
        hits = uncased_confirmed_hits(session=session, org_id=None)
        return [c.id for c in open_cases(hits, session=session, per_mark=lambda m: per_mark,
                                         template=lambda m: notice_config(m).template, created_by=None)]


def test_one_notice_per_rights_holder_and_marketplace_never_mixing_owners(seeded, settings) -> None:
    engine, world = seeded
    confirm(engine, world.hits_a[0], world.hits_a[1], world.hits_b[0])
    case_ids = open_all(engine)
    assert len(case_ids) == 2
    assert open_all(engine) == []  # a hit enters one case only
    with Session(engine) as session:
        texts = {}
        for case_id in case_ids:
            case = get_case(case_id, session=session, org_id=None)
            texts[case.organisation.name] = render_text(build_notice(case, settings=settings, generated_at=NOW))
    acme = texts["Acme Corp"]
    assert "BRANDX" not in acme and "Brandx Ltd" not in acme
    assert "Rights owner: Acme Corp" in acme or "Rights owner: Acme Corp" in acme.replace("  ", " ")
    assert settings.notice_agent_name in acme and settings.notice_agent_email in acme
    assert "https://demo.example/item/1" in acme and "https://demo.example/item/2" in acme
    assert "evidence_sha256=" + "ab" * 32 in acme  # the "demo" marketplace's own template
    assert "type=look-alike" in acme  # fuzzy matches are look-alikes
    assert "good-faith belief" in acme and "accurate" in acme
    assert "captured_at=" in acme


def test_org_scope_limits_cases(seeded) -> None:
    engine, world = seeded
    confirm(engine, world.hits_a[0], world.hits_b[0])
    open_all(engine)
    with Session(engine) as session:
        org_b = session.get(Hit, world.hits_b[0]).mark.org_id
        org_a = session.get(Hit, world.hits_a[0]).mark.org_id
        ids_b = [c.id for c in uncased_confirmed_hits(session=session, org_id=org_b)]
        assert ids_b == []
        from shared_db.repo.cases import list_enforcement_cases

        assert {c.org_id for c in list_enforcement_cases(session=session, org_id=org_a)} == {org_a}


def test_template_lookup_falls_back_from_profile_to_marketplace_name_to_default() -> None:
    assert notice_config("demo-market").template == "demo"  # the profile's [notice] table
    assert notice_config("demo-market").per_mark is True
    assert notice_config("demo").template == "demo"  # named after the marketplace
    assert notice_config("shop.example").template == "default"
    assert notice_config("../../etc/passwd").template == "default"


def test_infringement_type_follows_the_evidence(seeded) -> None:
    engine, world = seeded
    with Session(engine) as session:
        hit = session.get(Hit, world.hits_a[0])
        assert infringement_type(hit) == "look-alike"
        hit.kind = "exact"
        assert infringement_type(hit) == "trademark misuse"
        hit.features = {"vocab_copy": 1}
        assert infringement_type(hit) == "counterfeit"
        hit.features = {"image_similarity": 0.95}
        assert infringement_type(hit) == "counterfeit"
        hit.features = {"price_ratio": 0.1}
        assert infringement_type(hit) == "counterfeit"
        session.rollback()


def _notice(engine, settings, world, screenshot_sha256=None):  # type: ignore[no-untyped-def]
    confirm(engine, world.hits_a[0], world.hits_a[1])
    [case_id] = open_all(engine)
    with Session(engine) as session:
        case = get_case(case_id, session=session, org_id=None)
        case.template = "default"
        if screenshot_sha256:
            case.listings[0].hit.screenshot_sha256 = screenshot_sha256  # as markwatch.jobs.screenshots stores it
        notice = build_notice(case, settings=settings, generated_at=NOW)
        session.rollback()
    return notice


def test_pdf_notice_renders_to_an_image_with_the_notice_text(seeded, settings) -> None:
    import pypdfium2

    engine, world = seeded
    notice = _notice(engine, settings, world, screenshot_sha256="cd" * 32)
    notice.listings[1].title = "索尼 数码相机 高仿"  # Chinese listings are common: the PDF needs a CJK font (.ci/run)
    notice.listings[0].title = "ɡoogle pixel ոikon"  # look-alike letters the CJK font lacks: cited as fetched
    text = render_text(notice)
    assert "NOTICE OF TRADEMARK INFRINGEMENT" in text and "Screenshot SHA-256: " + "cd" * 32 in text
    data = render_pdf(notice)
    assert data.startswith(b"%PDF")
    pdf = pypdfium2.PdfDocument(data)
    assert len(pdf) >= 1
    page = pdf[0]
    image = page.render(scale=1.5).to_pil().convert("L")
    assert image.width > 800 and image.height > 1000
    dark = sum(1 for p in image.getdata() if p < 128)
    assert dark > image.width * image.height * 0.005  # text was drawn, not a blank page
    words = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    assert "Acme Corp" in words and "https://demo.example/item/1" in words and "ab" * 32 in words
    assert "good-faith" in words and "索尼 数码相机 高仿" in words and "ɡoogle pixel ոikon" in words


def test_pdf_attaches_the_listing_screenshot_from_the_evidence_store(seeded, settings) -> None:
    import pypdfium2
    from PIL import Image

    from review_ui.notice_pdf import evidence_screenshots
    from shared_db.evidence import EvidenceStore

    shot = io.BytesIO()
    Image.new("RGB", (400, 300), (200, 0, 0)).save(shot, format="PNG")
    sha = EvidenceStore(settings.resolved_evidence_dir).put(shot.getvalue(), url="https://demo.example/item/1",
                                                            status=200)
    engine, world = seeded
    notice = _notice(engine, settings, world, screenshot_sha256=sha)
    without = pypdfium2.PdfDocument(render_pdf(notice))
    pdf = pypdfium2.PdfDocument(render_pdf(notice, screenshots=evidence_screenshots(settings)))
    assert len(pdf) == len(without) + 1
    last = pdf[len(pdf) - 1].render(scale=1).to_pil().convert("RGB")
    red = sum(1 for r, g, b in last.getdata() if r > 150 and g < 60 and b < 60)
    assert red > last.width * last.height * 0.2  # the screenshot is drawn on its own page
    notice.listings[0].screenshot_sha256 = "0" * 64  # not in the store: the notice still renders
    assert len(pypdfium2.PdfDocument(render_pdf(notice, screenshots=evidence_screenshots(settings)))) == len(without)


def test_ip_form_exports_carry_every_programmes_fields(seeded, settings) -> None:
    engine, world = seeded
    notice = _notice(engine, settings, world)
    notice.listings[0].title = "=HYPERLINK(\"http://x\")"
    rows = list(csv.DictReader(io.StringIO(forms_csv([notice]))))
    assert tuple(rows[0]) == FORM_COLUMNS and len(rows) == 2
    assert rows[0]["rights_owner"] == "Acme Corp" and rows[0]["ip_type"] == "trademark"
    assert rows[0]["listing_title"].startswith("'=")  # no formula in a spreadsheet
    data = forms_json([notice])
    for programme, fields in FORMS.items():
        filled = data["forms"][programme]
        assert len(filled) == 2 and set(filled[0]) == set(fields)
    assert data["forms"]["ebay_vero"][0]["Item URL"] == "https://demo.example/item/1"
    assert data["forms"]["alibaba_ipp"][0]["Evidence"] == "ab" * 32
