"""Writing CTF files from objects."""

from __future__ import annotations

import dataclasses
import io
from unittest import TestCase

from lxml import etree

from pontio.ctf.models import (
    Address,
    BS7666Address,
    Contact,
    ContainerExtra,
    CTFDocument,
    DestSchool,
    Header,
    Pupil,
    SourceSchool,
)
from pontio.ctf.problems import CTFError
from pontio.ctf.reader import read_ctf
from pontio.ctf.synthetic import fake_ctf
from pontio.ctf.validator import validate_ctf
from pontio.ctf.writer import write_ctf
from tests.ctf.fixtures import (
    CTF25_DAY,
    REFERENCE_DAY,
    REFERENCE_FILES,
    reference_ctf,
    upn,
)

SUPP_INFO = "<SuppInfo><SuppID>SIMS</SuppID><Religion>CH</Religion></SuppInfo>"


def a_header() -> Header:
    return Header(
        document_name="Common Transfer File",
        ctf_version="25.0",
        date_time="2025-09-30T10:30:00",
        document_qualifier="full",
        supplier_id="Pontio",
        source_school=SourceSchool(
            lea="661", estab="2001", school_name="Ysgol Bro", academic_year="2025"
        ),
        dest_school=DestSchool(lea="661", estab="4002"),
    )


def a_pupil(**changes: object) -> Pupil:
    pupil = Pupil(
        upn=upn(1),
        surname="ap Rhys",
        forename="Seren",
        dob="2014-10-02",
        sex="F",
        sex_element="Sex",
    )
    return dataclasses.replace(pupil, **changes)


def written(*pupils: Pupil, header: Header | None = None) -> bytes:
    document = CTFDocument(header or a_header(), pupils)
    output = write_ctf(document)
    assert output is not None
    return output


def tags(xml: bytes) -> list[str]:
    return [str(element.tag) for element in etree.fromstring(xml).iter()]


class WriteCtfTests(TestCase):
    def test_starts_with_the_utf8_declaration(self) -> None:
        self.assertTrue(
            written(a_pupil()).startswith(b'<?xml version="1.0" encoding="utf-8"?>\n')
        )

    def test_writes_welsh_letters_as_utf8(self) -> None:
        output = written(a_pupil(forename="Siân", surname="Llŷr"))
        self.assertIn("Siân".encode(), output)
        self.assertIn("Llŷr".encode(), output)

    def test_root_holds_the_header_then_the_pupils(self) -> None:
        root = etree.fromstring(written(a_pupil(), a_pupil(upn=upn(2))))
        self.assertEqual(root.tag, "CTfile")
        self.assertEqual([child.tag for child in root], ["Header", "CTFpupilData"])
        self.assertEqual(len(root.find("CTFpupilData")), 2)

    def test_header_elements_come_in_ctf_order(self) -> None:
        header = dataclasses.replace(a_header(), data_descriptor="Year 6 leavers")
        root = etree.fromstring(written(header=header))
        self.assertEqual(
            [child.tag for child in root.find("Header")],
            [
                "DocumentName",
                "CTFversion",
                "DateTime",
                "DocumentQualifier",
                "DataDescriptor",
                "SupplierID",
                "SourceSchool",
                "DestSchool",
            ],
        )

    def test_writes_sex_for_a_ctf_25_pupil(self) -> None:
        pupil = etree.fromstring(written(a_pupil())).find("CTFpupilData/Pupil")
        self.assertEqual(pupil.findtext("Sex"), "F")
        self.assertIsNone(pupil.find("Gender"))

    def test_keeps_gender_for_a_pupil_read_from_gender(self) -> None:
        output = written(a_pupil(sex_element="Gender"))
        pupil = etree.fromstring(output).find("CTFpupilData/Pupil")
        self.assertEqual(pupil.findtext("Gender"), "F")
        self.assertIsNone(pupil.find("Sex"))

    def test_leaves_out_absent_values_and_empty_lists(self) -> None:
        output = written(a_pupil(dob=None, phones=(), contacts=()))
        self.assertNotIn(b"<DOB", output)
        self.assertNotIn(b"<Phones", output)
        self.assertNotIn(b"<Contacts", output)

    def test_writes_an_empty_value_as_an_empty_element(self) -> None:
        pupil = etree.fromstring(written(a_pupil(uci=""))).find("CTFpupilData/Pupil")
        self.assertEqual(pupil.find("UCI").text, None)

    def test_keeps_spaces_inside_values(self) -> None:
        address = Address(bs7666=BS7666Address(paon="  11      "))
        document = read_ctf(io.BytesIO(written(a_pupil(address=address))))
        self.assertEqual(document.pupils[0].address.bs7666.paon, "  11      ")

    def test_escapes_markup_in_values(self) -> None:
        output = written(a_pupil(surname="O'Brien <Smith> & Sons"))
        document = read_ctf(io.BytesIO(output))
        self.assertEqual(document.pupils[0].surname, "O'Brien <Smith> & Sons")

    def test_writes_supplier_extras_verbatim_at_the_end(self) -> None:
        output = written(a_pupil(extras=(SUPP_INFO,)))
        self.assertIn(SUPP_INFO.encode(), output)
        pupil = etree.fromstring(output).find("CTFpupilData/Pupil")
        self.assertEqual(pupil[-1].tag, "SuppInfo")

    def test_writes_extras_found_in_a_list_container_inside_it(self) -> None:
        extra = ContainerExtra("Phones", "<FuturePhone>1</FuturePhone>")
        output = written(a_pupil(container_extras=(extra,)))
        pupil = etree.fromstring(output).find("CTFpupilData/Pupil")
        self.assertEqual(pupil.find("Phones/FuturePhone").text, "1")

    def test_writes_address_as_pupil_for_a_contact(self) -> None:
        contact = Contact(
            order="1",
            surname="Jones",
            sex="F",
            address=Address(address_as_pupil="true"),
        )
        output = written(a_pupil(contacts=(contact,)))
        contact_element = etree.fromstring(output).find(
            "CTFpupilData/Pupil/Contacts/Contact"
        )
        self.assertEqual(contact_element.findtext("Address/AddressAsPupil"), "true")

    def test_writes_to_a_binary_file_and_returns_nothing(self) -> None:
        target = io.BytesIO()
        document = CTFDocument(a_header(), (a_pupil(),))
        self.assertIsNone(write_ctf(document, target))
        self.assertEqual(target.getvalue(), write_ctf(document))

    def test_refuses_a_value_xml_cannot_carry(self) -> None:
        with self.assertRaises(CTFError) as raised:
            written(a_pupil(), a_pupil(surname="Jo\x00nes"))
        self.assertEqual(raised.exception.code, "ctf_value_not_xml")
        self.assertEqual(raised.exception.problem.params["position"], 2)

    def test_refuses_a_header_value_xml_cannot_carry(self) -> None:
        header = dataclasses.replace(a_header(), supplier_id="MIS\x07")
        with self.assertRaises(CTFError) as raised:
            written(header=header)
        self.assertEqual(raised.exception.code, "ctf_value_not_xml")


