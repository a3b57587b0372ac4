"""Reading uploaded MIS files: size, encoding, CSV table, column recognition and CTF XML.

Nothing here touches the database. Every failure a person can fix is an
`ImportRefused` with a message for the office, or a problem naming a row and column.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from typing import IO, Any
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET  # type: ignore[import-untyped]
from defusedxml import DefusedXmlException

from homelearning.core.errors import ServiceError


class ImportRefused(ServiceError):
    """The file cannot be read at all (too big, empty, wrong encoding, not CSV or CTF)."""


@dataclass(frozen=True)
class Field:
    label: str
    aliases: tuple[str, ...] = ()
    required: bool = False


def _key(heading: str) -> str:
    return re.sub(r"[^a-z0-9]", "", heading.lower())


# Field name -> what the office calls it, and the headings SIMS, Arbor and Bromcom exports use.
PUPIL_FIELDS: dict[str, Field] = {
    "upn": Field("UPN", ("upn", "uniquepupilnumber", "pupilupn")),
    "mis_id": Field(
        "MIS id",
        ("misid", "admissionno", "admissionnumber", "adno", "pupilid", "studentid", "personid", "misidentifier"),
    ),
    "legal_first_name": Field(
        "Legal forename", ("legalforename", "forename", "firstname", "legalfirstname", "firstnames"), True
    ),
    "preferred_first_name": Field(
        "Preferred forename", ("preferredforename", "preferredfirstname", "knownas", "preferredname", "chosenname")
    ),
    "surname": Field("Legal surname", ("legalsurname", "surname", "lastname", "familyname", "legallastname"), True),
    "date_of_birth": Field("Date of birth", ("dob", "dateofbirth", "birthdate"), True),
    "class_name": Field(
        "Registration group", ("reggroup", "registrationgroup", "regform", "form", "class", "classname", "tutorgroup")
    ),
    "year_group": Field("Year group", ("yeargroup", "year", "ncyear", "curriculumyear", "ncyearactual")),
    "send_status": Field("SEN provision", ("senprovision", "sen", "senstatus", "send", "senneed")),
    "contact_mis_id": Field("Contact id", ("contactid", "contactmisid", "contactpersonid")),
    "contact_title": Field("Contact title", ("contacttitle", "parenttitle")),
    "contact_first_name": Field(
        "Contact forename", ("contactforename", "contactfirstname", "parentforename", "parentfirstname")
    ),
    "contact_surname": Field("Contact surname", ("contactsurname", "contactlastname", "parentsurname")),
    "contact_relationship": Field(
        "Contact relationship", ("contactrelationship", "relationship", "relationshiptopupil", "relationshiptostudent")
    ),
    "contact_parental_responsibility": Field(
        "Parental responsibility",
        ("parentalresponsibility", "contactparentalresponsibility", "hasparentalresponsibility"),
    ),
    "contact_priority": Field("Contact priority", ("contactpriority", "priority", "priorityorder", "contactorder")),
    "contact_email": Field(
        "Contact email", ("contactemail", "contactemailaddress", "parentemail", "parentemailaddress", "email")
    ),
    "contact_phone": Field(
        "Contact phone",
        ("contactphone", "contacttelephone", "contactmobile", "contactmobilephone", "mobile", "telephone"),
    ),
    # The family's home language: the carer's pages, emails and packs default to it (issue 16).
    "contact_language": Field(
        "Home language",
        ("homelanguage", "contacthomelanguage", "contactlanguage", "preferredlanguage", "firstlanguage", "language"),
    ),
}

STAFF_FIELDS: dict[str, Field] = {
    "email": Field("Email", ("email", "emailaddress", "workemail", "schoolemail"), True),
    "title": Field("Title", ("title",)),
    "first_name": Field("Forename", ("forename", "firstname", "legalforename", "preferredforename"), True),
    "surname": Field("Surname", ("surname", "lastname", "legalsurname"), True),
    "roles": Field("Roles", ("roles", "role", "staffroles", "jobtitle"), True),
    "classes": Field("Classes", ("classes", "class", "reggroups", "reggroup", "registrationgroups")),
    # Marks a leaver (issue 17): "Left", "Yes", or the date they left, which has come.
    "left": Field("Left", ("left", "leaver", "hasleft", "status", "staffstatus", "leavingdate", "dateleft", "enddate")),
}

FIELDS_BY_KIND = {"pupils": PUPIL_FIELDS, "staff": STAFF_FIELDS}


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]] = field(default_factory=list)


def check_size(*, size: int | None, max_bytes: int) -> None:
    """Refuse a file by its declared size, before a byte of it is read."""
    if size is not None and size > max_bytes:
        raise ImportRefused(
            f"The file is {size / 1_000_000:.1f} MB; the largest file Home Learning takes is "
            f"{max_bytes / 1_000_000:.1f} MB. Export only the columns you need, or one year group at a time."
        )
    if size == 0:
        raise ImportRefused("The file is empty.")


def _sniff(head: bytes) -> None:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportRefused(
            "The file is saved as UTF-16 (\u201cUnicode text\u201d). "
            "Save it as \u201cCSV UTF-8\u201d and upload it again."
        )
    if head.startswith(b"PK\x03\x04"):
        raise ImportRefused("This is an Excel workbook, not a CSV file. In Excel choose Save As \u2192 CSV UTF-8.")
    if b"\x00" in head:
        raise ImportRefused("This is not a text file. Upload the CSV export from your MIS, or a CTF (.xml) file.")


def _decoded(upload: IO[bytes], *, max_bytes: int) -> io.TextIOWrapper:
    """A text stream over the upload: UTF-8 (with or without BOM), else Windows-1252, else refused.

    The bytes are checked in one streaming pass and decoded again in the next, so a large
    file is never held twice in memory.
    """
    upload.seek(0)
    head = upload.read(4096)
    if not head.strip():
        raise ImportRefused("The file is empty.")
    _sniff(head)
    for encoding in ("utf-8-sig", "cp1252"):
        upload.seek(0)
        decoder = io.TextIOWrapper(upload, encoding=encoding, errors="strict", newline="")
        try:
            total = 0
            while chunk := decoder.read(1 << 16):
                total += len(chunk)
                if total > max_bytes:
                    raise ImportRefused("The file is bigger than it said it was, and too big to import.")
        except UnicodeDecodeError:
            decoder.detach()
            continue
        decoder.detach()
        upload.seek(0)
        return io.TextIOWrapper(upload, encoding=encoding, errors="strict", newline="")
    raise ImportRefused(
        "The file's characters are in an encoding Home Learning cannot read. Save it as \u201cCSV UTF-8\u201d "
        "(or the Windows \u201cCSV\u201d Excel offers) and upload it again."
    )


def read_csv(upload: IO[bytes], *, max_bytes: int, max_rows: int) -> Table:
    text = _decoded(upload, max_bytes=max_bytes)
    try:
        sample = text.read(8192)
        text.seek(0)
        try:
            dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        reader = csv.reader(text, dialect)
        try:
            headers = [h.strip() for h in next(reader)]
        except StopIteration:
            raise ImportRefused("The file is empty.") from None
        if not any(headers):
            raise ImportRefused("The first row of the file should hold the column headings, and it is blank.")
        table = Table(headers=headers)
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            if len(table.rows) >= max_rows:
                raise ImportRefused(f"The file has more than {max_rows:,} rows; split it and import each part.")
            table.rows.append([cell.strip() for cell in row])
    except csv.Error as exc:
        raise ImportRefused(f"The file is not a CSV file Home Learning can read ({exc}).") from None
    finally:
        text.detach()
    if not table.rows:
        raise ImportRefused("The file has column headings but no rows.")
    return table


def recognise_columns(*, headers: list[str], kind: str, saved: dict[str, str]) -> dict[str, str]:
    """Field name -> heading: the school's saved choice when the file has that heading, else a known name."""
    fields = FIELDS_BY_KIND[kind]
    present = set(headers)
    by_key: dict[str, str] = {}
    for heading in headers:
        by_key.setdefault(_key(heading), heading)
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for name, heading in saved.items():
        if name in fields and heading in present and heading not in used:
            mapping[name] = heading
            used.add(heading)
    for name, spec in fields.items():
        if name in mapping:
            continue
        for alias in (_key(spec.label), *spec.aliases):
            found = by_key.get(alias)
            if found is not None and found not in used:
                mapping[name] = found
                used.add(found)
                break
    return mapping


