from __future__ import annotations

import codecs
import io
from unittest import TestCase

from pontio.ctf.models import ContainerExtra, CTFDocument
from pontio.ctf.problems import CTFError
from pontio.ctf.reader import iter_ctf, read_ctf
from tests.ctf.fixtures import (
    REFERENCE_FILES,
    data_file,
    make_ctf,
    make_header,
    make_pupil,
    reference_ctf,
    upn,
)


def read_bytes(data: bytes) -> CTFDocument:
    return read_ctf(io.BytesIO(data))


class ReferenceFileTests(TestCase):
    def test_reads_every_reference_file(self) -> None:
        counts = {}
        for name in REFERENCE_FILES:
            document = read_ctf(reference_ctf(name))
            counts[name] = len(document.pupils)
            self.assertEqual(document.header.ctf_version, "19.0")
        self.assertEqual(
            counts,
            {
                "gryphon_y12.xml": 1,
                "gryphon_y7_2_students.xml": 2,
                "gryphon_y7_partial.xml": 1,
                "gryphon_y7_spaced_numbers.xml": 1,
            },
        )

    def test_reads_the_header(self) -> None:
        header = read_ctf(reference_ctf("gryphon_y7_partial.xml")).header
        self.assertEqual(header.document_name, "Common Transfer File")
        self.assertEqual(header.date_time, "2020-04-30T07:24:22")
        self.assertEqual(header.generated_at.isoformat(), "2020-04-30T07:24:22")
        self.assertTrue(header.is_partial)
        self.assertEqual(header.version_number, 19)
        self.assertEqual(header.supplier_id, "SIMS")
        self.assertEqual(header.source_school.lea, "933")
        self.assertEqual(header.source_school.estab, "3281")
        self.assertEqual(header.source_school.urn, "123818")
        self.assertEqual(header.source_school.school_name, "Lil Old Prim. School")
        self.assertEqual(header.source_school.academic_year, "2019")
        self.assertEqual(
            (header.dest_school.lea, header.dest_school.estab, header.dest_school.urn),
            ("838", "4512", "XXXXXX"),
        )

    def test_reads_a_missing_destination_urn_as_none(self) -> None:
        header = read_ctf(reference_ctf("gryphon_y12.xml")).header
        self.assertIsNone(header.dest_school.urn)

    def test_reads_identifiers_names_and_details(self) -> None:
        pupil = read_ctf(reference_ctf("gryphon_y12.xml")).pupils[0]
        self.assertEqual(pupil.upn, "Z801209809069")
        self.assertEqual(pupil.uln, "2481081875")
        self.assertEqual(pupil.uci, "634250185653C")
        self.assertEqual((pupil.surname, pupil.forename), ("Waits", "Tom"))
        self.assertEqual(pupil.dob, "2004-05-10")
        self.assertEqual(pupil.date_of_birth.isoformat(), "2004-05-10")
        self.assertEqual((pupil.sex, pupil.sex_element), ("F", "Gender"))
        details = pupil.basic_details
        self.assertEqual(details.middle_names, "Esther")
        self.assertEqual(details.nc_year_actual, "11")
        self.assertEqual(details.service_child, "N")
        self.assertEqual(details.medical_flag, "false")
        self.assertEqual(details.languages[0].language, "ENG")

    def test_keeps_text_exactly_as_in_the_file(self) -> None:
        pupil = read_ctf(reference_ctf("gryphon_y12.xml")).pupils[0]
        self.assertEqual(pupil.address.bs7666.paon, "  11      ")

    def test_reads_histories_and_assessments(self) -> None:
        pupil = read_ctf(reference_ctf("gryphon_y12.xml")).pupils[0]
        self.assertEqual(pupil.fsm_history.instances[0].start_date, "2012-10-10")
        self.assertEqual(pupil.fsm_history.instances[0].uk_country, "ENG")
        self.assertEqual(len(pupil.sen_history.provisions), 2)
        self.assertEqual(pupil.sen_history.needs[0].sen_type, "NSA")
        self.assertEqual(len(pupil.attendance), 7)
        self.assertEqual(pupil.attendance[-1].sessions_attended, "235")
        self.assertEqual(pupil.stage_assessments[0].stage, "KS1")
        self.assertEqual(pupil.stage_assessments[0].assessments[1].component, "GPS")
        self.assertEqual(len(pupil.school_history), 4)
        self.assertEqual(pupil.school_history[1].leaving_reason, "IM")

    def test_reads_contacts_in_document_order(self) -> None:
        pupil = read_ctf(reference_ctf("gryphon_y7_2_students.xml")).pupils[0]
        self.assertEqual([c.order for c in pupil.contacts], ["3", "4", "2", "1"])
        mother = pupil.contacts[3]
        self.assertEqual((mother.forename, mother.relationship), ("Jeanie", "PAM"))
        self.assertEqual(mother.responsibility, "true")
        self.assertEqual(mother.address.address_as_pupil, "true")
        self.assertEqual(len(mother.phones), 3)
        self.assertEqual(mother.email, "jean19Richie@yahoo.com")

    def test_keeps_supplier_blocks_verbatim(self) -> None:
        pupil = read_ctf(reference_ctf("gryphon_y7_partial.xml")).pupils[0]
        self.assertEqual(
            pupil.extras,
            (
                "<SuppInfo>\n<SuppID>SIMS</SuppID>\n"
                "<BirthCertificate>false</BirthCertificate>\n"
                "<Religion>OT</Religion>\n</SuppInfo>",
            ),
        )
        self.assertTrue(pupil.basic_details.extras[0].startswith("<SuppInfo>"))

    def test_remembers_the_zip_element_name(self) -> None:
        pupil = read_ctf(reference_ctf("gryphon_y7_spaced_numbers.xml")).pupils[0]
        self.assertEqual(
            (pupil.address.zip, pupil.address.zip_element), ("GY4 6RN", "ZIP")
        )

    def test_summarises_a_pupil_for_the_lost_pupil_index(self) -> None:
        pupil = read_ctf(reference_ctf("gryphon_y7_2_students.xml")).pupils[1]
        summary = pupil.summary()
        self.assertEqual(summary.upn, "U865346313703")
        self.assertEqual(summary.former_upn, "M86534630235G")
        self.assertEqual(summary.preferred_surname, "Newman")
        self.assertEqual(summary.town, "Dorchester")
        self.assertEqual(summary.postcode, "DT2 0NS")
        self.assertEqual(summary.date_of_birth.isoformat(), "2009-08-18")

    def test_objects_are_hashable_and_equal_when_read_twice(self) -> None:
        first = read_ctf(reference_ctf("gryphon_y7_2_students.xml"))
        second = read_ctf(reference_ctf("gryphon_y7_2_students.xml"))
        self.assertEqual(first, second)
        self.assertEqual(hash(first), hash(second))


