"""Reading a written CTF gives back the very objects that were written."""

from __future__ import annotations

import dataclasses
import io
from typing import Any
from unittest import TestCase

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from pontio.ctf import models
from pontio.ctf.reader import iter_ctf, read_ctf
from pontio.ctf.synthetic import fake_ctf
from pontio.ctf.writer import write_ctf, write_ctf_stream
from tests.ctf.fixtures import REFERENCE_FILES, reference_ctf

REFERENCE_PATHS = [reference_ctf(name) for name in REFERENCE_FILES]

# Every character XML 1.0 allows in text, including tabs, new lines and returns.
XML_CHARACTERS = st.characters(
    codec="utf-8",
    exclude_categories=("Cs", "Cc"),
    exclude_characters="\ufffe\uffff",
) | st.sampled_from("\t\n\r")
TEXT = st.text(XML_CHARACTERS, max_size=12)
OPTIONAL_TEXT = st.none() | TEXT

# Element names no layout knows, so a reader keeps them as extras.
UNKNOWN_TAGS = ("SuppInfo", "FutureBlock", "Exclusions")


@st.composite
def extra_xml(draw: st.DrawFn) -> str:
    """An unknown element, serialised as the reader keeps it."""
    element = etree.Element(draw(st.sampled_from(UNKNOWN_TAGS)))
    for name in draw(st.lists(st.sampled_from(("SuppID", "Religion")), max_size=2)):
        etree.SubElement(element, name).text = draw(TEXT)
    # Parsed back, as the reader sees it: an empty value reads as <SuppID/>.
    return etree.tostring(etree.fromstring(etree.tostring(element)), encoding="unicode")


EXTRAS = st.lists(extra_xml(), max_size=2).map(tuple)


def container_extras(*containers: str) -> st.SearchStrategy[tuple[Any, ...]]:
    """Unknown elements inside list containers, in the order the writer uses.

    A reader finds them in file order, and a written file has its containers in
    CTF order, so extras listed in another order cannot come back in that order.
    """
    extra = st.builds(models.ContainerExtra, st.sampled_from(containers), extra_xml())
    return st.lists(extra, max_size=2).map(
        lambda extras: tuple(
            sorted(extras, key=lambda item: containers.index(item.container))
        )
    )


def flat(cls: type[Any], **overrides: Any) -> st.SearchStrategy[Any]:
    """Objects of ``cls``: optional text for every text field, maybe some extras."""
    strategies: dict[str, Any] = {}
    for field in dataclasses.fields(cls):
        if field.type == "str | None":
            strategies[field.name] = OPTIONAL_TEXT
        elif field.name == "extras":
            strategies[field.name] = EXTRAS
    strategies.update(overrides)
    return st.builds(cls, **strategies)


def tuples(strategy: st.SearchStrategy[Any], size: int = 2) -> Any:
    return st.lists(strategy, max_size=size).map(tuple)


@st.composite
def sex_and_element(draw: st.DrawFn) -> dict[str, Any]:
    # With no value there is no element, so the name falls back to the default.
    sex = draw(OPTIONAL_TEXT)
    element = "Gender" if sex is None else draw(st.sampled_from(("Gender", "Sex")))
    return {"sex": sex, "sex_element": element}


@st.composite
def addresses(draw: st.DrawFn) -> models.Address:
    zip_code = draw(OPTIONAL_TEXT)
    zip_element = "Zip" if zip_code is None else draw(st.sampled_from(("Zip", "ZIP")))
    return draw(
        flat(
            models.Address,
            bs7666=st.none() | flat(models.BS7666Address),
            lines=st.none() | flat(models.AddressLines),
            zip=st.just(zip_code),
            zip_element=st.just(zip_element),
        )
    )


PHONES = tuples(flat(models.Phone))


@st.composite
def contacts(draw: st.DrawFn) -> models.Contact:
    return draw(
        flat(
            models.Contact,
            **{key: st.just(value) for key, value in draw(sex_and_element()).items()},
            address=st.none() | addresses(),
            phones=PHONES,
            container_extras=container_extras("Phones"),
        )
    )


BASIC_DETAILS = flat(
    models.BasicDetails,
    languages=tuples(flat(models.Language)),
    disabilities=tuples(TEXT),
    container_extras=container_extras("Languages", "Disabilities"),
)
SEN_HISTORY = flat(
    models.SENHistory,
    provisions=tuples(flat(models.SENProvision)),
    needs=tuples(flat(models.SENNeed)),
    container_extras=container_extras("SENneeds"),
)
FSM_HISTORY = flat(models.FSMHistory, instances=tuples(flat(models.FSMInstance)))
KEY_STAGES = tuples(
    flat(models.KeyStage, assessments=tuples(flat(models.StageAssessment)))
)
PUPIL_CONTAINERS = (
    "Phones",
    "Contacts",
    "Attendance",
    "StageAssessments",
    "SchoolHistory",
)


@st.composite
def pupils(draw: st.DrawFn) -> models.Pupil:
    return draw(
        flat(
            models.Pupil,
            **{key: st.just(value) for key, value in draw(sex_and_element()).items()},
            basic_details=st.none() | BASIC_DETAILS,
            naw_details=tuples(flat(models.NAWDetails), size=1),
            looked_after=st.none() | flat(models.LookedAfter),
            fsm_history=st.none() | FSM_HISTORY,
            sen_history=st.none() | SEN_HISTORY,
            address=st.none() | addresses(),
            phones=PHONES,
            contacts=tuples(contacts()),
            attendance=tuples(flat(models.YearData)),
            stage_assessments=KEY_STAGES,
            school_history=tuples(flat(models.SchoolHistoryEntry)),
            container_extras=container_extras(*PUPIL_CONTAINERS),
        )
    )


HEADERS = flat(
    models.Header,
    source_school=flat(models.SourceSchool),
    dest_school=flat(models.DestSchool),
)
DOCUMENTS = st.builds(models.CTFDocument, HEADERS, tuples(pupils(), size=3))


def round_trip(document: models.CTFDocument) -> models.CTFDocument:
    written = write_ctf(document)
    assert written is not None
    return read_ctf(io.BytesIO(written))


class RoundTripTests(TestCase):
    @settings(
        max_examples=60,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(DOCUMENTS)
    def test_reading_a_written_document_gives_the_same_objects(
        self, document: models.CTFDocument
    ) -> None:
        self.assertEqual(round_trip(document), document)

    def test_reference_files_read_written_and_read_again_are_equal(self) -> None:
        for path in REFERENCE_PATHS:
            with self.subTest(path.name):
                document = read_ctf(path)
                self.assertEqual(round_trip(document), document)

    def test_writing_a_reference_file_twice_gives_the_same_bytes(self) -> None:
        for path in REFERENCE_PATHS:
            with self.subTest(path.name):
                once = write_ctf(read_ctf(path))
                assert once is not None
                self.assertEqual(write_ctf(read_ctf(io.BytesIO(once))), once)

    def test_pupils_stream_from_a_reader_into_the_writer(self) -> None:
        path = reference_ctf("gryphon_y7_2_students.xml")
        target = io.BytesIO()
        with iter_ctf(path) as reader:
            write_ctf_stream(reader.header, reader, target)
        self.assertEqual(read_ctf(io.BytesIO(target.getvalue())), read_ctf(path))

    def test_a_synthetic_file_survives_the_round_trip(self) -> None:
        document = fake_ctf(pupils=40, source="6812003", destination="681LLLL", seed=5)
        self.assertEqual(round_trip(document), document)
