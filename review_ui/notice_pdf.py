"""A notice as PDF (fpdf2), with a Unicode font when the system has one (Chinese titles and sellers)."""

from __future__ import annotations

from pathlib import Path

from review_ui.notices import Notice, render_text

# Searched in order; WenQuanYi Micro Hei covers CJK (the CI installs fonts-wqy-microhei), DejaVu Latin and Cyrillic.
FONT_CANDIDATES = (
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
)


def _font(pdf) -> str:  # type: ignore[no-untyped-def]
    for path in FONT_CANDIDATES:
        if path.exists():
            pdf.add_font("notice", "", str(path))
            return "notice"
    return "helvetica"


def render_pdf(notice: Notice) -> bytes:
    """The notice's text (its marketplace's template) laid out on A4 pages, with a title and page numbers."""
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
    return bytes(pdf.output())