class Ctf25Tests(TestCase):
    def test_reads_sex_and_remembers_the_element_name(self) -> None:
        pupil = read_ctf(data_file("ctf25_sex.xml")).pupils[0]
        self.assertEqual((pupil.sex, pupil.sex_element), ("F", "Sex"))
        self.assertEqual(pupil.contacts[0].sex_element, "Sex")

    def test_reads_welsh_details_and_address_lines(self) -> None:
        pupil = read_ctf(data_file("ctf25_sex.xml")).pupils[0]
        self.assertEqual(pupil.naw_details[0].speak_welsh, "F")
        self.assertEqual(pupil.naw_details[0].national_identity, "WAL")
        self.assertEqual(pupil.address.lines.line1, "Tŷ Capel")
        self.assertIsNone(pupil.address.bs7666)

    def test_keeps_an_unknown_block_verbatim(self) -> None:
        pupil = read_ctf(data_file("ctf25_sex.xml")).pupils[0]
        self.assertEqual(len(pupil.extras), 1)
        self.assertTrue(pupil.extras[0].startswith("<Exclusions>"))
        self.assertIn("<Category>FIXD</Category>", pupil.extras[0])

    def test_keeps_an_unknown_element_inside_a_list_with_its_container(self) -> None:
        inner = (
            "<Phones><Phone><PhoneNo>01758 123456</PhoneNo></Phone>"
            "<Fax>01758 000000</Fax></Phones>"
        )
        pupil = read_bytes(make_ctf(make_pupil(inner=inner))).pupils[0]
        self.assertEqual(pupil.phones[0].phone_no, "01758 123456")
        self.assertEqual(
            pupil.container_extras,
            (ContainerExtra("Phones", "<Fax>01758 000000</Fax>"),),
        )

    def test_keeps_a_repeated_single_element_in_extras(self) -> None:
        pupil = read_bytes(make_ctf(make_pupil(inner="<Surname>Evans</Surname>")))
        self.assertEqual(pupil.pupils[0].surname, "Jones")
        self.assertEqual(pupil.pupils[0].extras, ("<Surname>Evans</Surname>",))


