"""Where each CTF element goes in the model objects: the reader's tables.

Each model class has a :class:`Layout` saying, by child element name, which field
takes that child's text, which nested object or list it becomes, and which
field remembers the element's own name where a value has two spellings (Gender
or Sex, Zip or ZIP). :mod:`pontio.ctf.builders` walks the elements with these
tables.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pontio.ctf import models

SINGLE, REPEATED, LIST, NAMED = range(4)
# (kind, field, element-name field or list item element, nested layout)
Entry = tuple[int, str, "str | None", "Layout | None"]


@dataclass(frozen=True)
class Layout:
    """How one model class is read from its element's children."""

    cls: type[Any]
    # element -> field, for text values
    text: Mapping[str, str] = field(default_factory=dict)
    # element -> (value field, field keeping the element's name): Gender/Sex, Zip/ZIP
    named: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    # element -> (field, layout), for one nested object
    single: Mapping[str, tuple[str, Layout]] = field(default_factory=dict)
    # element -> (field, layout), for objects repeated directly in this element
    repeated: Mapping[str, tuple[str, Layout]] = field(default_factory=dict)
    # container -> (field, item element, item layout or None for text items)
    lists: Mapping[str, tuple[str, str, Layout | None]] = field(default_factory=dict)
    # Every child that is not a plain text value, by element name: one look-up.
    nested: dict[object, Entry] = field(init=False, compare=False)
    # The fields collecting ``repeated`` objects.
    repeated_fields: tuple[str, ...] = field(init=False, compare=False)
    # Whether objects of ``cls`` gather lists: repeated objects or container extras.
    collects: bool = field(init=False, compare=False)
    # Every field of ``cls`` with its default value.
    defaults: dict[str, Any] = field(init=False, compare=False)

    def __post_init__(self) -> None:
        nested: dict[object, Entry] = {}
        for tag, (name, name_field) in self.named.items():
            nested[tag] = (NAMED, name, name_field, None)
        for tag, (name, layout) in self.single.items():
            nested[tag] = (SINGLE, name, None, layout)
        for tag, (name, layout) in self.repeated.items():
            nested[tag] = (REPEATED, name, None, layout)
        for tag, (name, item, item_layout) in self.lists.items():
            nested[tag] = (LIST, name, item, item_layout)
        repeated = tuple(name for name, _layout in self.repeated.values())
        object.__setattr__(self, "nested", nested)
        object.__setattr__(self, "repeated_fields", repeated)
        object.__setattr__(self, "collects", bool(self.repeated or self.lists))
        object.__setattr__(self, "defaults", _defaults(self.cls))


def _defaults(cls: Any) -> dict[str, Any]:
    defaults = {}
    for item in dataclasses.fields(cls):
        if item.default_factory is not dataclasses.MISSING:
            defaults[item.name] = item.default_factory()
        else:
            defaults[item.name] = item.default
    return defaults


def _texts(**fields: str) -> dict[str, str]:
    """Invert ``field=element`` pairs into ``element -> field``."""
    return {element: name for name, element in fields.items()}


_SEX = {"Gender": ("sex", "sex_element"), "Sex": ("sex", "sex_element")}

