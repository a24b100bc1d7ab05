"""Marks import from CSV and WIPO ST.66 into real SQLite and PostgreSQL databases."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shared_db.importers import (
    ImportTooLarge,
    MarkImportError,
    UnknownFormatError,
    UnsafeXmlError,
    guess_format,
    import_marks,
)
from shared_db.models import AuditLog, Mark, Organisation

DATA = Path(__file__).parent / "data"
HEADER = "mark,owner,aliases,classes,jurisdictions,registration_number,office,reference_price,currency,authorised_sellers\n"


def _import(engine, data: bytes, fmt: str = "csv", **options):  # type: ignore[no-untyped-def]
    with Session(engine) as session, session.begin():
        return import_marks(data, fmt=fmt, session=session, **options)


def _marks(engine) -> dict[str, Mark]:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        marks = session.scalars(select(Mark)).all()
        for mark in marks:
            _ = mark.owner.name
        return {mark.text: mark for mark in marks}


def test_good_csv_with_chinese_imports_every_field(engine) -> None:
    report = _import(engine, (DATA / "marks_good.csv").read_bytes())
    assert (report.imported, report.updated, report.unchanged, report.rejected) == (4, 0, 0, [])
    marks = _marks(engine)
    nike = marks["NIKE"]
    assert nike.owner.name == "Nike, Inc."
    assert (nike.aliases, nike.classes, nike.jurisdictions) == (["Nike", "NlKE"], [18, 25], ["US", "EU", "CN"])
    assert (nike.registration_number, nike.office, nike.currency) == ("0978952", "USPTO", "USD")
    assert nike.reference_price == Decimal("129.99")
    assert nike.authorised_sellers == ["nike-official", "Nike Store"]
    assert marks["耐克"].authorised_sellers == ["耐克官方旗舰店"] and marks["耐克"].owner.name == "Nike, Inc."
    huawei = marks["华为"]
    assert huawei.owner.name == "华为技术有限公司" and huawei.reference_price is None
    assert huawei.aliases == ["HUAWEI", "Huawei"] and huawei.normalised == "华为"


def test_importing_the_same_file_twice_creates_no_duplicates(engine) -> None:
    data = (DATA / "marks_good.csv").read_bytes()
    _import(engine, data)
    second = _import(engine, data)
    assert (second.imported, second.updated, second.unchanged) == (0, 0, 4)
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Mark)) == 4
        assert session.scalar(select(func.count()).select_from(Organisation)) == 3
        # Nothing changed, so the audit log holds only the four creations.
        assert session.scalars(select(AuditLog.action)).all() == ["mark.create"] * 4


def test_a_changed_row_counts_as_updated(engine) -> None:
    _import(engine, (HEADER + "ACME,Acme Ltd,,9,,,,10,USD,\n").encode())
    report = _import(engine, (HEADER + "ACME,Acme Ltd,,9;42,,,,10,USD,\n").encode())
    assert (report.imported, report.updated, report.unchanged) == (0, 1, 0)
    assert _marks(engine)["ACME"].classes == [9, 42]


def test_bom_is_tolerated(engine) -> None:
    report = _import(engine, b"\xef\xbb\xbf" + (DATA / "marks_good.csv").read_bytes())
    assert report.imported == 4 and report.ok


def test_broken_rows_are_rejected_with_line_and_reason_and_good_rows_kept(engine) -> None:
    data = (
        HEADER.encode()
        + b"GOOD ONE,Acme Ltd,,25,,,,19.90,EUR,\n"              # line 2
        + b"SHORT,Acme Ltd,,25\n"                                # line 3: wrong column count
        + b",Acme Ltd,,25,,,,1,EUR,\n"                           # line 4: empty mark
        + b"PRICEY,Acme Ltd,,25,,,,12 euros,EUR,\n"              # line 5: bad price
        + b"CAF\xc9,Acme Ltd,,25,,,,1,EUR,\n"                    # line 6: Latin-1, not UTF-8
        + b"CLASSY,Acme Ltd,,twenty,,,,1,EUR,\n"                 # line 7: bad class
        + b"FAR,Acme Ltd,,46,,,,1,EUR,\n"                        # line 8: class out of range
        + b"NEG,Acme Ltd,,25,,,,-3,EUR,\n"                       # line 9: negative price
        + b"CUR,Acme Ltd,,25,,,,3,euro,\n"                       # line 10: bad currency
        + "好品牌,Acme Ltd,,25,,,,3,CNY,\n".encode()              # line 11: good, Chinese
    )
    report = _import(engine, data)
    assert report.imported == 2
    reasons = dict(report.rejected)
    assert sorted(reasons) == [3, 4, 5, 6, 7, 8, 9, 10]
    assert reasons[3] == "expected 10 columns, found 4"
    assert reasons[4] == "empty mark"
    assert "reference_price" in reasons[5] and "not a number" in reasons[5]
    assert "invalid UTF-8" in reasons[6]
    assert "twenty" in reasons[7]
    assert "1 to 45" in reasons[8]
    assert "reference_price" in reasons[9]
    assert "currency" in reasons[10]
    assert set(_marks(engine)) == {"GOOD ONE", "好品牌"}


def test_line_numbers_count_quoted_newlines_and_blank_lines(engine) -> None:
    data = b'mark,owner,aliases\n"MULTI","Acme",\n\n"TWO\nLINES","Acme","a;b"\n"",Acme,\n'
    report = _import(engine, data)
    assert report.imported == 2
    assert report.rejected == [(6, "empty mark")]
    assert _marks(engine)["TWO\nLINES"].aliases == ["a", "b"]


def test_owner_option_makes_only_mark_required(engine) -> None:
    report = _import(engine, "mark\n李宁\nLI-NING\n".encode(), owner="Li Ning Co")
    assert report.imported == 2
    assert {m.owner.name for m in _marks(engine).values()} == {"Li Ning Co"}


def test_row_naming_another_owner_than_the_option_is_rejected(engine) -> None:
    report = _import(engine, b"mark,owner\nMINE,Acme\nTHEIRS,Other Corp\n", owner="Acme")
    assert report.imported == 1
    assert report.rejected[0][0] == 3 and "Other Corp" in report.rejected[0][1]


@pytest.mark.parametrize(("data", "message"), [
    (b"", "empty"),
    (b"owner,classes\nAcme,25\n", "'mark' column"),
    (b"mark,classes\nACME,25\n", "'owner' column"),
    (b"mark,owner,colour\nA,B,red\n", r"unknown column\(s\) colour"),
    (b"mark,owner,mark\nA,B,C\n", "more than once"),
    (b"m\xe4rk,owner\nA,B\n", "not valid UTF-8"),
])
def test_unusable_csv_is_refused_as_a_whole(sqlite_engine, data: bytes, message: str) -> None:
    with pytest.raises(MarkImportError, match=message):
        _import(sqlite_engine, data)


def test_uploads_over_the_limit_are_refused(sqlite_engine) -> None:
    data = (DATA / "marks_good.csv").read_bytes()
    with pytest.raises(ImportTooLarge, match="more than the limit"):
        _import(sqlite_engine, data, max_bytes=len(data) - 1)
    assert _import(sqlite_engine, data, max_bytes=len(data)).imported == 4


def test_st66_sample_with_chinese_and_latin_marks(engine) -> None:
    report = _import(engine, (DATA / "st66_sample.xml").read_bytes(), fmt="st66")
    assert (report.imported, report.rejected) == (4, [])
    marks = _marks(engine)
    huawei = marks["华为"]
    assert huawei.owner.name == "华为技术有限公司"
    assert (huawei.aliases, huawei.transliterations) == (["HUAWEI"], ["Huawei"])
    assert (huawei.application_number, huawei.registration_number) == ("1520156", "1520156")
    assert (huawei.classes, huawei.office, huawei.status, huawei.jurisdictions) == ([9, 38], "CN", "registered", ["CN"])
    li_ning = marks["李宁"]
    assert li_ning.owner.name == "李宁（中国）体育用品有限公司"
    assert (li_ning.status, li_ning.registration_number, li_ning.transliterations) == ("pending", None, ["Li Ning"])
    adidas = marks["ADIDAS"]
    assert (adidas.owner.name, adidas.classes, adidas.office) == ("adidas AG", [18, 25, 28], "EM")
    elan = marks["Sportif Élan"]
    assert (elan.owner.name, elan.status, elan.jurisdictions) == ("Élan Sportif SARL", "registration_cancelled",
                                                                 ["CN", "US"])


def test_st66_double_import_and_owner_option(engine) -> None:
    data = (DATA / "st66_sample.xml").read_bytes()
    _import(engine, data, fmt="st66")
    again = _import(engine, data, fmt="st66")
    assert (again.imported, again.updated, again.unchanged) == (0, 0, 4)
    owned = _import(engine, data, fmt="st66", owner="Watch Agency")
    assert owned.imported == 4
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Mark)) == 8


def test_st66_without_namespace_is_read_the_same(sqlite_engine) -> None:
    data = (DATA / "st66_sample.xml").read_bytes().replace(
        b' xmlns="http://www.wipo.int/standards/XMLSchema/trademarks"', b"")
    assert b"wipo.int/standards/XMLSchema/trademarks\"" not in data.split(b"schemaLocation")[0]
    report = _import(sqlite_engine, data, fmt="st66")
    assert report.imported == 4 and "华为" in _marks(sqlite_engine)


def test_st66_records_without_a_word_or_applicant_are_rejected_with_their_line(sqlite_engine) -> None:
    data = b"""<?xml version="1.0" encoding="UTF-8"?>