# --- CTF -------------------------------------------------------------------------------------


def _text(element: Element | None, path: str) -> str:
    if element is None:
        return ""
    found = element.find(path)
    return (found.text or "").strip() if found is not None else ""


def read_ctf(upload: IO[bytes], *, max_bytes: int) -> list[dict[str, Any]]:
    """Pupil records from a CTF (CTfile/Header/CTFpupilData/Pupil), parsed with entities and DTDs refused.

    Each record has the same field names as a mapped CSV row, `row` being the pupil's place in the file.
    """
    upload.seek(0)
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ImportRefused("The file is too big to import.")
    if not data.strip():
        raise ImportRefused("The file is empty.")
    try:
        root = SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise ImportRefused(
            "The file declares XML entities or a document type, which Home Learning refuses for safety. "
            "Export the CTF again from your MIS."
        ) from None
    except ParseError as exc:
        raise ImportRefused(f"The file is not well-formed XML ({exc}).") from None
    if root.tag != "CTfile":
        raise ImportRefused("This XML file is not a Common Transfer File (it does not start with <CTfile>).")
    pupils = root.findall("./CTFpupilData/Pupil")
    if not pupils:
        raise ImportRefused("The Common Transfer File holds no pupils.")
    records: list[dict[str, Any]] = []
    for number, pupil in enumerate(pupils, start=1):
        record: dict[str, Any] = {
            "row": number,
            "upn": _text(pupil, "UPN"),
            "mis_id": _text(pupil, "ApplicationReference"),
            "legal_first_name": _text(pupil, "Forename"),
            "preferred_first_name": _text(pupil, "PreferredForename"),
            "surname": _text(pupil, "Surname"),
            "date_of_birth": _text(pupil, "DOB"),
            "sex": _text(pupil, "Sex") or _text(pupil, "Gender"),
            "class_name": "",
            "year_group": _text(pupil, "NCyearActual") or _text(pupil, "BasicDetails/NCyearActual"),
            "send_status": _text(pupil, "SENhistory/SENprovision") or _text(pupil, "SENprovision"),
            "contacts": [],
        }
        # The pupil's first language (the DfE's code), which is the family's home language for its contacts.
        home_language = _text(pupil, ".//Languages/Type[LanguageType='F']/Language") or _text(
            pupil, ".//Languages/Type/Language"
        )
        for contact in pupil.findall("./Contacts/Contact"):
            record["contacts"].append(
                {
                    "row": number,
                    "contact_mis_id": "",
                    "contact_title": _text(contact, "Title"),
                    "contact_first_name": _text(contact, "Forename"),
                    "contact_surname": _text(contact, "Surname"),
                    "contact_relationship": _text(contact, "Relationship"),
                    "contact_parental_responsibility": _text(contact, "Responsibility"),
                    "contact_priority": _text(contact, "Order"),
                    "contact_email": _text(contact, "Email/EmailAddress") or _text(contact, ".//EmailAddress"),
                    "contact_phone": _text(contact, ".//TelephoneNumber"),
                    "contact_language": home_language,
                }
            )
        records.append(record)
    return records


def looks_like_xml(upload: IO[bytes]) -> bool:
    upload.seek(0)
    head = upload.read(512).lstrip(b"\xef\xbb\xbf \t\r\n")
    upload.seek(0)
    return head.startswith(b"<")
