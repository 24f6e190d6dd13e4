"""The Common Transfer File as plain, immutable Python objects.

Every value is kept as the text found in the file (``None`` when the element is
absent), so a file read and written again says exactly what it said before. Dates
are also offered parsed, as properties that return ``None`` for an unreal date.

Unknown elements and every ``SuppInfo`` block are kept verbatim, as serialised XML,
in the ``extras`` of the object whose element contains them, in document order. An
unknown element found inside a list container that has no object of its own (for
example inside ``<Attendance>`` beside the ``<YearData>`` elements) is kept in the
owner's ``container_extras`` together with the container's name.

All classes are frozen dataclasses with tuple fields: hashable and comparable.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

Extras = tuple[str, ...]

# Element names a writer may need to keep: CTF 25 writes Sex, older versions Gender.
SEX_ELEMENTS = ("Gender", "Sex")
# A postcode abroad: one source spells it Zip, real SIMS files ZIP.
ZIP_ELEMENTS = ("Zip", "ZIP")


def parse_date(value: str | None) -> datetime.date | None:
    """A ``YYYY-MM-DD`` value as a date, or ``None`` when absent or not a real date."""
    if value is None or len(value) != 10 or value[4] != "-" or value[7] != "-":
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


def parse_datetime(value: str | None) -> datetime.datetime | None:
    """A ``YYYY-MM-DDThh:mm:ss`` value (no zone), or ``None`` when absent or unreal."""
    if value is None or len(value) != 19 or value[10] != "T":
        return None
    try:
        return datetime.datetime.fromisoformat(value)
    except ValueError:
        return None


@dataclass(frozen=True)
class ContainerExtra:
    """An unknown element found inside a list container, such as ``Attendance``."""

    container: str
    xml: str


ContainerExtras = tuple[ContainerExtra, ...]


# --- Header -----------------------------------------------------------------------


@dataclass(frozen=True)
class SourceSchool:
    lea: str | None = None
    estab: str | None = None
    urn: str | None = None
    school_name: str | None = None
    academic_year: str | None = None
    extras: Extras = ()


@dataclass(frozen=True)
class DestSchool:
    lea: str | None = None
    estab: str | None = None
    urn: str | None = None
    extras: Extras = ()


@dataclass(frozen=True)
class Header:
    document_name: str | None = None
    ctf_version: str | None = None
    date_time: str | None = None
    document_qualifier: str | None = None
    data_qualifier: str | None = None
    data_descriptor: str | None = None
    supplier_id: str | None = None
    source_school: SourceSchool = field(default_factory=SourceSchool)
    dest_school: DestSchool = field(default_factory=DestSchool)
    extras: Extras = ()

    @property
    def version_number(self) -> int | None:
        """The NN of a ``NN.0`` version, or ``None`` when it is not of that form."""
        value = self.ctf_version or ""
        major, dot, minor = value.partition(".")
        if dot and major.isdigit() and minor.isdigit() and major.isascii():
            return int(major)
        return None

    @property
    def generated_at(self) -> datetime.datetime | None:
        return parse_datetime(self.date_time)

    @property
    def is_partial(self) -> bool:
        return self.document_qualifier == "partial"


# --- Pupil details ----------------------------------------------------------------


@dataclass(frozen=True)
class Language:
    language_type: str | None = None
    language: str | None = None
    extras: Extras = ()


@dataclass(frozen=True)
class BasicDetails:
    former_upn: str | None = None
    preferred_surname: str | None = None
    preferred_forename: str | None = None
    former_surname: str | None = None
    former_forename: str | None = None
    middle_names: str | None = None
    nc_year_actual: str | None = None
    ethnicity: str | None = None
    ethnicity_source: str | None = None
    languages: tuple[Language, ...] = ()
    service_child: str | None = None
    medical_flag: str | None = None
    disabilities: tuple[str, ...] = ()
    enrol_status: str | None = None
    extras: Extras = ()
    container_extras: ContainerExtras = ()


@dataclass(frozen=True)
class BS7666Address:
    saon: str | None = None
    paon: str | None = None
    street: str | None = None
    locality: str | None = None
    town: str | None = None
    administrative_area: str | None = None
    post_town: str | None = None
    uprn: str | None = None
    extras: Extras = ()


@dataclass(frozen=True)
class AddressLines:
    line1: str | None = None
    line2: str | None = None
    line3: str | None = None
    line4: str | None = None
    line5: str | None = None
    extras: Extras = ()


@dataclass(frozen=True)
class Address:
    """A BS7666 address or up to five lines; in a contact, possibly "as pupil"."""

    bs7666: BS7666Address | None = None
    lines: AddressLines | None = None
    county: str | None = None
    postcode: str | None = None
    zip: str | None = None
    zip_element: str = "Zip"
    country: str | None = None
    easting: str | None = None
    northing: str | None = None
    address_as_pupil: str | None = None
    extras: Extras = ()

    @property
    def town(self) -> str | None:
        if self.bs7666 is None:
            return None
        return self.bs7666.town or self.bs7666.post_town


@dataclass(frozen=True)
class Phone:
    telephone_type: str | None = None
    phone_no: str | None = None
    extras: Extras = ()


@dataclass(frozen=True)
class Contact:
    order: str | None = None
    title: str | None = None
    surname: str | None = None
    forename: str | None = None
    middle_names: str | None = None
    sex: str | None = None
    sex_element: str = "Gender"
    relationship: str | None = None
    responsibility: str | None = None
    address: Address | None = None
    phones: tuple[Phone, ...] = ()
    email: str | None = None
    extras: Extras = ()
    container_extras: ContainerExtras = ()


@dataclass(frozen=True)
class YearData:
    """One year of attendance at one school."""

    year: str | None = None
    lea: str | None = None
    estab: str | None = None
    urn: str | None = None
    school_name: str | None = None
    sessions_possible: str | None = None
    sessions_authorised: str | None = None
    sessions_attended: str | None = None
    sessions_unauthorised: str | None = None
    attendance_start_date: str | None = None
    attendance_marks: str | None = None
    extras: Extras = ()


@dataclass(frozen=True)
class StageAssessment:
    locale: str | None = None
    year: str | None = None
    subject: str | None = None
    method: str | None = None
    component: str | None = None
    result_status: str | None = None
    result_qualifier: str | None = None
    result: str | None = None
    result_date: str | None = None
    extras: Extras = ()


@dataclass(frozen=True)
class KeyStage:
    stage: str | None = None
    assessments: tuple[StageAssessment, ...] = ()
    extras: Extras = ()


@dataclass(frozen=True)
class SchoolHistoryEntry:
    """One ``SchoolHistory/School`` element: a school the pupil attended."""

    lea: str | None = None
    estab: str | None = None
    urn: str | None = None
    school_name: str | None = None
    entry_date: str | None = None
    leaving_date: str | None = None
    leaving_reason: str | None = None
    last_school: str | None = None
    extras: Extras = ()


@dataclass(frozen=True)
class SENProvision:
    """One ``SENhistory/SEN`` element."""

    start_date: str | None = None
    sen_provision: str | None = None
    end_date: str | None = None
    extras: Extras = ()


@dataclass(frozen=True)
class SENNeed:
    need_start_date: str | None = None
    sen_type_rank: str | None = None
    sen_type: str | None = None
    extras: Extras = ()


@dataclass(frozen=True)
class SENHistory:
    provisions: tuple[SENProvision, ...] = ()
    needs: tuple[SENNeed, ...] = ()
    extras: Extras = ()
    container_extras: ContainerExtras = ()


@dataclass(frozen=True)
class FSMInstance:
    start_date: str | None = None
    end_date: str | None = None
    uk_country: str | None = None
    extras: Extras = ()


@dataclass(frozen=True)
class FSMHistory:
    review_date: str | None = None
    instances: tuple[FSMInstance, ...] = ()
    extras: Extras = ()


@dataclass(frozen=True)
class LookedAfter:
    in_care: str | None = None
    care_authority: str | None = None
    extras: Extras = ()


@dataclass(frozen=True)
class NAWDetails:
    """Welsh items (``NAWdetails``); their full layout is not published openly."""

    speak_welsh: str | None = None
    home_welsh: str | None = None
    national_identity: str | None = None
    welsh_source: str | None = None
    language_source: str | None = None
    eal_acquisition: str | None = None
    extras: Extras = ()


# --- Pupil and document -----------------------------------------------------------


@dataclass(frozen=True)
class PupilSummary:
    """The few facts by which a lost pupil is found and shown."""

    upn: str | None
    former_upn: str | None
    surname: str | None
    forename: str | None
    middle_names: str | None
    former_surname: str | None
    preferred_surname: str | None
    dob: str | None
    sex: str | None
    town: str | None
    postcode: str | None

    @property
    def date_of_birth(self) -> datetime.date | None:
        return parse_date(self.dob)


@dataclass(frozen=True)
class Pupil:
    upn: str | None = None
    uln: str | None = None
    uci: str | None = None
    surname: str | None = None
    forename: str | None = None
    dob: str | None = None
    sex: str | None = None
    sex_element: str = "Gender"
    basic_details: BasicDetails | None = None
    naw_details: tuple[NAWDetails, ...] = ()
    looked_after: LookedAfter | None = None
    fsm_history: FSMHistory | None = None
    sen_history: SENHistory | None = None
    address: Address | None = None
    phones: tuple[Phone, ...] = ()
    email: str | None = None
    contacts: tuple[Contact, ...] = ()
    attendance: tuple[YearData, ...] = ()
    stage_assessments: tuple[KeyStage, ...] = ()
    school_history: tuple[SchoolHistoryEntry, ...] = ()
    extras: Extras = ()
    container_extras: ContainerExtras = ()

    @property
    def date_of_birth(self) -> datetime.date | None:
        return parse_date(self.dob)

    @property
    def former_upn(self) -> str | None:
        return self.basic_details.former_upn if self.basic_details else None

    def summary(self) -> PupilSummary:
        """The facts by which the pupil is indexed and found again."""
        details = self.basic_details or BasicDetails()
        address = self.address or Address()
        return PupilSummary(
            upn=self.upn,
            former_upn=details.former_upn,
            surname=self.surname,
            forename=self.forename,
            middle_names=details.middle_names,
            former_surname=details.former_surname,
            preferred_surname=details.preferred_surname,
            dob=self.dob,
            sex=self.sex,
            town=address.town,
            postcode=address.postcode,
        )


@dataclass(frozen=True)
class CTFDocument:
    header: Header
    pupils: tuple[Pupil, ...] = ()