<TradeMarkTransaction xmlns="http://www.wipo.int/standards/XMLSchema/trademarks">
<TradeMarkTransactionBody><TransactionContentDetails><TransactionData><TradeMarkDetails>
<TradeMark><ApplicationNumber>1</ApplicationNumber><MarkFeature>Figurative</MarkFeature>
<ApplicantDetails><Applicant><ApplicantName><FullName>Pic Co</FullName></ApplicantName></Applicant></ApplicantDetails>
</TradeMark>
<TradeMark><ApplicationNumber>2</ApplicationNumber>
<WordMarkSpecification><MarkVerbalElementText>ORPHAN</MarkVerbalElementText></WordMarkSpecification>
</TradeMark>
<TradeMark><ApplicationNumber>3</ApplicationNumber>
<WordMarkSpecification><MarkVerbalElementText>KEPT</MarkVerbalElementText></WordMarkSpecification>
<GoodsServicesDetails><GoodsServices><ClassDescriptionDetails><ClassDescription><ClassNumber>99</ClassNumber>
</ClassDescription></ClassDescriptionDetails></GoodsServices></GoodsServicesDetails>
<ApplicantDetails><Applicant><ApplicantName><FullName>Kept Co</FullName></ApplicantName></Applicant></ApplicantDetails>
</TradeMark>
</TradeMarkDetails></TransactionData></TransactionContentDetails></TradeMarkTransactionBody>
</TradeMarkTransaction>"""
    report = _import(sqlite_engine, data, fmt="st66")
    assert report.imported == 0
    lines = [line for line, _ in report.rejected]
    assert lines == [4, 7, 10]
    assert "no MarkVerbalElementText" in report.rejected[0][1] and "Figurative" in report.rejected[0][1]
    assert "no applicant name" in report.rejected[1][1]
    assert "1 to 45" in report.rejected[2][1]


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<TradeMarkTransaction><TradeMark><MarkVerbalElementText>&lol9;</MarkVerbalElementText></TradeMark>
</TradeMarkTransaction>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE t [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<TradeMarkTransaction><TradeMark><MarkVerbalElementText>&secret;</MarkVerbalElementText></TradeMark>
</TradeMarkTransaction>"""


