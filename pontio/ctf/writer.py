"""Write a Common Transfer File from its objects (``pontio.ctf.models``).

``write_ctf(document)`` returns the file as bytes; ``write_ctf(document, target)``
writes it to a binary file object and returns ``None``. ``write_ctf_stream(header,
pupils, target)`` takes any iterable of pupils, for example straight from
``reader.iter_ctf``, so that a large file is copied or filtered one pupil at a time.

The output is UTF-8 XML with the declaration ``<?xml version="1.0"
encoding="utf-8"?>``, elements in the order DfE's generators and SIMS write them,
one element per line without indentation, as SIMS does. Values are written
exactly as the objects hold them; absent values (``None``) and empty lists are left
out. A pupil's or contact's sex goes in the element named by its ``sex_element``
(``Gender`` in files before CTF 25, ``Sex`` from CTF 25, and whatever a file that
was read used). Unknown elements and ``SuppInfo`` blocks kept in ``extras`` are
written back verbatim at the end of the element that held them, and
``container_extras`` at the end of their container, so that reading a written file
gives back equal objects.

A value that XML cannot carry (a NUL or another control character) raises
CTFError ``ctf_value_not_xml``; nothing the reader produced can contain one.

Only one pupil is held as an XML tree at a time: memory stays flat however many
pupils a file has.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from typing import BinaryIO, TypeVar

from lxml import etree

from pontio.ctf.models import (
    Address,
    AddressLines,
    BasicDetails,
    BS7666Address,
    Contact,
    ContainerExtras,
    CTFDocument,
    DestSchool,
    FSMHistory,
    FSMInstance,
    Header,
    KeyStage,
    Language,
    LookedAfter,
    NAWDetails,
    Phone,
    Pupil,
    SchoolHistoryEntry,
    SENHistory,
    SENNeed,
    SENProvision,
    SourceSchool,
    StageAssessment,
    YearData,
)
from pontio.ctf.problems import CTFError, gettext_noop

XML_DECLARATION = b'<?xml version="1.0" encoding="utf-8"?>\n'
T = TypeVar("T")
ROOT = "CTfile"
PUPIL_CONTAINER = "CTFpupilData"

# (element, attribute) for objects whose children are all plain values.
Fields = tuple[tuple[str, str], ...]
SOURCE_SCHOOL_FIELDS: Fields = (
    ("LEA", "lea"), ("Estab", "estab"), ("URN", "urn"),
    ("SchoolName", "school_name"), ("AcademicYear", "academic_year"),
)  # fmt: skip
DEST_SCHOOL_FIELDS: Fields = (("LEA", "lea"), ("Estab", "estab"), ("URN", "urn"))
HEADER_FIELDS: Fields = (
    ("DocumentName", "document_name"), ("CTFversion", "ctf_version"),
    ("DateTime", "date_time"), ("DocumentQualifier", "document_qualifier"),
    ("DataQualifier", "data_qualifier"), ("DataDescriptor", "data_descriptor"),
    ("SupplierID", "supplier_id"),
)  # fmt: skip
LANGUAGE_FIELDS: Fields = (("LanguageType", "language_type"), ("Language", "language"))
BS7666_FIELDS: Fields = (
    ("SAON", "saon"), ("PAON", "paon"), ("Street", "street"),
    ("Locality", "locality"), ("Town", "town"),
    ("AdministrativeArea", "administrative_area"), ("PostTown", "post_town"),
    ("UniquePropertyReferenceNumber", "uprn"),
)  # fmt: skip
ADDRESS_LINES_FIELDS: Fields = tuple(
    (f"AddressLine{number}", f"line{number}") for number in range(1, 6)
)
PHONE_FIELDS: Fields = (("TelephoneType", "telephone_type"), ("PhoneNo", "phone_no"))
YEAR_DATA_FIELDS: Fields = (
    ("Year", "year"), ("LEA", "lea"), ("Estab", "estab"), ("URN", "urn"),
    ("SchoolName", "school_name"), ("SessionsPossible", "sessions_possible"),
    ("SessionsAuthorised", "sessions_authorised"),
    ("SessionsAttended", "sessions_attended"),
    ("SessionsUnauthorised", "sessions_unauthorised"),
    ("AttendanceStartDate", "attendance_start_date"),
    ("AttendanceMarks", "attendance_marks"),
)  # fmt: skip
STAGE_ASSESSMENT_FIELDS: Fields = (
    ("Locale", "locale"), ("Year", "year"), ("Subject", "subject"),
    ("Method", "method"), ("Component", "component"),
    ("ResultStatus", "result_status"), ("ResultQualifier", "result_qualifier"),
    ("Result", "result"), ("ResultDate", "result_date"),
)  # fmt: skip
SCHOOL_FIELDS: Fields = (
    ("LEA", "lea"), ("Estab", "estab"), ("URN", "urn"),
    ("SchoolName", "school_name"), ("EntryDate", "entry_date"),
    ("LeavingDate", "leaving_date"), ("LeavingReason", "leaving_reason"),
    ("LastSchool", "last_school"),
)  # fmt: skip
SEN_PROVISION_FIELDS: Fields = (
    ("StartDate", "start_date"), ("SENprovision", "sen_provision"),
    ("EndDate", "end_date"),
)  # fmt: skip
SEN_NEED_FIELDS: Fields = (
    ("NeedStartDate", "need_start_date"), ("SENtypeRank", "sen_type_rank"),
    ("SENtype", "sen_type"),
)  # fmt: skip
FSM_INSTANCE_FIELDS: Fields = (
    ("FSMstartDate", "start_date"), ("FSMendDate", "end_date"),
    ("UKcountry", "uk_country"),
)  # fmt: skip
LOOKED_AFTER_FIELDS: Fields = (
    ("InCare", "in_care"), ("CareAuthority", "care_authority"),
)  # fmt: skip
NAW_FIELDS: Fields = (
    ("SpeakWelsh", "speak_welsh"), ("HomeWelsh", "home_welsh"),
    ("NationalIdentity", "national_identity"), ("WelshSource", "welsh_source"),
    ("LanguageSource", "language_source"), ("EALAcquisition", "eal_acquisition"),
)  # fmt: skip

# Extras are re-parsed to be written; they come from our own reader, but the parser
# stays closed to entities and the network all the same.
_EXTRAS_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
)


def write_ctf(document: CTFDocument, target: BinaryIO | None = None) -> bytes | None:
    """Write ``document`` to ``target``, or return it as bytes when there is none."""
    if target is not None:
        write_ctf_stream(document.header, document.pupils, target)
        return None
    buffer = io.BytesIO()
    write_ctf_stream(document.header, document.pupils, buffer)
    return buffer.getvalue()


def write_ctf_stream(header: Header, pupils: Iterable[Pupil], target: BinaryIO) -> None:
    """Write a CTF with this header and these pupils, one pupil at a time."""
    target.write(XML_DECLARATION)
    with etree.xmlfile(target, encoding="utf-8") as xml, xml.element(ROOT):
        xml.write("\n")
        xml.write(_checked(header_element, header, 0))
        with xml.element(PUPIL_CONTAINER):
            xml.write("\n")
            for position, pupil in enumerate(pupils, start=1):
                xml.write(_checked(pupil_element, pupil, position))
        xml.write("\n")
    target.write(b"\n")


def _checked(
    build: Callable[[T], etree._Element], item: T, position: int
) -> etree._Element:
    try:
        return build(item)
    except (ValueError, etree.XMLSyntaxError) as error:  # not XML, or broken extras
        raise CTFError(
            "ctf_value_not_xml",
            gettext_noop(
                "Pupil %(position)s has a value that cannot be written as XML "
                "(%(detail)s). Remove control characters from it and try again."
            )
            if position
            else gettext_noop(
                "The header has a value that cannot be written as XML "
                "(%(detail)s). Remove control characters from it and try again."
            ),
            {"position": position, "detail": str(error)},
        ) from None


def header_element(header: Header) -> etree._Element:
    """The ``Header`` element of a CTF."""
    element = _root("Header")
    _add_fields(element, header, HEADER_FIELDS)
    _add_object(element, "SourceSchool", header.source_school, SOURCE_SCHOOL_FIELDS)
    _add_object(element, "DestSchool", header.dest_school, DEST_SCHOOL_FIELDS)
    _add_extras(element, header.extras)
    return element


def pupil_element(pupil: Pupil) -> etree._Element:
    """The ``Pupil`` element for one pupil, with all its blocks in CTF order."""
    element = _root("Pupil")
    _add_value(element, "UPN", pupil.upn)
    _add_value(element, "UniqueLearnerNumber", pupil.uln)
    _add_value(element, "UCI", pupil.uci)
    _add_value(element, "Surname", pupil.surname)
    _add_value(element, "Forename", pupil.forename)
    _add_value(element, "DOB", pupil.dob)
    _add_value(element, pupil.sex_element, pupil.sex)
    if pupil.basic_details is not None:
        _add_basic_details(element, pupil.basic_details)
    for naw in pupil.naw_details:
        _add_object(element, "NAWdetails", naw, NAW_FIELDS)
    _add_object(element, "LookedAfter", pupil.looked_after, LOOKED_AFTER_FIELDS)
    if pupil.fsm_history is not None:
        _add_fsm_history(element, pupil.fsm_history)
    if pupil.sen_history is not None:
        _add_sen_history(element, pupil.sen_history)
    if pupil.address is not None:
        _add_address(element, pupil.address)
    _add_list(element, "Phones", pupil.phones, _add_phone, pupil.container_extras)
    _add_value(element, "Email", pupil.email)
    _add_pupil_lists(element, pupil)
    _add_extras(element, pupil.extras)
    return element


def _add_pupil_lists(element: etree._Element, pupil: Pupil) -> None:
    extras = pupil.container_extras
    _add_list(element, "Contacts", pupil.contacts, _add_contact, extras)
    _add_list(element, "Attendance", pupil.attendance, _add_year_data, extras)
    _add_list(
        element, "StageAssessments", pupil.stage_assessments, _add_key_stage, extras
    )
    _add_list(element, "SchoolHistory", pupil.school_history, _add_school, extras)


def _add_year_data(parent: etree._Element, year: YearData) -> None:
    _add_object(parent, "YearData", year, YEAR_DATA_FIELDS)


def _add_school(parent: etree._Element, school: SchoolHistoryEntry) -> None:
    _add_object(parent, "School", school, SCHOOL_FIELDS)


def _add_language(parent: etree._Element, language: Language) -> None:
    _add_object(parent, "Type", language, LANGUAGE_FIELDS)


def _add_disability(parent: etree._Element, disability: str) -> None:
    _add_value(parent, "Disability", disability)


def _add_need(parent: etree._Element, need: SENNeed) -> None:
    _add_object(parent, "SENneed", need, SEN_NEED_FIELDS)


def _add_phone(parent: etree._Element, phone: Phone) -> None:
    _add_object(parent, "Phone", phone, PHONE_FIELDS)


def _add_basic_details(parent: etree._Element, details: BasicDetails) -> None:
    element = _child(parent, "BasicDetails")
    _add_value(element, "FormerUPN", details.former_upn)
    _add_value(element, "PreferredSurname", details.preferred_surname)
    _add_value(element, "PreferredForename", details.preferred_forename)
    _add_value(element, "FormerSurname", details.former_surname)
    _add_value(element, "FormerForename", details.former_forename)
    _add_value(element, "MiddleNames", details.middle_names)
    _add_value(element, "NCyearActual", details.nc_year_actual)
    _add_value(element, "Ethnicity", details.ethnicity)
    _add_value(element, "EthnicitySource", details.ethnicity_source)
    extras = details.container_extras
    _add_list(element, "Languages", details.languages, _add_language, extras)
    _add_value(element, "ServiceChild", details.service_child)
    _add_value(element, "MedicalFlag", details.medical_flag)
    _add_list(element, "Disabilities", details.disabilities, _add_disability, extras)
    _add_value(element, "EnrolStatus", details.enrol_status)
    _add_extras(element, details.extras)


def _add_fsm_history(parent: etree._Element, history: FSMHistory) -> None:
    element = _child(parent, "FSMhistory")
    _add_value(element, "FSMreviewDate", history.review_date)
    for instance in history.instances:
        _add_object(element, "FSMinstance", instance, FSM_INSTANCE_FIELDS)
    _add_extras(element, history.extras)


def _add_sen_history(parent: etree._Element, history: SENHistory) -> None:
    element = _child(parent, "SENhistory")
    for provision in history.provisions:
        _add_object(element, "SEN", provision, SEN_PROVISION_FIELDS)
    _add_list(element, "SENneeds", history.needs, _add_need, history.container_extras)
    _add_extras(element, history.extras)


def _add_address(parent: etree._Element, address: Address) -> None:
    element = _child(parent, "Address")
    _add_value(element, "AddressAsPupil", address.address_as_pupil)
    _add_object(element, "BS7666Address", address.bs7666, BS7666_FIELDS)
    _add_object(element, "AddressLines", address.lines, ADDRESS_LINES_FIELDS)
    _add_value(element, "County", address.county)
    _add_value(element, "PostCode", address.postcode)
    _add_value(element, address.zip_element, address.zip)
    _add_value(element, "Country", address.country)
    _add_value(element, "Easting", address.easting)
    _add_value(element, "Northing", address.northing)
    _add_extras(element, address.extras)


def _add_contact(parent: etree._Element, contact: Contact) -> None:
    element = _child(parent, "Contact")
    _add_value(element, "Order", contact.order)
    _add_value(element, "Title", contact.title)
    _add_value(element, "Surname", contact.surname)
    _add_value(element, "Forename", contact.forename)
    _add_value(element, "MiddleNames", contact.middle_names)
    _add_value(element, contact.sex_element, contact.sex)
    _add_value(element, "Relationship", contact.relationship)
    _add_value(element, "Responsibility", contact.responsibility)
    if contact.address is not None:
        _add_address(element, contact.address)
    _add_list(element, "Phones", contact.phones, _add_phone, contact.container_extras)
    _add_value(element, "Email", contact.email)
    _add_extras(element, contact.extras)


def _add_key_stage(parent: etree._Element, stage: KeyStage) -> None:
    element = _child(parent, "KeyStage")
    _add_value(element, "Stage", stage.stage)
    for assessment in stage.assessments:
        _add_object(element, "StageAssessment", assessment, STAGE_ASSESSMENT_FIELDS)
    _add_extras(element, stage.extras)


# --- building blocks ------------------------------------------------------------

FieldOwner = (
    SourceSchool | DestSchool | Header | Language | BS7666Address | AddressLines
    | Phone | YearData | StageAssessment | SchoolHistoryEntry | SENProvision
    | SENNeed | FSMInstance | LookedAfter | NAWDetails
)  # fmt: skip


def _root(tag: str) -> etree._Element:
    element = etree.Element(tag)
    element.tail = "\n"
    return element


def _child(parent: etree._Element, tag: str) -> etree._Element:
    """A new last child of ``parent``, on a line of its own.

    Only the elements the writer makes get this layout: pretty-printing the whole
    tree would re-indent the extras, which must be written back exactly as read.
    """
    if parent.text is None:
        parent.text = "\n"
    element = etree.SubElement(parent, tag)
    element.tail = "\n"
    return element


def _add_value(parent: etree._Element, tag: str, value: str | None) -> None:
    if value is not None:
        _child(parent, tag).text = value


def _add_fields(element: etree._Element, owner: FieldOwner, fields: Fields) -> None:
    for tag, attribute in fields:
        value = getattr(owner, attribute)
        if value is not None:
            _child(element, tag).text = value


def _add_object(
    parent: etree._Element,
    tag: str,
    owner: FieldOwner | None,
    fields: Fields,
) -> None:
    """A child element holding ``owner``'s plain values, then its extras."""
    if owner is None:
        return
    element = _child(parent, tag)
    _add_fields(element, owner, fields)
    _add_extras(element, owner.extras)


def _add_list(
    parent: etree._Element,
    tag: str,
    items: Sequence[T],
    add_item: Callable[[etree._Element, T], None],
    extras: ContainerExtras,
) -> None:
    """The list container ``tag`` with its items, unless it would be empty.

    The unknown elements that were found inside the container come after the items.
    """
    kept = [extra.xml for extra in extras if extra.container == tag]
    if not items and not kept:
        return
    element = _child(parent, tag)
    for item in items:
        add_item(element, item)
    _add_extras(element, kept)


def _add_extras(element: etree._Element, extras: Sequence[str]) -> None:
    for xml in extras:
        extra = etree.fromstring(xml, _EXTRAS_PARSER)
        if element.text is None:
            element.text = "\n"
        element.append(extra)
        extra.tail = "\n"
