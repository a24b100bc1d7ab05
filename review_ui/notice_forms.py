"""Notices as the rows marketplace IP reporting forms ask for (CSV and JSON).

The columns are the union of what the major programmes' forms take for a trademark report: Amazon
Brand Registry's "Report a violation", eBay VeRO's Notice of Claimed Infringement and Alibaba IPP's
trademark complaint — rights owner and agent, contact, the trademark's registration number, office
and country, the infringement type, the listing's URL and id, the statements and a signature.
``FORMS`` maps each programme's own field names to these columns for the JSON export.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from review_ui.exports import neutralise
from review_ui.notices import Notice

FORM_COLUMNS = (
    "notice_reference", "marketplace", "rights_owner", "authorised_agent", "contact_email", "ip_type", "trademark",
    "registration_number", "registration_office", "nice_classes", "jurisdiction", "infringement_type",
    "listing_url", "listing_id", "seller", "listing_title", "price", "captured_at", "evidence_sha256",
    "screenshot_sha256", "good_faith_statement", "accuracy_statement", "signature", "date",
)
FORMS: dict[str, dict[str, str]] = {
    "amazon_brand_registry": {
        "Brand name": "trademark", "Rights owner": "rights_owner", "Your name": "authorised_agent",
        "Email": "contact_email", "Trademark registration number": "registration_number",
        "Trademark office": "registration_office", "Violation type": "infringement_type",
        "ASIN or URL": "listing_url", "Seller": "seller", "Additional information": "listing_title",
        "Good-faith statement": "good_faith_statement", "Accuracy statement": "accuracy_statement",
        "Electronic signature": "signature",
    },
    "ebay_vero": {
        "Rights owner name": "rights_owner", "Agent name": "authorised_agent", "Email address": "contact_email",
        "Item number": "listing_id", "Item URL": "listing_url", "Reason code": "infringement_type",
        "Trademark": "trademark", "Registration number": "registration_number", "Country": "jurisdiction",
        "Good faith statement": "good_faith_statement", "Accuracy statement": "accuracy_statement",
        "Signature": "signature", "Date": "date",
    },
    "alibaba_ipp": {
        "IPR type": "ip_type", "Trademark name": "trademark", "Registration number": "registration_number",
        "Registration country/region": "jurisdiction", "Goods/services classes": "nice_classes",
        "Complainant": "rights_owner", "Agent": "authorised_agent", "Contact email": "contact_email",
        "Infringement type": "infringement_type", "Infringing link": "listing_url",
        "Evidence": "evidence_sha256", "Declaration": "accuracy_statement",
    },
}


def form_rows(notice: Notice) -> list[dict[str, Any]]:
    """One row per listing of the notice, in :data:`FORM_COLUMNS`."""
    by_mark = {r.mark: r for r in notice.registrations}
    rows = []
    for item in notice.listings:
        reg = by_mark[item.mark]
        rows.append({
            "notice_reference": notice.reference, "marketplace": notice.marketplace,
            "rights_owner": notice.rights_holder, "authorised_agent": notice.agent_name,
            "contact_email": notice.agent_email, "ip_type": "trademark", "trademark": item.mark,
            "registration_number": reg.number, "registration_office": reg.office, "nice_classes": reg.classes,
            "jurisdiction": reg.jurisdictions, "infringement_type": item.infringement, "listing_url": item.url,
            "listing_id": item.listing_id, "seller": item.seller, "listing_title": item.title, "price": item.price,
            "captured_at": item.captured_at, "evidence_sha256": item.evidence_sha256 or "",
            "screenshot_sha256": item.screenshot_sha256 or "", "good_faith_statement": notice.good_faith,
            "accuracy_statement": notice.accuracy, "signature": f"{notice.agent_name} for {notice.rights_holder}",
            "date": notice.generated_at.date().isoformat(),
        })
    return rows


def forms_csv(notices: list[Notice]) -> str:
    """Every notice's rows as CSV, safe against spreadsheet formula injection."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(FORM_COLUMNS)
    for notice in notices:
        for row in form_rows(notice):
            writer.writerow([neutralise(row[c]) for c in FORM_COLUMNS])
    return out.getvalue()


def forms_json(notices: list[Notice]) -> dict[str, Any]:
    """The rows, and each programme's form filled in with its own field names."""
    rows = [row for notice in notices for row in form_rows(notice)]
    return {"format": "markwatch-ip-forms/1", "columns": list(FORM_COLUMNS), "rows": rows,
            "forms": {name: [{label: row[column] for label, column in fields.items()} for row in rows]
                      for name, fields in FORMS.items()}}