@pytest.mark.parametrize("data", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["billion-laughs", "external-entity"])
def test_entity_tricks_are_refused(sqlite_engine, data: bytes) -> None:
    with pytest.raises(UnsafeXmlError, match="declares entities or refers to external resources"):
        _import(sqlite_engine, data, fmt="st66")
    assert _marks(sqlite_engine) == {}


@pytest.mark.parametrize(("data", "message"), [
    (b"<TradeMarkTransaction><TradeMark>", "not well-formed"),
    (b"<catalogue><item>x</item></catalogue>", "no TradeMark element"),
])
def test_unusable_xml_is_refused(sqlite_engine, data: bytes, message: str) -> None:
    with pytest.raises(MarkImportError, match=message):
        _import(sqlite_engine, data, fmt="st66")


def test_guess_format() -> None:
    assert guess_format("marks.CSV") == "csv"
    assert guess_format("/tmp/export.xml") == "st66"
    with pytest.raises(UnknownFormatError, match="csv or st66"):
        guess_format("marks.xlsx")


FULL_WALKMAN = (HEADER.removesuffix("\n") + ",transliterations,application_number\n"
                + "WALKMAN,Sony,Walk Man;ウォークマン,9;15,US;JP,4242,JPO,199.00,JPY,sony-store,wokeman,A-1\n").encode()