_SOURCE_SCHOOL = Layout(
    models.SourceSchool,
    _texts(
        lea="LEA",
        estab="Estab",
        urn="URN",
        school_name="SchoolName",
        academic_year="AcademicYear",
    ),
)
_DEST_SCHOOL = Layout(models.DestSchool, _texts(lea="LEA", estab="Estab", urn="URN"))
HEADER = Layout(
    models.Header,
    _texts(
        document_name="DocumentName",
        ctf_version="CTFversion",
        date_time="DateTime",
        document_qualifier="DocumentQualifier",
        data_qualifier="DataQualifier",
        data_descriptor="DataDescriptor",
        supplier_id="SupplierID",
    ),
    single={
        "SourceSchool": ("source_school", _SOURCE_SCHOOL),
        "DestSchool": ("dest_school", _DEST_SCHOOL),
    },
)
_LANGUAGE = Layout(
    models.Language, _texts(language_type="LanguageType", language="Language")
)
_BASIC_DETAILS = Layout(
    models.BasicDetails,
    _texts(
        former_upn="FormerUPN",
        preferred_surname="PreferredSurname",
        preferred_forename="PreferredForename",
        former_surname="FormerSurname",
        former_forename="FormerForename",
        middle_names="MiddleNames",
        nc_year_actual="NCyearActual",
        ethnicity="Ethnicity",
        ethnicity_source="EthnicitySource",
        service_child="ServiceChild",
        medical_flag="MedicalFlag",
        enrol_status="EnrolStatus",
    ),
    lists={
        "Languages": ("languages", "Type", _LANGUAGE),
        "Disabilities": ("disabilities", "Disability", None),
    },
)
_BS7666 = Layout(
    models.BS7666Address,
    _texts(
        saon="SAON",
        paon="PAON",
        street="Street",
        locality="Locality",
        town="Town",
        administrative_area="AdministrativeArea",
        post_town="PostTown",
        uprn="UniquePropertyReferenceNumber",
    ),
)
_ADDRESS_LINES = Layout(
    models.AddressLines,
    _texts(
        line1="AddressLine1",
        line2="AddressLine2",
        line3="AddressLine3",
        line4="AddressLine4",
        line5="AddressLine5",
    ),
)
_ADDRESS = Layout(
    models.Address,
    _texts(
        county="County",
        postcode="PostCode",
        country="Country",
        easting="Easting",
        northing="Northing",
        address_as_pupil="AddressAsPupil",
    ),
    named={"Zip": ("zip", "zip_element"), "ZIP": ("zip", "zip_element")},
    single={
        "BS7666Address": ("bs7666", _BS7666),
        "AddressLines": ("lines", _ADDRESS_LINES),
    },
)
_PHONE = Layout(
    models.Phone, _texts(telephone_type="TelephoneType", phone_no="PhoneNo")
)
_CONTACT = Layout(
    models.Contact,
    _texts(
        order="Order",
        title="Title",
        surname="Surname",
        forename="Forename",
        middle_names="MiddleNames",
        relationship="Relationship",
        responsibility="Responsibility",
        email="Email",
    ),
    named=_SEX,
    single={"Address": ("address", _ADDRESS)},
    lists={"Phones": ("phones", "Phone", _PHONE)},
)
_YEAR_DATA = Layout(
    models.YearData,
    _texts(
        year="Year",
        lea="LEA",
        estab="Estab",
        urn="URN",
        school_name="SchoolName",
        sessions_possible="SessionsPossible",
        sessions_authorised="SessionsAuthorised",
        sessions_attended="SessionsAttended",
        sessions_unauthorised="SessionsUnauthorised",
        attendance_start_date="AttendanceStartDate",
        attendance_marks="AttendanceMarks",
    ),
)
_STAGE_ASSESSMENT = Layout(
    models.StageAssessment,
    _texts(
        locale="Locale",
        year="Year",
        subject="Subject",
        method="Method",
        component="Component",
        result_status="ResultStatus",
        result_qualifier="ResultQualifier",
        result="Result",
        result_date="ResultDate",
    ),
)
_KEY_STAGE = Layout(
    models.KeyStage,
    _texts(stage="Stage"),
    repeated={"StageAssessment": ("assessments", _STAGE_ASSESSMENT)},
)
_SCHOOL = Layout(
    models.SchoolHistoryEntry,
    _texts(
        lea="LEA",
        estab="Estab",
        urn="URN",
        school_name="SchoolName",
        entry_date="EntryDate",
        leaving_date="LeavingDate",
        leaving_reason="LeavingReason",
        last_school="LastSchool",
    ),
)
_SEN_HISTORY = Layout(
    models.SENHistory,
    repeated={
        "SEN": (
            "provisions",
            Layout(
                models.SENProvision,
                _texts(
                    start_date="StartDate",
                    sen_provision="SENprovision",
                    end_date="EndDate",
                ),
            ),
        )
    },
    lists={
        "SENneeds": (
            "needs",
            "SENneed",
            Layout(
                models.SENNeed,
                _texts(
                    need_start_date="NeedStartDate",
                    sen_type_rank="SENtypeRank",
                    sen_type="SENtype",
                ),
            ),
        )
    },
)
_FSM_HISTORY = Layout(
    models.FSMHistory,
    _texts(review_date="FSMreviewDate"),
    repeated={
        "FSMinstance": (
            "instances",
            Layout(
                models.FSMInstance,
                _texts(
                    start_date="FSMstartDate",
                    end_date="FSMendDate",
                    uk_country="UKcountry",
                ),
            ),
        )
    },
)
_LOOKED_AFTER = Layout(
    models.LookedAfter, _texts(in_care="InCare", care_authority="CareAuthority")
)
_NAW_DETAILS = Layout(
    models.NAWDetails,
    _texts(
        speak_welsh="SpeakWelsh",
        home_welsh="HomeWelsh",
        national_identity="NationalIdentity",
        welsh_source="WelshSource",
        language_source="LanguageSource",
        eal_acquisition="EALAcquisition",
    ),
)
PUPIL = Layout(
    models.Pupil,
    _texts(
        upn="UPN",
        uln="UniqueLearnerNumber",
        uci="UCI",
        surname="Surname",
        forename="Forename",
        dob="DOB",
        email="Email",
    ),
    named=_SEX,
    single={
        "BasicDetails": ("basic_details", _BASIC_DETAILS),
        "LookedAfter": ("looked_after", _LOOKED_AFTER),
        "FSMhistory": ("fsm_history", _FSM_HISTORY),
        "SENhistory": ("sen_history", _SEN_HISTORY),
        "Address": ("address", _ADDRESS),
    },
    repeated={"NAWdetails": ("naw_details", _NAW_DETAILS)},
    lists={
        "Phones": ("phones", "Phone", _PHONE),
        "Contacts": ("contacts", "Contact", _CONTACT),
        "Attendance": ("attendance", "YearData", _YEAR_DATA),
        "StageAssessments": ("stage_assessments", "KeyStage", _KEY_STAGE),
        "SchoolHistory": ("school_history", "School", _SCHOOL),
    },
)