class WrittenFilesValidateTests(TestCase):
    def test_a_hand_made_file_has_no_errors(self) -> None:
        report = validate_ctf(io.BytesIO(written(a_pupil())), today=CTF25_DAY)
        self.assertEqual(report.errors, ())

    def test_reference_files_written_again_keep_their_validation_result(
        self,
    ) -> None:
        for name in REFERENCE_FILES:
            with self.subTest(name):
                path = reference_ctf(name)
                output = write_ctf(read_ctf(path))
                assert output is not None
                before = validate_ctf(path, today=REFERENCE_DAY)
                after = validate_ctf(io.BytesIO(output), today=REFERENCE_DAY)
                self.assertEqual(after.errors, ())
                self.assertEqual(
                    [problem.code for problem in after.warnings],
                    [problem.code for problem in before.warnings],
                )

    def test_reference_files_keep_their_element_order(self) -> None:
        # gryphon_y7_2_students.xml has one contact's Northing before its Easting;
        # the writer puts them in the usual order, so it is left out here.
        for name in ("gryphon_y12.xml", "gryphon_y7_partial.xml"):
            with self.subTest(name):
                path = reference_ctf(name)
                output = write_ctf(read_ctf(path))
                assert output is not None
                self.assertEqual(tags(output), tags(path.read_bytes()))

    def test_synthetic_files_have_no_errors_or_warnings(self) -> None:
        for source, destination, pupils in (
            ("6612001", "6614003", 60),
            ("8014001", "8012003", 60),
            ("6812003", "XXXXXXX", 1),
            ("8012003", "MMMMMMM", 1),
            ("6612001", "661LLLL", 20),
        ):
            with self.subTest(destination):
                document = fake_ctf(
                    pupils=pupils,
                    source=source,
                    destination=destination,
                    seed=7,
                    today=CTF25_DAY,
                )
                output = write_ctf(document)
                assert output is not None
                report = validate_ctf(io.BytesIO(output), today=CTF25_DAY)
                self.assertEqual((report.errors, report.warnings), ((), ()))
                self.assertEqual(report.pupil_count, pupils)
