"""A notice as PDF (fpdf2), with a Unicode font when the system has one (Chinese titles and sellers), and the
listings' page screenshots attached when the evidence store has them (``Hit.screenshot_sha256``)."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

from review_ui.notices import Notice, render_text

# The first present is the notice's font, the others its fallbacks for characters it lacks: WenQuanYi Micro Hei
# covers CJK (the CI installs fonts-wqy-microhei), DejaVu Latin, IPA, Greek, Cyrillic and Armenian (look-alike
# letters in hostile titles, which a notice must cite as fetched).
FONT_CANDIDATES = (
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
)


def _font(pdf) -> str:  # type: ignore[no-untyped-def]
    families = []
    for path in FONT_CANDIDATES:
        if path.exists():
            families.append(f"notice{len(families)}")
            pdf.add_font(families[-1], "", str(path))
    if not families:
        return "helvetica"
    pdf.set_fallback_fonts(families[1:])
    return families[0]


Screenshots = Callable[[str], bytes | None]


def evidence_screenshots(settings) -> Screenshots:  # type: ignore[no-untyped-def]
    """Screenshots by sha256 from the evidence store, checked as images first (None: missing or not an image)."""
    from shared_db.evidence import EvidenceStore
    from shared_db.imagehash import ImageRejected, fingerprint

    store = EvidenceStore(settings.resolved_evidence_dir)

    def load(sha: str) -> bytes | None:
        try:
            data = store.get(sha)
            fingerprint(data, max_bytes=settings.image_max_bytes * 4, max_pixels=settings.image_max_pixels)
        except (OSError, KeyError, LookupError, ValueError, ImageRejected):
            return None
        return data

    return load


def render_pdf(notice: Notice, *, screenshots: Screenshots | None = None) -> bytes:
    """The notice's text (its marketplace's template) laid out on A4 pages, then one page per listing screenshot."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_title(f"{notice.reference} — {notice.marketplace}")
    pdf.set_author(notice.agent_name)
    pdf.set_creator("markwatch")
    pdf.set_auto_page_break(auto=True, margin=15)
    family = _font(pdf)
    pdf.add_page()
    text = render_text(notice)
    if family == "helvetica":  # core fonts are Latin-1 only
        text = text.encode("latin-1", "replace").decode("latin-1")
    title, _, body = text.partition("\n")
    pdf.set_font(family, size=13)
    pdf.multi_cell(0, 7, title, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font(family, size=9)
    for line in body.splitlines():
        pdf.multi_cell(0, 4.6, line or " ", new_x="LMARGIN", new_y="NEXT", wrapmode="CHAR")
    for item in notice.listings:
        data = screenshots(item.screenshot_sha256) if screenshots and item.screenshot_sha256 else None
        if data is None:
            continue
        pdf.add_page()
        pdf.set_font(family, size=10)
        pdf.multi_cell(0, 5, f"{item.number}. {item.url}\nScreenshot SHA-256: {item.screenshot_sha256}",
                       new_x="LMARGIN", new_y="NEXT", wrapmode="CHAR")
        pdf.image(io.BytesIO(data), w=pdf.epw)
    return bytes(pdf.output())