class EncodingTests(TestCase):
    def test_reads_utf8_with_a_byte_order_mark_and_crlf_line_ends(self) -> None:
        data = codecs.BOM_UTF8 + make_ctf().replace(b"\n", b"\r\n")
        document = read_bytes(data)
        self.assertEqual(document.pupils[0].surname, "Jones")
        self.assertEqual(document.header.supplier_id, "Pontio tests")

    def test_reads_utf16_with_a_byte_order_mark(self) -> None:
        text = (
            make_ctf().decode("utf-8").replace('encoding="utf-8"', 'encoding="utf-16"')
        )
        document = read_bytes(text.encode("utf-16"))
        self.assertEqual(document.pupils[0].forename, "Cerys")

    def test_reads_welsh_letters(self) -> None:
        data = make_ctf(make_pupil(Forename="Siân", Surname="Llŷr"))
        pupil = read_bytes(data).pupils[0]
        self.assertEqual((pupil.forename, pupil.surname), ("Siân", "Llŷr"))

    def test_reads_from_an_open_binary_file(self) -> None:
        with open(reference_ctf("gryphon_y12.xml"), "rb") as stream:
            self.assertEqual(len(read_ctf(stream).pupils), 1)


class StreamingTests(TestCase):
    def test_reads_the_header_before_any_pupil(self) -> None:
        pupils = [make_pupil(serial) for serial in range(1, 4)]
        with iter_ctf(io.BytesIO(make_ctf(*pupils))) as reader:
            self.assertEqual(reader.header.ctf_version, "25.0")
            self.assertEqual(reader.pupil_count, 0)
            self.assertEqual([p.upn for p in reader], [upn(1), upn(2), upn(3)])
            self.assertEqual(reader.pupil_count, 3)

    def test_clears_each_pupil_once_it_has_been_read(self) -> None:
        pupils = [make_pupil(serial) for serial in range(1, 2001)]
        reader = iter_ctf(io.BytesIO(make_ctf(*pupils)))
        previous = None
        for _index, element, _pupil in reader.iter_elements():
            if previous is not None:
                self.assertEqual(len(previous), 0)
                self.assertIsNone(previous.getparent())
            previous = element
        self.assertEqual(reader.pupil_count, 2000)

    def test_can_be_iterated_only_once(self) -> None:
        reader = iter_ctf(io.BytesIO(make_ctf()))
        list(reader)
        with self.assertRaises(RuntimeError):
            list(reader)

    def test_reads_a_file_without_pupils(self) -> None:
        data = make_ctf(header=make_header()).replace(make_pupil().encode(), b"")
        self.assertEqual(read_bytes(data).pupils, ())

    def test_ignores_a_pupil_nested_inside_a_supplier_block(self) -> None:
        inner = "<SuppInfo><Pupil><UPN>X</UPN></Pupil></SuppInfo>"
        document = read_bytes(make_ctf(make_pupil(inner=inner)))
        self.assertEqual(len(document.pupils), 1)
        self.assertIn("<Pupil><UPN>X</UPN></Pupil>", document.pupils[0].extras[0])