def _audits(engine, action: str | None = None) -> list[AuditLog]:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        query = select(AuditLog).order_by(AuditLog.id)
        if action:
            query = query.where(AuditLog.action == action)
        return list(session.scalars(query))


def test_an_import_changes_only_the_columns_the_file_has(engine) -> None:
    """The attack: `mark,classes / WALKMAN,9` said "Updated: 1" and erased every other field of the mark."""
    _import(engine, FULL_WALKMAN)
    report = _import(engine, b"mark,classes\nWALKMAN,9\n", owner="Sony")
    assert (report.imported, report.updated, report.unchanged, report.rejected) == (0, 1, 0, [])
    walkman = _marks(engine)["WALKMAN"]
    assert walkman.classes == [9]
    assert (walkman.aliases, walkman.transliterations) == (["Walk Man", "ウォークマン"], ["wokeman"])
    assert (walkman.reference_price, walkman.currency) == (Decimal("199.00"), "JPY")
    assert walkman.authorised_sellers == ["sony-store"]
    assert (walkman.registration_number, walkman.office, walkman.jurisdictions) == ("4242", "JPO", ["US", "JP"])
    assert walkman.application_number == "A-1"
    # The audit entry names only what changed, before and after.
    update = _audits(engine, "mark.update")[-1]
    assert (update.before, update.after) == ({"classes": [9, 15]}, {"classes": [9]})
    # A column that is in the file but empty on a row clears that field: the file speaks for its columns.
    _import(engine, b"mark,reference_price,currency\nWALKMAN,,\n", owner="Sony")
    walkman = _marks(engine)["WALKMAN"]
    assert (walkman.reference_price, walkman.currency, walkman.aliases) == (None, None, ["Walk Man", "ウォークマン"])


def test_reimporting_a_partial_file_changes_nothing_and_writes_no_audit(engine) -> None:
    _import(engine, FULL_WALKMAN)
    _import(engine, b"mark,classes\nWALKMAN,9\n", owner="Sony")
    entries = len(_audits(engine))
    again = _import(engine, b"mark,classes\nWALKMAN,9\n", owner="Sony")
    assert (again.updated, again.unchanged) == (0, 1)
    assert len(_audits(engine)) == entries


def test_a_duplicate_mark_in_one_file_is_rejected_with_its_line_and_the_first_row_kept(engine) -> None:
    data = (HEADER + "ACME,Acme Ltd,Acmé,25,US,77,USPTO,10,USD,acme-shop\n"   # line 2: the full row
            + "BETA,Acme Ltd,,9,,,,,,\n"                                       # line 3
            + "ACME,Acme Ltd,,9,,,,,,\n"                                       # line 4: would erase line 2
            + "ACME , Acme Ltd ,,9,,,,,,\n").encode()                          # line 5: the same after trimming
    report = _import(engine, data)
    assert (report.imported, report.updated) == (2, 0)
    assert [line for line, _ in report.rejected] == [4, 5]
    assert "ACME" in report.rejected[0][1] and "line 2" in report.rejected[0][1]
    acme = _marks(engine)["ACME"]
    assert (acme.aliases, acme.classes, acme.registration_number) == (["Acmé"], [25], "77")
    assert acme.authorised_sellers == ["acme-shop"]


def test_every_created_mark_is_audited_with_its_values(engine) -> None:
    _import(engine, FULL_WALKMAN)
    [create] = _audits(engine, "mark.create")
    assert create.before is None
    assert create.after["registration_number"] == "4242" and create.after["aliases"] == ["Walk Man", "ウォークマン"]


