"""Reference photos of marks (form and API) and listing images on the hit page: scoped, checked, served inert."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared_db.evidence import EvidenceStore
from shared_db.models import AuditLog, Hit, MarkReferenceImage, User
from shared_db.repo.users import issue_api_token


def _upload(client, mark_id: int, token: str, data: bytes, name: str = "photo.jpg"):  # type: ignore[no-untyped-def]
    return client.post(f"/marks/{mark_id}/images", data={"csrf_token": token},
                       files={"image": (name, data, "image/jpeg")})


def test_rights_holder_uploads_a_reference_photo_in_the_mark_form(world, login_as, csrf, sqlite_engine,
                                                                  images) -> None:  # type: ignore[no-untyped-def]
    holder = login_as("holder_a")
    token = csrf(holder, f"/marks/{world.mark_a}/edit")
    assert _upload(holder, world.mark_a, token, images.photo("acme-bag"), "acme bag.jpg").status_code == 303
    with Session(sqlite_engine) as session:
        row = session.scalar(select(MarkReferenceImage))
        assert row.mark_id == world.mark_a and row.media_type == "image/jpeg" and len(row.phash) == 16
        assert session.scalar(select(AuditLog.action).where(AuditLog.action.like("mark.reference_image%")))
    page = holder.get(f"/marks/{world.mark_a}/edit").text
    assert f"/marks/{world.mark_a}/images/{row.id}" in page and row.phash in page

    served = holder.get(f"/marks/{world.mark_a}/images/{row.id}")
    assert served.status_code == 200 and served.content == images.photo("acme-bag")
    assert served.headers["content-type"] == "image/jpeg" and served.headers["x-content-type-options"] == "nosniff"
    assert login_as("holder_b").get(f"/marks/{world.mark_a}/images/{row.id}").status_code == 404

    removed = holder.post(f"/marks/{world.mark_a}/images/{row.id}/delete", data={"csrf_token": token})
    assert removed.status_code == 303
    with Session(sqlite_engine) as session:
        assert session.scalar(select(MarkReferenceImage)) is None


def test_a_non_image_or_an_oversized_upload_is_refused_in_the_form(world, login_as, csrf, app,
                                                                   images) -> None:  # type: ignore[no-untyped-def]
    holder = login_as("holder_a")
    token = csrf(holder, f"/marks/{world.mark_a}/edit")
    fake = _upload(holder, world.mark_a, token, b"<svg onload=alert(1)></svg>", "logo.jpg")
    assert fake.status_code == 422 and "not a JPEG, PNG, GIF or WebP image" in fake.text
    assert "<svg onload" not in fake.text
    bomb = _upload(holder, world.mark_a, token, images.bomb(), "bomb.png")
    assert bomb.status_code == 422 and "decompression bomb" in bomb.text
    app.state.settings = app.state.settings.model_copy(update={"image_max_bytes": 1000})
    big = _upload(holder, world.mark_a, token, images.photo("acme-bag"))
    assert big.status_code == 413 and "larger than 1000 bytes" in big.text


def test_only_the_marks_owner_or_an_admin_may_add_photos(world, login_as, csrf, images) -> None:  # type: ignore[no-untyped-def]
    other = login_as("holder_b")
    assert _upload(other, world.mark_a, csrf(other, "/marks"), images.photo("x")).status_code == 404
    reviewer = login_as("reviewer")
    assert _upload(reviewer, world.mark_a, csrf(reviewer, "/queue"), images.photo("x")).status_code == 403
    admin = login_as("admin")
    assert _upload(admin, world.mark_a, csrf(admin, "/marks"), images.photo("x")).status_code == 303


def test_api_adds_lists_and_removes_reference_photos(client, world, sqlite_engine,
                                                     images) -> None:  # type: ignore[no-untyped-def]
    with Session(sqlite_engine) as session, session.begin():
        tokens = {role: issue_api_token(session.query(User).filter_by(email=world.emails[role]).one(),
                                        session=session) for role in ("holder_a", "holder_b")}
    own, other = ({"Authorization": f"Bearer {tokens[r]}"} for r in ("holder_a", "holder_b"))
    files = {"image": ("a.png", images.photo("acme", "PNG"), "image/png")}
    created = client.post(f"/api/v1/marks/{world.mark_a}/images", files=files, headers=own)
    assert created.status_code == 201 and created.json()["media_type"] == "image/png"
    assert client.post(f"/api/v1/marks/{world.mark_a}/images", files=files, headers=other).status_code == 404
    bad = client.post(f"/api/v1/marks/{world.mark_a}/images", files={"image": ("a.png", b"GIF89a", "image/gif")},
                      headers=own)
    assert bad.status_code == 422 and "not a JPEG, PNG, GIF or WebP" in bad.json()["detail"]
    listed = client.get(f"/api/v1/marks/{world.mark_a}/images", headers=own).json()
    assert [i["sha256"] for i in listed] == [created.json()["sha256"]]
    assert client.get(f"/api/v1/marks/{world.mark_a}/images", headers=other).status_code == 404
    image_id = created.json()["id"]
    assert client.delete(f"/api/v1/marks/{world.mark_a}/images/{image_id}", headers=other).status_code == 404
    assert client.delete(f"/api/v1/marks/{world.mark_a}/images/{image_id}", headers=own).json() == []
    assert client.get(f"/api/v1/marks/{world.mark_a}/images", headers=own).json() == []


def test_hit_page_shows_the_image_similarity_and_the_listing_images_from_our_store(
        world, login_as, settings, sqlite_engine, images) -> None:  # type: ignore[no-untyped-def]
    photo = images.photo("listing")
    sha = EvidenceStore(settings.resolved_evidence_dir).put(photo, url="https://shop.example/a.jpg", status=200)
    hostile = EvidenceStore(settings.resolved_evidence_dir).put(b"<script>alert(1)</script>", url="x", status=200)
    hit_id = world.hits_a[0]
    with Session(sqlite_engine) as session, session.begin():
        hit = session.get(Hit, hit_id)
        hit.features = {"image_similarity": 0.953, "image_sha256": [sha, hostile]}
        hit.explanations = ["main image 95% similar to the registered product photo"]
    holder = login_as("holder_a")
    page = holder.get(f"/hits/{hit_id}").text
    assert "95% similar to the registered product photo" in page and 'id="image-similarity"' in page
    assert f'src="/hits/{hit_id}/images/0"' in page and "shop.example" not in page
    served = holder.get(f"/hits/{hit_id}/images/0")
    assert served.content == photo and served.headers["content-type"] == "image/jpeg"
    assert served.headers["x-content-type-options"] == "nosniff"
    assert holder.get(f"/hits/{hit_id}/images/1").status_code == 404  # stored, but not an image: never served
    assert holder.get(f"/hits/{hit_id}/images/2").status_code == 404
    assert login_as("holder_b").get(f"/hits/{hit_id}/images/0").status_code == 404
