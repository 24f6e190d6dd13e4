"""Realistic synthetic Common Transfer Files, for tests, demonstrations and benchmarks.

``fake_ctf`` builds a ``CTFDocument`` of made-up pupils: Welsh and English names,
dates of birth that fit their year group, valid UPNs allocated by the schools they
attended, addresses in real towns with plausible postcodes, fictional telephone
numbers (Ofcom's ranges for drama) and example.* e-mail addresses, contacts,
attendance, assessments, school history, and for some pupils special educational
needs, free school meals, care and (in Welsh schools) Welsh-language details.

The same arguments with the same ``seed`` always give the same document. Without
``today`` a seeded document is dated 15 October of its version's academic year (CTF
NN is for the year starting September 20NN); an unseeded one is dated today.

The phase of the sending school follows its establishment number, as DfE numbers
schools: 2000-3999 primary, 4000-4999 secondary, anything else all ages.
"""

from __future__ import annotations

import datetime
import random
import re
from collections.abc import Iterator

from pontio.ctf import synthetic_data as data
from pontio.ctf.lacodes import is_valid_la_code
from pontio.ctf.models import (
    BasicDetails,
    CTFDocument,
    DestSchool,
    FSMHistory,
    FSMInstance,
    Header,
    Language,
    LookedAfter,
    NAWDetails,
    Pupil,
    SchoolHistoryEntry,
    SENHistory,
    SENNeed,
    SENProvision,
    SourceSchool,
)
from pontio.ctf.problems import CTFError, gettext_noop
from pontio.ctf.synthetic_assessments import (
    attendance_for,
    stage_assessments_for,
)
from pontio.ctf.synthetic_contacts import ContactMaker, chance, pick, weighted
from pontio.ctf.uln import uln_check_digit
from pontio.ctf.upn import make_temporary_upn, make_upn

SUPPLIER_ID = "Pontio"
UNKNOWN_URN = "XXXXXX"
FIRST_WELSH_LA = 660
LAST_WELSH_LA = 681
MAX_SERIAL = 999
SECONDARY_YEAR = 7
DAYS_PER_YEAR = 365
LOST_PUPIL_DESTINATIONS = ("XXXXXXX", "MMMMMMM")
_SOURCE = re.compile(r"\d{7}")
_DESTINATION = re.compile(r"(\d{7}|\d{3}LLLL|XXXXXXX|MMMMMMM)")


def fake_ctf(
    *,
    pupils: int,
    source: str,
    destination: str,
    seed: int | None = None,
    version: int = 25,
    today: datetime.date | None = None,
) -> CTFDocument:
    """A full CTF of ``pupils`` made-up pupils from ``source`` to ``destination``.

    ``source`` is a 7-digit establishment number (LA and school); ``destination`` is
    another, or ``XXXXXXX`` (not known), ``MMMMMMM`` (outside the maintained sector)
    or an LA as ``NNNLLLL``. A file to ``XXXXXXX`` or ``MMMMMMM`` is for the Lost
    Pupil Database and holds exactly one pupil. CTFError ``fake_bad_argument`` for
    anything else.
    """
    header, made = iter_fake_ctf(
        pupils=pupils,
        source=source,
        destination=destination,
        seed=seed,
        version=version,
        today=today,
    )
    return CTFDocument(header=header, pupils=tuple(made))


def iter_fake_ctf(
    *,
    pupils: int,
    source: str,
    destination: str,
    seed: int | None = None,
    version: int = 25,
    today: datetime.date | None = None,
) -> tuple[Header, Iterator[Pupil]]:
    """As ``fake_ctf``, but the pupils are made one at a time as they are taken.

    With ``writer.write_ctf_stream`` this writes a file of any size in flat memory.
    """
    _check_arguments(pupils, source, destination, version)
    rng = random.Random(seed)  # noqa: S311 - made-up data, not secrets
    if today is None:
        today = (
            datetime.date(2000 + version, 10, 15)
            if seed is not None
            else datetime.datetime.now(datetime.UTC).date()
        )
    maker = _PupilMaker(rng, source=source, version=version, today=today)
    header = _header(rng, maker, destination, version, today)
    return header, (maker.pupil() for _ in range(pupils))