class ReaderErrorTests(TestCase):
    def assert_refused(self, data: bytes, code: str) -> CTFError:
        with self.assertRaises(CTFError) as caught:
            read_bytes(data)
        self.assertEqual(caught.exception.code, code)
        self.assertIsNotNone(caught.exception.line)
        return caught.exception

    def test_ctf_empty(self) -> None:
        self.assert_refused(b"", "ctf_empty")
        self.assert_refused(b"  \r\n ", "ctf_empty")

    def test_ctf_compressed(self) -> None:
        self.assert_refused(
            b"PK\x03\x04\x14\x00\x00\x00" + b"\x00" * 40, "ctf_compressed"
        )

    def test_ctf_binary(self) -> None:
        self.assert_refused(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "ctf_binary")
        self.assert_refused(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "ctf_binary")

    def test_ctf_not_xml(self) -> None:
        error = self.assert_refused(b"UPN,Surname\nA123,Jones\n", "ctf_not_xml")
        self.assertEqual(error.line, 1)
        broken = make_ctf().replace(
            b"<Surname>Jones</Surname>", b"<Surname>Jones</Surnam>"
        )
        error = self.assert_refused(broken, "ctf_not_xml")
        self.assertEqual(error.line, 25)

    def test_ctf_truncated(self) -> None:
        data = make_ctf(*(make_pupil(serial) for serial in range(1, 50)))
        for cut in (200, len(data) // 2, len(data) - 5):
            with self.subTest(cut=cut):
                error = self.assert_refused(data[:cut], "ctf_truncated")
                self.assertEqual(error.line, data[:cut].count(b"\n") + 1)

    def test_ctf_wrong_root(self) -> None:
        error = self.assert_refused(
            data_file("wrong_root.xml").read_bytes(), "ctf_wrong_root"
        )
        self.assertEqual(error.problem.params["found"], "ATfile")
        self.assertEqual(error.line, 2)

    def test_ctf_missing_header(self) -> None:
        self.assert_refused(
            data_file("no_header.xml").read_bytes(), "ctf_missing_header"
        )

    def test_ctf_doctype_forbidden(self) -> None:
        data = make_ctf().replace(b"<CTfile>", b"<!DOCTYPE CTfile>\n<CTfile>")
        self.assert_refused(data, "ctf_doctype_forbidden")

    def test_ctf_unreadable(self) -> None:
        class FailingDisk(io.RawIOBase):
            def readable(self) -> bool:
                return True

            def readinto(self, buffer: object) -> int:
                raise OSError(5, "Input/output error")

        with self.assertRaises(CTFError) as caught:
            read_ctf(io.BufferedReader(FailingDisk()))
        self.assertEqual(caught.exception.code, "ctf_unreadable")

    def test_a_missing_path_raises_os_error(self) -> None:
        with self.assertRaises(FileNotFoundError):
            read_ctf(data_file("no_such_file.xml"))

    def test_messages_are_marked_templates(self) -> None:
        error = self.assert_refused(b"", "ctf_empty")
        self.assertEqual(error.render(str.upper), error.problem.template.upper())


class OuterLayoutTests(TestCase):
    def test_ctf_unexpected_element(self) -> None:
        data = make_ctf().replace(
            b"<CTFpupilData>\n", b"<CTFpupilData>\n<Note>hi</Note>\n"
        )
        with iter_ctf(io.BytesIO(data)) as reader:
            self.assertEqual(len(list(reader)), 1)
        self.assertEqual([p.code for p in reader.problems], ["ctf_unexpected_element"])
        self.assertEqual(reader.problems[0].path, "/CTfile/CTFpupilData/Note")

    def test_ctf_repeated_header(self) -> None:
        data = make_ctf().replace(b"</CTfile>", make_header().encode() + b"</CTfile>")
        with iter_ctf(io.BytesIO(data)) as reader:
            list(reader)
        self.assertEqual([p.code for p in reader.problems], ["ctf_repeated_header"])
