"""Takedown notices a marketplace's IP team accepts: one per case (rights holder × marketplace [× mark]).

A notice names the rights holder and its authorised agent, each mark's registration (number, office,
Nice classes, jurisdictions), the type of infringement of every listing, the listing URL as fetched
with its capture time, the evidence hashes (and the screenshot's, when the hit has one), the good-faith
and accuracy statements and a contact. The marketplace's template is chosen by its site profile
(``[notice] template``), else a template named after the marketplace, else ``default``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from review_ui.exports import screenshot_citation
from shared_db.models import EnforcementCase, Hit, Organisation
from shared_db.settings import Settings

TAKEDOWN_DIR = Path(__file__).parent / "templates" / "takedown"
NEAR_COPY = 0.84  # pHash similarity of a resized or recompressed copy of a reference photo
LOOKALIKE_KINDS = frozenset({"fuzzy", "homoglyph", "leet", "spacing", "phonetic", "domain", "joined", "variant"})
GOOD_FAITH = ("I have a good-faith belief that the use of the trademark(s) described above, in the manner "
              "complained of, is not authorised by the rights owner, its agent, or the law.")
ACCURACY = ("I state that the information in this notice is accurate and, under penalty of perjury, that I am "
            "the rights owner or authorised to act on behalf of the rights owner of the trademark(s) named.")
INFRINGEMENT_TYPES = ("counterfeit", "trademark misuse", "look-alike")


@dataclass(frozen=True)
class NoticeConfig:
    """How one marketplace takes notices (a site profile's ``[notice]`` table)."""

    template: str = "default"
    per_mark: bool = False
    ip_contact: str | None = None
    submit_url: str | None = None

    def submit_target(self, listing_url: str | None) -> str | None:
        """The absolute delivery URL: ``submit_url`` as is, or a path on the listings' own site."""
        if not self.submit_url:
            return None
        if self.submit_url.startswith("/"):
            return urljoin(listing_url, self.submit_url) if listing_url else None
        return self.submit_url


def takedown_templates() -> list[str]:
    return sorted(p.stem for p in TAKEDOWN_DIR.glob("*.txt"))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


@lru_cache(maxsize=256)
def notice_config(marketplace: str) -> NoticeConfig:
    """The marketplace's notice settings from its site profile; the template falls back to one named after
    the marketplace (``demo-market`` → ``demo_market``, ``demo-market`` → ``demo``), then ``default``."""
    from crawlers.profile import list_profiles, load_profile

    templates = set(takedown_templates())
    settings: dict[str, Any] = {}
    for name in list_profiles():
        profile = load_profile(name)
        if profile.marketplace == marketplace and profile.notice:
            settings = dict(profile.notice)
            break
    slug = _slug(marketplace)
    candidates = [settings.get("template"), marketplace, slug, slug.split("_", 1)[0]]
    template = next((c for c in candidates if c and c in templates), "default")
    return NoticeConfig(template=template, per_mark=bool(settings.get("per_mark", False)),
                        ip_contact=settings.get("ip_contact"), submit_url=settings.get("submit_url"))


def infringement_type(hit: Hit) -> str:
    """counterfeit (copy vocabulary, the brand's photos, or a price far below the reference on the mark itself),
    look-alike (a misspelt or disguised mark), else trademark misuse (the mark used by an unauthorised seller)."""
    features = hit.features or {}
    ratio = features.get("price_ratio")
    lookalike = hit.kind in LOOKALIKE_KINDS
    if (features.get("vocab_copy") or 0) > 0 or (features.get("image_similarity") or 0) >= NEAR_COPY \
            or (not lookalike and isinstance(ratio, int | float) and 0 < ratio < 0.5):
        return "counterfeit"
    return "look-alike" if lookalike else "trademark misuse"


@dataclass
class NoticeListing:
    number: int
    hit_id: int
    listing_id: str
    url: str
    title: str
    seller: str
    price: str
    mark: str
    registration_number: str
    infringement: str
    captured_at: str
    evidence_sha256: str | None
    screenshot_sha256: str | None = None  # the page screenshot taken for the hit (markwatch.jobs.screenshots)
    screenshot: str = "not captured"  # how the notice cites it: hash and capture time, or why there is none
    rechecked_at: str | None = None  # a follow-up notice: when the re-check found the listing still online


@dataclass
class Registration:
    mark: str
    number: str
    office: str
    classes: str
    jurisdictions: str


@dataclass
class FollowUp:
    """A follow-up notice: its number, and the first notice it recalls (reference, date, recipient)."""

    number: int
    first_reference: str
    first_sent_at: datetime
    first_sent_to: str


@dataclass
class Notice:
    """Everything a notice states, for the text, the PDF and the form exports alike."""

    reference: str
    case_id: int
    marketplace: str
    template: str
    rights_holder: str
    rights_holder_contact: str
    agent_name: str
    agent_email: str
    generated_at: datetime
    registrations: list[Registration] = field(default_factory=list)
    listings: list[NoticeListing] = field(default_factory=list)
    network: list[str] = field(default_factory=list)
    follow_up: FollowUp | None = None
    good_faith: str = GOOD_FAITH
    accuracy: str = ACCURACY

    @property
    def infringement_types(self) -> list[str]:
        return [t for t in INFRINGEMENT_TYPES if any(x.infringement == t for x in self.listings)]


def _captured_at(settings: Settings | None, hit: Hit) -> str:
    from shared_db.evidence import EvidenceStore

    if hit.evidence_sha256 and settings is not None:
        try:
            moment = EvidenceStore(settings.resolved_evidence_dir).meta(hit.evidence_sha256).get("captured_at")
            if moment:
                return str(moment)
        except (OSError, KeyError, LookupError, ValueError):
            pass  # the evidence was pruned or is unreadable: fall back to when detection first saw the listing
    return hit.first_seen_at.isoformat()


def notice_for(org: Organisation, hits: list[Hit], *, case_id: int, marketplace: str, template: str,
               settings: Settings | None, generated_at: datetime, network: list[str] | None = None) -> Notice:
    """The notice of one rights holder's ``hits`` on one marketplace (hits loaded with their marks)."""
    agent_name = settings.notice_agent_name if settings else Settings.model_fields["notice_agent_name"].default
    agent_email = settings.notice_agent_email if settings else Settings.model_fields["notice_agent_email"].default
    registrations: dict[int, Registration] = {}
    for hit in hits:
        mark = hit.mark
        registrations.setdefault(mark.id, Registration(
            mark.text, mark.registration_number or "—", mark.office or "—",
            ", ".join(str(c) for c in mark.classes) or "—", ", ".join(mark.jurisdictions) or "—"))
    listings = [NoticeListing(
        number=i, hit_id=hit.id, listing_id=hit.listing_id, url=hit.listing_url or "", title=hit.listing_title,
        seller=hit.seller_name or hit.seller_id or "unknown",
        price="" if hit.price is None else f"{hit.price} {hit.currency or ''}".strip(), mark=hit.mark.text,
        registration_number=hit.mark.registration_number or "", infringement=infringement_type(hit),
        captured_at=_captured_at(settings, hit), evidence_sha256=hit.evidence_sha256,
        screenshot_sha256=hit.screenshot_sha256, screenshot=screenshot_citation(hit),
    ) for i, hit in enumerate(hits, 1)]
    return Notice(
        reference=f"MW-{case_id:06d}" if case_id else "MW-DRAFT", case_id=case_id, marketplace=marketplace,
        template=template, rights_holder=org.name, rights_holder_contact=org.contact_email or agent_email,
        agent_name=agent_name, agent_email=agent_email, generated_at=generated_at,
        registrations=list(registrations.values()), listings=listings, network=list(network or []))


def build_notice(case: EnforcementCase, *, settings: Settings | None, generated_at: datetime) -> Notice:
    """The notice of ``case`` (loaded with its listings, hits, marks and organisation)."""
    return notice_for(case.organisation, [item.hit for item in case.listings], case_id=case.id,
                      marketplace=case.marketplace, template=case.template, settings=settings,
                      generated_at=generated_at, network=case.network)


def build_followup(case: EnforcementCase, *, settings: Settings | None, generated_at: datetime) -> Notice:
    """The case's next follow-up notice: only the listings a re-check found still online, citing the first notice.

    Raises :class:`~shared_db.repo.cases.CaseError` when the case cannot be re-notified (see ``check_followup``).
    """
    from shared_db.repo.cases import check_followup

    items = check_followup(case)
    notice = notice_for(case.organisation, [item.hit for item in items], case_id=case.id,
                        marketplace=case.marketplace, template=case.template, settings=settings,
                        generated_at=generated_at, network=case.network)
    number = (case.followups or 0) + 1
    assert case.notice_sent_at is not None  # check_followup refuses a case never sent
    notice.follow_up = FollowUp(number, notice.reference, case.notice_sent_at, case.notice_sent_to or "")
    notice.reference = f"{notice.reference}-F{number}"
    for listing, item in zip(notice.listings, items, strict=True):
        listing.rechecked_at = item.checked_at.isoformat() if item.checked_at else None
    return notice


def _environment() -> Environment:
    return Environment(loader=FileSystemLoader(TAKEDOWN_DIR), autoescape=False, undefined=StrictUndefined,
                       keep_trailing_newline=True)


def render_text(notice: Notice) -> str:
    """The notice as plain text, from the marketplace's template."""
    name = notice.template if notice.template in takedown_templates() else "default"
    return _environment().get_template(f"{name}.txt").render(notice=notice)


def notice_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