def _check_arguments(pupils: int, source: str, destination: str, version: int) -> None:
    problems = []
    if not _SOURCE.fullmatch(source) or not is_valid_la_code(source[:3]):
        problems.append("source")
    if not _DESTINATION.fullmatch(destination):
        problems.append("destination")
    if pupils < 0 or (destination in LOST_PUPIL_DESTINATIONS and pupils != 1):
        # A file for the Lost Pupil Database holds exactly one pupil.
        problems.append("pupils")
    if not 10 <= version <= 99:
        problems.append("version")
    if problems:
        raise CTFError(
            "fake_bad_argument",
            gettext_noop(
                "Cannot make a synthetic CTF: check %(names)s. The source is a "
                "7-digit establishment number; the destination is another, "
                "XXXXXXX, MMMMMMM or an LA number followed by LLLL. A file to "
                "XXXXXXX or MMMMMMM holds exactly one pupil."
            ),
            {"names": ", ".join(problems)},
        )


def _header(
    rng: random.Random,
    maker: _PupilMaker,
    destination: str,
    version: int,
    today: datetime.date,
) -> Header:
    moment = datetime.datetime.combine(
        today, datetime.time(rng.randint(7, 17), rng.randint(0, 59), rng.randint(0, 59))
    )
    return Header(
        document_name="Common Transfer File",
        ctf_version=f"{version}.0",
        date_time=moment.isoformat(timespec="seconds"),
        document_qualifier="full",
        supplier_id=SUPPLIER_ID,
        source_school=SourceSchool(
            lea=maker.la,
            estab=maker.estab,
            urn=maker.urn,
            school_name=maker.school_name,
            academic_year=str(maker.academic_year),
        ),
        dest_school=_dest_school(destination),
    )


def _dest_school(destination: str) -> DestSchool:
    if destination == "XXXXXXX":
        return DestSchool(lea="XXX", estab="XXXX", urn=UNKNOWN_URN)
    if destination == "MMMMMMM":
        return DestSchool(lea="MMM", estab="MMMM", urn=UNKNOWN_URN)
    return DestSchool(lea=destination[:3], estab=destination[3:], urn=UNKNOWN_URN)