def test_st66_changes_only_the_elements_present(engine) -> None:
    _import(engine, (HEADER + "华为,华为技术有限公司,HUAWEI;Huawei,9;38,CN;HK,1520156,CN,5000,CNY,华为官方旗舰店\n").encode())
    # An office record with only the word, the applicant and the classes.
    data = """<?xml version="1.0" encoding="UTF-8"?>
<TradeMarkTransaction><TradeMarkDetails><TradeMark>
<WordMarkSpecification><MarkVerbalElementText>华为</MarkVerbalElementText></WordMarkSpecification>
<GoodsServicesDetails><GoodsServices><ClassDescriptionDetails><ClassDescription><ClassNumber>9</ClassNumber>
</ClassDescription></ClassDescriptionDetails></GoodsServices></GoodsServicesDetails>
<ApplicantDetails><Applicant><ApplicantName><OrganizationName>华为技术有限公司</OrganizationName></ApplicantName>
</Applicant></ApplicantDetails>
</TradeMark></TradeMarkDetails></TradeMarkTransaction>""".encode()
    report = _import(engine, data, fmt="st66")
    assert (report.updated, report.rejected) == (1, [])
    huawei = _marks(engine)["华为"]
    assert huawei.classes == [9]
    assert (huawei.aliases, huawei.jurisdictions, huawei.registration_number) == (["HUAWEI", "Huawei"], ["CN", "HK"],
                                                                               "1520156")
    assert (huawei.reference_price, huawei.authorised_sellers) == (Decimal("5000.00"), ["华为官方旗舰店"])


def test_a_duplicate_trademark_in_one_st66_file_is_rejected(sqlite_engine) -> None:
    one = ("<TradeMark><WordMarkSpecification><MarkVerbalElementText>TWIN</MarkVerbalElementText>"
           "</WordMarkSpecification><ApplicantDetails><Applicant><ApplicantName><FullName>Twin Co</FullName>"
           "</ApplicantName></Applicant></ApplicantDetails>{extra}</TradeMark>\n")
    data = ("<TradeMarkTransaction><TradeMarkDetails>\n" + one.format(extra="<RegistrationNumber>1</RegistrationNumber>")
            + one.format(extra="") + "</TradeMarkDetails></TradeMarkTransaction>").encode()
    report = _import(sqlite_engine, data, fmt="st66")
    assert report.imported == 1 and [line for line, _ in report.rejected] == [3]
    assert "line 2" in report.rejected[0][1]


def test_a_weight_column_is_refused_in_an_owners_import_and_taken_from_a_curators(engine) -> None:
    with pytest.raises(MarkImportError, match="weight.*reviewers or admins"):
        _import(engine, b"mark,weight\nGREEDY,10\n", owner="Greedy Ltd", curator=False)
    assert _marks(engine) == {}
    report = _import(engine, b"mark,weight\nCURATED,2.5\n", owner="Curated Ltd")
    assert report.imported == 1 and _marks(engine)["CURATED"].weight == 2.5


def test_marks_an_owner_imports_are_pending_and_a_curators_are_verified(engine) -> None:
    _import(engine, b"mark,registration_number\nCANON,FAKE-1\n", owner="Not Canon", curator=False)
    _import(engine, b"mark,registration_number\nNIKON,123\n", owner="Nikon")
    marks = _marks(engine)
    assert (marks["CANON"].verification, marks["NIKON"].verification) == ("pending", "verified")
    # The owner re-importing an unchanged file keeps the verification; a new alias needs a new check.
    _import(engine, b"mark,registration_number\nNIKON,123\n", owner="Nikon", curator=False)
    assert _marks(engine)["NIKON"].verification == "verified"
    _import(engine, b"mark,aliases\nNIKON,CANON\n", owner="Nikon", curator=False)
    assert _marks(engine)["NIKON"].verification == "pending"


@pytest.mark.parametrize(("cells", "field"), [
    (";".join(f"alias{n}" for n in range(201)), "aliases"),
    ("x" * 201, "aliases"),
])
def test_oversized_lists_are_rejected_rows(sqlite_engine, cells: str, field: str) -> None:
    report = _import(sqlite_engine, f"mark,aliases\nBIG,{cells}\nSMALL,a\n".encode(), owner="Acme")
    assert report.imported == 1 and report.rejected[0][0] == 2 and field in report.rejected[0][1]


@pytest.mark.parametrize(("column", "value"), [
    ("reference_price", "1e30"), ("reference_price", "12345678901234567890"), ("reference_price", "-1"),
    ("reference_price", "1.005"), ("registration_number", "R" * 101), ("office", "O" * 21), ("status", "s" * 31),
])
def test_out_of_bounds_values_are_rejected_rows(engine, column: str, value: str) -> None:
    report = _import(engine, f"mark,{column}\nBIG,{value}\n".encode(), owner="Acme")
    assert report.imported == 0 and report.rejected[0][0] == 2 and column in report.rejected[0][1]
    assert _marks(engine) == {}
