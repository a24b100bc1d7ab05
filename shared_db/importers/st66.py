"""Marks from WIPO ST.66 XML (``TradeMarkTransaction`` ... ``TradeMarkDetails/TradeMark``).

Parsed with defusedxml: entity declarations and external references are refused, so a
"billion laughs" file or an XXE probe fails before any expansion. Namespaces are ignored by
matching local names, so the ST.66 namespace, an office's own namespace and none all work.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser
from sqlalchemy.orm import Session

from shared_db.importers.base import FileMarks, ImportReport, MarkImportError, RowRejected, build_mark

ST66_NAMESPACE = "http://www.wipo.int/standards/XMLSchema/trademarks"

# ST.66 MarkCurrentStatusCode values folded onto markwatch's statuses; others are kept as snake_case.
_STATUS = {
    "registered": "registered", "renewed": "registered", "registration_published": "registered",
    "filed": "pending", "application_filed": "pending", "published": "pending",
    "application_published": "pending", "examined": "pending", "opposed": "pending",
    "application_opposed": "pending", "appealed": "pending",
}


class UnsafeXmlError(MarkImportError):
    """The XML declares entities or refers to external resources, which are refused."""


class _LineTreeBuilder(ET.TreeBuilder):
    """Remembers the line each ``TradeMark`` element starts on, for the rejection report."""

    def __init__(self) -> None:
        super().__init__()
        self.parser: DefusedXMLParser | None = None
        self.lines: list[int] = []

    def start(self, tag: str, attrs: dict[str, str]) -> ET.Element:
        if _local(tag) == "TradeMark" and self.parser is not None:
            self.lines.append(self.parser.parser.CurrentLineNumber)
        return super().start(tag, attrs)


def import_st66(data: bytes, *, session: Session, owner: str | None, actor_id: int | None,
                curator: bool) -> ImportReport:
    """Import every ``TradeMark`` of an ST.66 document; see :func:`shared_db.importers.import_marks`.

    The applicant's name is the owner unless ``owner`` is given, which then owns every mark. An existing
    mark changes only in the fields whose elements the record has.
    """
    root, lines = parse(data)
    trademarks = [element for element in root.iter() if _local(element.tag) == "TradeMark"]
    if not trademarks:
        raise MarkImportError("no TradeMark element found; is this a WIPO ST.66 file "
                              "(TradeMarkTransaction/.../TradeMarkDetails/TradeMark)?")
    report = ImportReport()
    marks = FileMarks(session=session, actor_id=actor_id, curator=curator)
    for line, element in zip(lines, trademarks, strict=True):
        try:
            fields = trademark_fields(element)
            if owner:
                fields["owner"] = owner
            elif not fields.get("owner"):
                raise RowRejected(f"TradeMark {_label(fields)} has no applicant name; give the owner (--owner)")
            report.count(marks.save(build_mark(fields), line=line))
        except RowRejected as exc:
            report.reject(line, str(exc))
    return report


def parse(data: bytes) -> tuple[ET.Element, list[int]]:
    """The document's root and the start line of each ``TradeMark``; refuses entities and external refs."""
    builder = _LineTreeBuilder()
    parser = DefusedXMLParser(target=builder, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    builder.parser = parser
    try:
        parser.feed(data)
        root = parser.close()
    except DefusedXmlException as exc:
        raise UnsafeXmlError(
            f"the XML was refused because it declares entities or refers to external resources ({exc!r}); "
            "ST.66 files need neither: export the file again without a DOCTYPE"
        ) from exc
    except ET.ParseError as exc:
        raise MarkImportError(f"the XML is not well-formed ({exc}); check the file is complete") from exc
    return root, builder.lines


def trademark_fields(trademark: ET.Element) -> dict[str, Any]:
    """The :class:`~shared_db.schemas.MarkCreate` fields of one ST.66 ``TradeMark``: only those it has elements for.

    Further ``MarkVerbalElementText`` elements are aliases; without ``DesignatedCountryCode`` the
    registration office is the jurisdiction.
    """
    verbal = _texts(trademark, "MarkVerbalElementText")
    fields: dict[str, Any] = {
        "application_number": _first(trademark, "ApplicationNumber"),
        "registration_number": _first(trademark, "RegistrationNumber"),
        "office": _first(trademark, "RegistrationOfficeCode"),
        "owner": _applicant_name(trademark),
    }
    if not verbal:
        kind = _first(trademark, "MarkFeature") or "unknown"
        raise RowRejected(f"TradeMark {_label(fields)} has no MarkVerbalElementText "
                          f"(mark feature {kind}); only word elements can be watched")
    fields["text"] = verbal[0]
    fields["aliases"] = verbal[1:] or None
    fields["transliterations"] = _texts(trademark, "MarkTransliteration") or None
    classes = []
    for value in _texts(trademark, "ClassNumber"):
        if not value.isascii() or not value.isdigit() or len(value) > 3:
            raise RowRejected(f"TradeMark {_label(fields)}: ClassNumber {value!r} is not a Nice class number")
        classes.append(int(value))
    fields["classes"] = classes or None
    designated = _texts(trademark, "DesignatedCountryCode")
    fields["jurisdictions"] = designated or ([fields["office"]] if fields["office"] else None)
    status = _first(trademark, "MarkCurrentStatusCode")
    if status:
        fields["status"] = _status(status)
    return {key: value for key, value in fields.items() if value is not None}


def _applicant_name(trademark: ET.Element) -> str | None:
    applicant = next((e for e in trademark.iter() if _local(e.tag) == "Applicant"), None)
    if applicant is None:
        return None
    for name in ("OrganizationName", "FullName", "FreeFormatNameLine"):
        found = _texts(applicant, name)
        if found:
            return " ".join(found)
    person = [text for tag in ("FirstName", "LastName") for text in _texts(applicant, tag)]
    return " ".join(person) or _first(applicant, "ApplicantName")


def _status(code: str) -> str:
    key = re.sub(r"[^a-z0-9]+", "_", code.lower()).strip("_")
    return _STATUS.get(key, key[:30])


def _label(fields: dict[str, Any]) -> str:
    number = fields.get("application_number") or fields.get("registration_number")
    return f"application {number}" if number else "(no application number)"


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _texts(element: ET.Element, name: str) -> list[str]:
    values = (" ".join("".join(e.itertext()).split()) for e in element.iter() if _local(e.tag) == name)
    return [value for value in values if value]


def _first(element: ET.Element, name: str) -> str | None:
    values = _texts(element, name)
    return values[0] if values else None