class _PupilMaker:
    """Makes the pupils of one sending school, keeping their UPNs unique."""

    def __init__(
        self,
        rng: random.Random,
        *,
        source: str,
        version: int,
        today: datetime.date,
    ) -> None:
        self.rng = rng
        self.la, self.estab = source[:3], source[3:]
        self.today = today
        self.academic_year = 2000 + version
        self.welsh = FIRST_WELSH_LA <= int(self.la) <= LAST_WELSH_LA
        self.version = version
        self.sex_element = "Sex" if version >= 25 else "Gender"
        self.towns = self._local_towns()
        self.home_town = self.towns[0]
        self.contact_maker = ContactMaker(rng, self.towns, self.sex_element)
        self.school_name = self._school_name(self.home_town.name)
        self.urn = UNKNOWN_URN if self.welsh else str(rng.randint(100000, 149999))
        self.nc_years = self._nc_years()
        self._serials: dict[tuple[str, str, int], int] = {}

    def _local_towns(self) -> tuple[data.Town, ...]:
        pool = data.WELSH_TOWNS if self.welsh else data.ENGLISH_TOWNS
        local = [town for town in pool if town.la == self.la]
        others = [town for town in pool if town.la != self.la]
        self.rng.shuffle(others)
        return tuple(local + others[: max(1, 3 - len(local))])

    def _school_name(self, town: str) -> str:
        if self.welsh:
            return f"{pick(self.rng, data.SCHOOL_NAME_PARTS_WELSH)} {town}"
        return f"{town} {pick(self.rng, data.SCHOOL_NAME_PARTS_ENGLISH)}"

    def _nc_years(self) -> tuple[int, ...]:
        first = self.estab[0]
        if first in "23":
            return (0, 1, 2, 3, 4, 5, 6)
        if first == "4":
            return (7, 8, 9, 10, 11, 12, 13)
        return tuple(range(12))

    # --- one pupil ---------------------------------------------------------------

    def pupil(self) -> Pupil:
        rng = self.rng
        nc_year = pick(rng, self.nc_years)
        dob = self._dob(nc_year)
        sex = pick(rng, ("M", "F"))
        welsh_name = self.welsh and chance(rng, 0.65)
        surname = pick(
            rng, data.WELSH_SURNAMES if welsh_name else data.ENGLISH_SURNAMES
        )
        forename = self._forename(sex, welsh=welsh_name)
        history = self._school_history(nc_year)
        first_school = history[-1]
        address = self.contact_maker.address()
        return Pupil(
            upn=self._upn(first_school),
            uln=self._uln() if nc_year >= 10 else None,
            surname=surname,
            forename=forename,
            dob=dob.isoformat(),
            sex=sex,
            sex_element=self.sex_element,
            basic_details=self._basic_details(
                surname, forename, sex, nc_year, first_school, welsh=welsh_name
            ),
            naw_details=(self._naw_details(welsh=welsh_name),) if self.welsh else (),
            looked_after=self._looked_after(),
            fsm_history=self._fsm_history(dob),
            sen_history=self._sen_history(dob),
            address=address,
            phones=(self.contact_maker.phone("H", address),),
            contacts=self.contact_maker.contacts(surname),
            attendance=attendance_for(rng, history, self.today, self.academic_year),
            stage_assessments=stage_assessments_for(
                rng, nc_year, self.academic_year, welsh=self.welsh
            ),
            school_history=history,
        )

    def _dob(self, nc_year: int) -> datetime.date:
        # Year N of academic year Y holds children born September Y-N-5 to August Y-N-4.
        start = datetime.date(self.academic_year - nc_year - 5, 9, 1)
        return start + datetime.timedelta(days=self.rng.randrange(365))

    def _forename(self, sex: str, *, welsh: bool) -> str:
        if sex == "F":
            return pick(self.rng, data.WELSH_GIRLS if welsh else data.ENGLISH_GIRLS)
        return pick(self.rng, data.WELSH_BOYS if welsh else data.ENGLISH_BOYS)

    def _middle_names(self, sex: str, *, welsh: bool) -> str | None:
        count = self.rng.choices((0, 1, 2), (35, 55, 10))[0]
        names = [self._forename(sex, welsh=welsh) for _ in range(count)]
        return " ".join(names) or None

    def _upn(self, school: SchoolHistoryEntry) -> str:
        la, estab = school.lea or self.la, school.estab or self.estab
        entry = datetime.date.fromisoformat(school.entry_date or "2020-09-01")
        year = (entry.year if entry.month >= 9 else entry.year - 1) % 100
        key = (la, estab, year)
        serial = self._serials.get(key, self.rng.randint(1, 40))
        while serial > MAX_SERIAL:  # a very large school: borrow the next year's run
            year = (year + 1) % 100
            key = (la, estab, year)
            serial = self._serials.get(key, 1)
        self._serials[key] = serial + 1
        return make_upn(la=la, estab=estab, year=year, serial=serial)

    def _former_upn(self, school: SchoolHistoryEntry) -> str | None:
        if not chance(self.rng, 0.06):
            return None
        year = int((school.entry_date or "2020")[2:4])
        serial = self.rng.randrange(0, 2300)
        la, estab = school.lea or self.la, school.estab or self.estab
        return make_temporary_upn(la=la, estab=estab, year=year, serial=serial)

    def _uln(self) -> str:
        while True:
            body = str(self.rng.randint(100000000, 999999999))
            try:
                return body + uln_check_digit(body)
            except CTFError:
                continue

    def _basic_details(
        self,
        surname: str,
        forename: str,
        sex: str,
        nc_year: int,
        first_school: SchoolHistoryEntry,
        *,
        welsh: bool,
    ) -> BasicDetails:
        rng = self.rng
        former_surname = None
        if chance(rng, 0.04):
            former_surname = pick(rng, data.WELSH_SURNAMES + data.ENGLISH_SURNAMES)
        first_language = "WEL" if welsh and chance(rng, 0.5) else None
        language = first_language or weighted(rng, data.LANGUAGES)
        return BasicDetails(
            former_upn=self._former_upn(first_school),
            preferred_surname=surname,
            preferred_forename=forename,
            former_surname=former_surname,
            middle_names=self._middle_names(sex, welsh=welsh),
            nc_year_actual="R" if nc_year == 0 else str(nc_year),
            ethnicity=weighted(rng, data.ETHNICITIES),
            ethnicity_source=pick(rng, ("P", "P", "P", "C")),
            languages=(Language(language_type="F", language=language),),
            service_child="Y" if chance(rng, 0.01) else "N",
            medical_flag="true" if chance(rng, 0.1) else "false",
            disabilities=(pick(rng, data.DISABILITIES),) if chance(rng, 0.03) else (),
            enrol_status="C",
        )

    def _naw_details(self, *, welsh: bool) -> NAWDetails:
        rng = self.rng
        return NAWDetails(
            speak_welsh="F"
            if welsh and chance(rng, 0.7)
            else pick(rng, data.WELSH_SPEAKING),
            home_welsh=pick(rng, data.HOME_WELSH),
            national_identity=pick(rng, data.NATIONAL_IDENTITIES),
            welsh_source="T",
        )

    def _looked_after(self) -> LookedAfter | None:
        if not chance(self.rng, 0.01):
            return None
        return LookedAfter(in_care="true", care_authority=self.la)

    def _fsm_history(self, dob: datetime.date) -> FSMHistory | None:
        if not chance(self.rng, 0.18):
            return None
        start = dob + datetime.timedelta(
            days=5 * DAYS_PER_YEAR + self.rng.randrange(900)
        )
        end = start + datetime.timedelta(days=self.rng.randrange(200, 900))
        country = "WLS" if self.welsh else "ENG"
        instance = FSMInstance(
            start_date=start.isoformat(),
            end_date=end.isoformat() if end < self.today else None,
            uk_country=country,
        )
        return FSMHistory(instances=(instance,))

    def _sen_history(self, dob: datetime.date) -> SENHistory | None:
        if not chance(self.rng, 0.14):
            return None
        start = dob + datetime.timedelta(
            days=6 * DAYS_PER_YEAR + self.rng.randrange(700)
        )
        provision = SENProvision(
            start_date=start.isoformat(), sen_provision=pick(self.rng, ("K", "E"))
        )
        need = SENNeed(
            need_start_date=start.isoformat(),
            sen_type_rank="1",
            sen_type=pick(self.rng, data.SEN_TYPES),
        )
        return SENHistory(provisions=(provision,), needs=(need,))

    # --- schools -------------------------------------------------------------------

    def _school_history(self, nc_year: int) -> tuple[SchoolHistoryEntry, ...]:
        """The pupil's schools, the current one first, as SIMS lists them."""
        rng = self.rng
        start_year = self.academic_year - nc_year
        moves = rng.choices((0, 1, 2), (70, 24, 6))[0] if nc_year > 0 else 0
        possible = range(start_year + 1, self.academic_year + 1)
        move_years = set(rng.sample(possible, k=min(moves, nc_year)))
        if min(self.nc_years) >= SECONDARY_YEAR:
            # Everybody in a secondary school came from a primary school.
            move_years = {year for year in move_years if year > start_year + 7}
            move_years.add(start_year + SECONDARY_YEAR)
        years = [start_year, *sorted(move_years)]
        entries: list[SchoolHistoryEntry] = []
        for index, year in enumerate(years):
            entry = _september(rng, year)
            current = index == len(years) - 1
            entries.append(self._school_entry(entry, years, index, current=current))
        return tuple(reversed(entries))

    def _school_entry(
        self,
        entry: datetime.date,
        years: list[int],
        index: int,
        *,
        current: bool,
    ) -> SchoolHistoryEntry:
        rng = self.rng
        if current:
            return SchoolHistoryEntry(
                lea=self.la,
                estab=self.estab,
                urn=self.urn,
                school_name=self.school_name,
                entry_date=entry.isoformat(),
            )
        leaving = _september(rng, years[index + 1]) - datetime.timedelta(days=45)
        town = pick(rng, self.towns)
        estab = f"{rng.randint(2000, 3999):04d}"
        return SchoolHistoryEntry(
            lea=town.la,
            estab=estab,
            urn=UNKNOWN_URN if self.welsh else str(rng.randint(100000, 149999)),
            school_name=self._school_name(town.name),
            entry_date=entry.isoformat(),
            leaving_date=leaving.isoformat(),
            leaving_reason=pick(rng, data.LEAVING_REASONS),
        )


def _september(rng: random.Random, year: int) -> datetime.date:
    return datetime.date(year, 9, rng.randint(1, 10))
