from __future__ import annotations

import datetime
import io
import json
from unittest import TestCase

from lxml import etree

from pontio.ctf.problems import Severity
from pontio.ctf.validator import ValidationReport, ctf_schema, validate_ctf
from tests.ctf.fixtures import (
    CTF25_DAY,
    REFERENCE_DAY,
    REFERENCE_FILES,
    data_file,
    make_ctf,
    make_header,
    make_pupil,
    reference_ctf,
    upn,
)


def validate(data: bytes, today: datetime.date = CTF25_DAY) -> ValidationReport:
    return validate_ctf(io.BytesIO(data), today=today)


def codes(problems: tuple[object, ...]) -> list[str]:
    return [problem.code for problem in problems]  # type: ignore[attr-defined]


class ReferenceFileTests(TestCase):
    # The invalid identifiers listed in shared/reference/ctf/SOURCE.md.
    EXPECTED_WARNINGS = {
        "gryphon_y12.xml": [
            ("uln_check_digit", "/CTfile/CTFpupilData/Pupil[1]/UniqueLearnerNumber"),
        ],
        "gryphon_y7_2_students.xml": [
            ("upn_1510", "/CTfile/CTFpupilData/Pupil[2]/UPN"),
            ("upn_1510", "/CTfile/CTFpupilData/Pupil[2]/BasicDetails/FormerUPN"),
        ],
        "gryphon_y7_partial.xml": [
            ("upn_1510", "/CTfile/CTFpupilData/Pupil[1]/UPN"),
        ],
        "gryphon_y7_spaced_numbers.xml": [
            ("upn_1510", "/CTfile/CTFpupilData/Pupil[1]/UPN"),
        ],
    }

    def test_each_reference_file_has_exactly_the_predicted_warnings(self) -> None:
        for name in REFERENCE_FILES:
            with self.subTest(name=name):
                report = validate_ctf(reference_ctf(name), today=REFERENCE_DAY)
                self.assertEqual(report.errors, ())
                self.assertTrue(report.valid)
                found = [(p.code, p.path) for p in report.warnings]
                self.assertEqual(found, self.EXPECTED_WARNINGS[name])
                self.assertTrue(all(p.line for p in report.warnings))

    def test_expected_check_letters_are_those_of_the_source_notes(self) -> None:
        report = validate_ctf(
            reference_ctf("gryphon_y7_2_students.xml"), today=REFERENCE_DAY
        )
        expected = [p.params["expected"] for p in report.warnings]
        self.assertEqual(expected, ["R", "F"])
        self.assertEqual(report.warnings[0].line, 260)

    def test_every_reference_file_follows_the_schema(self) -> None:
        for name in REFERENCE_FILES:
            with self.subTest(name=name):
                document = etree.parse(str(reference_ctf(name)))
                self.assertTrue(ctf_schema().validate(document))

    def test_reports_version_count_header_and_summaries(self) -> None:
        report = validate_ctf(
            reference_ctf("gryphon_y7_2_students.xml"), today=REFERENCE_DAY
        )
        self.assertEqual(report.version, "19.0")
        self.assertEqual(report.pupil_count, 2)
        self.assertEqual(report.header.source_school.estab, "3321")
        self.assertEqual([s.surname for s in report.summaries], ["Richie", "Newman"])

    def test_gives_the_stable_json_shape(self) -> None:
        report = validate_ctf(
            reference_ctf("gryphon_y7_partial.xml"), today=REFERENCE_DAY
        )
        shape = json.loads(json.dumps(report.as_dict(file="a.xml")))
        self.assertEqual(
            list(shape),
            ["file", "valid", "errors", "warnings", "pupil_count", "version"],
        )
        self.assertEqual(shape["file"], "a.xml")
        self.assertEqual(
            shape["warnings"][0],
            {
                "code": "upn_1510",
                "severity": "warning",
                "message": report.warnings[0].message,
                "line": 24,
                "path": "/CTfile/CTFpupilData/Pupil[1]/UPN",
            },
        )


class Ctf25Tests(TestCase):
    def test_accepts_a_ctf25_file_with_sex(self) -> None:
        report = validate_ctf(data_file("ctf25_sex.xml"), today=CTF25_DAY)
        self.assertEqual((report.errors, report.warnings), ((), ()))
        self.assertEqual(report.version, "25.0")

    def test_the_schema_accepts_sex_and_unknown_blocks(self) -> None:
        document = etree.parse(str(data_file("ctf25_sex.xml")))
        self.assertTrue(ctf_schema().validate(document))

    def test_a_file_made_today_is_checked_against_the_real_clock(self) -> None:
        report = validate_ctf(io.BytesIO(make_ctf(make_pupil(DOB="2015-01-01"))))
        self.assertEqual(report.errors, ())


class HeaderRuleTests(TestCase):
    def assert_error(self, header: str, code: str, path: str) -> None:
        report = validate(make_ctf(header=header))
        self.assertEqual(codes(report.errors), [code])
        self.assertEqual(report.errors[0].path, path)
        self.assertIsNotNone(report.errors[0].line)

    def test_header_field_missing(self) -> None:
        self.assert_error(
            make_header(SupplierID=None),
            "header_field_missing",
            "/CTfile/Header/SupplierID",
        )
        self.assert_error(
            make_header(source={"AcademicYear": None}),
            "header_field_missing",
            "/CTfile/Header/SourceSchool/AcademicYear",
        )

    def test_header_document_name(self) -> None:
        self.assert_error(
            make_header(DocumentName="Admissions Data Transfer File"),
            "header_document_name",
            "/CTfile/Header/DocumentName",
        )

    def test_header_version_format(self) -> None:
        self.assert_error(
            make_header(CTFversion="25"),
            "header_version_format",
            "/CTfile/Header/CTFversion",
        )

    def test_header_version_implausible(self) -> None:
        for version in ("99.0", "08.0"):
            with self.subTest(version=version):
                self.assert_error(
                    make_header(CTFversion=version),
                    "header_version_implausible",
                    "/CTfile/Header/CTFversion",
                )

    def test_accepts_next_years_version_early(self) -> None:
        report = validate(make_ctf(header=make_header(CTFversion="26.0")))
        self.assertTrue(report.valid)

    def test_header_datetime_invalid(self) -> None:
        for value in ("2025-02-30T10:00:00", "12/09/2025 10:30", "2025-09-12"):
            with self.subTest(value=value):
                self.assert_error(
                    make_header(DateTime=value),
                    "header_datetime_invalid",
                    "/CTfile/Header/DateTime",
                )

    def test_header_datetime_future(self) -> None:
        report = validate(make_ctf(header=make_header(DateTime="2025-12-25T09:00:00")))
        self.assertTrue(report.valid)
        self.assertEqual(codes(report.warnings), ["header_datetime_future"])

    def test_header_qualifier_invalid(self) -> None:
        self.assert_error(
            make_header(DocumentQualifier="Full"),
            "header_qualifier_invalid",
            "/CTfile/Header/DocumentQualifier",
        )

    def test_header_academic_year_invalid(self) -> None:
        for year in ("25", "1999", "2030"):
            with self.subTest(year=year):
                self.assert_error(
                    make_header(source={"AcademicYear": year}),
                    "header_academic_year_invalid",
                    "/CTfile/Header/SourceSchool/AcademicYear",
                )

    def test_header_lea_invalid(self) -> None:
        self.assert_error(
            make_header(source={"LEA": "66"}),
            "header_lea_invalid",
            "/CTfile/Header/SourceSchool/LEA",
        )

    def test_header_estab_invalid(self) -> None:
        self.assert_error(
            make_header(dest={"Estab": "4OO2"}),
            "header_estab_invalid",
            "/CTfile/Header/DestSchool/Estab",
        )

    def test_header_school_inconsistent(self) -> None:
        self.assert_error(
            make_header(dest={"LEA": "XXX", "Estab": "4002"}),
            "header_school_inconsistent",
            "/CTfile/Header/DestSchool",
        )

    def test_accepts_every_documented_destination_form(self) -> None:
        for lea, estab in (
            ("661", "4002"),
            ("661", "LLLL"),
            ("XXX", "XXXX"),
            ("MMM", "MMMM"),
        ):
            with self.subTest(destination=lea + estab):
                header = make_header(dest={"LEA": lea, "Estab": estab, "URN": None})
                self.assertTrue(validate(make_ctf(header=header)).valid)

    def test_ctf_layout(self) -> None:
        header = make_header().replace(
            "<DateTime>2025-09-12T10:30:00</DateTime>\n<DocumentQualifier>full</DocumentQualifier>\n",
            "<DocumentQualifier>full</DocumentQualifier>\n<DateTime>2025-09-12T10:30:00</DateTime>\n",
        )
        report = validate(make_ctf(header=header))
        self.assertEqual(codes(report.errors), ["ctf_layout"])

    def test_ctf_value_invalid(self) -> None:
        self.assert_error(
            make_header(source={"URN": "12345"}),
            "ctf_value_invalid",
            "/CTfile/Header/SourceSchool/URN",
        )


class FileRuleTests(TestCase):
    def test_ctf_no_pupils(self) -> None:
        data = make_ctf().replace(make_pupil().encode(), b"")
        report = validate(data)
        self.assertEqual(codes(report.errors), ["ctf_no_pupils"])
        self.assertEqual(report.pupil_count, 0)

    def test_lost_pupil_file_not_one_pupil(self) -> None:
        header = make_header(dest={"LEA": "XXX", "Estab": "XXXX", "URN": "XXXXXX"})
        report = validate(make_ctf(make_pupil(1), make_pupil(2), header=header))
        self.assertEqual(codes(report.errors), ["lost_pupil_file_not_one_pupil"])
        self.assertTrue(validate(make_ctf(make_pupil(1), header=header)).valid)

    def test_upn_duplicate(self) -> None:
        report = validate(make_ctf(make_pupil(1), make_pupil(2), make_pupil(1)))
        self.assertEqual(codes(report.errors), ["upn_duplicate"])
        self.assertEqual(report.errors[0].path, "/CTfile/CTFpupilData/Pupil[3]/UPN")
        self.assertEqual(report.errors[0].params["first"], 1)

    def test_counts_pupils_and_keeps_their_summaries(self) -> None:
        report = validate(make_ctf(*(make_pupil(n) for n in range(1, 301))))
        self.assertEqual(report.pupil_count, 300)
        self.assertEqual(len(report.summaries), 300)
        self.assertEqual(report.summaries[299].upn, upn(300))


class PupilRuleTests(TestCase):
    def assert_problem(
        self, pupil: str, code: str, severity: Severity, path_end: str
    ) -> None:
        report = validate(make_ctf(pupil))
        problems = report.errors + report.warnings
        self.assertEqual(codes(problems), [code])
        self.assertEqual(problems[0].severity, severity)
        self.assertEqual(problems[0].path, "/CTfile/CTFpupilData/Pupil[1]/" + path_end)
        self.assertIsNotNone(problems[0].line)

    def test_pupil_field_missing(self) -> None:
        for field in ("UPN", "Surname", "Forename", "DOB", "Sex"):
            with self.subTest(field=field):
                self.assert_problem(
                    make_pupil(**{field: None}),
                    "pupil_field_missing",
                    Severity.ERROR,
                    field,
                )

    def test_an_empty_surname_counts_as_missing(self) -> None:
        self.assert_problem(
            make_pupil(Surname=""), "pupil_field_missing", Severity.ERROR, "Surname"
        )

    def test_pupil_dob_future(self) -> None:
        self.assert_problem(
            make_pupil(DOB="2026-01-01"), "pupil_dob_future", Severity.ERROR, "DOB"
        )

    def test_pupil_dob_implausible(self) -> None:
        for dob in ("1990-01-01", "2024-06-01"):
            with self.subTest(dob=dob):
                self.assert_problem(
                    make_pupil(DOB=dob),
                    "pupil_dob_implausible",
                    Severity.WARNING,
                    "DOB",
                )

    def test_pupil_sex_not_known(self) -> None:
        self.assert_problem(
            make_pupil(Sex="U"), "pupil_sex_not_known", Severity.WARNING, "Sex"
        )

    def test_accepts_gender_as_in_older_versions(self) -> None:
        pupil = make_pupil(Sex=None, Gender="M")
        self.assertTrue(validate(make_ctf(pupil)).valid)

    def test_date_invalid(self) -> None:
        self.assert_problem(
            make_pupil(DOB="2014-02-30"), "date_invalid", Severity.ERROR, "DOB"
        )
        entry = "<EntryDate>01/09/2020</EntryDate>"
        inner = f"<SchoolHistory><School>{entry}</School></SchoolHistory>"
        self.assert_problem(
            make_pupil(inner=inner),
            "date_invalid",
            Severity.ERROR,
            "SchoolHistory/School/EntryDate",
        )

    def test_yes_no_invalid(self) -> None:
        inner = "<BasicDetails><MedicalFlag>Y</MedicalFlag></BasicDetails>"
        self.assert_problem(
            make_pupil(inner=inner),
            "yes_no_invalid",
            Severity.ERROR,
            "BasicDetails/MedicalFlag",
        )

    def test_sex_invalid(self) -> None:
        self.assert_problem(make_pupil(Sex="f"), "sex_invalid", Severity.ERROR, "Sex")

    def test_identifier_invalid(self) -> None:
        self.assert_problem(
            make_pupil(UPN=upn(1).lower()), "identifier_invalid", Severity.ERROR, "UPN"
        )
        self.assert_problem(
            make_pupil(inner="<UCI>abc</UCI>"),
            "identifier_invalid",
            Severity.ERROR,
            "UCI",
        )

    def test_a_wrong_upn_check_letter_is_a_warning(self) -> None:
        wrong = ("A" if upn(1)[0] != "A" else "B") + upn(1)[1:]
        self.assert_problem(make_pupil(UPN=wrong), "upn_1510", Severity.WARNING, "UPN")

    def test_a_upn_of_the_wrong_length_is_an_error(self) -> None:
        self.assert_problem(
            make_pupil(UPN=upn(1)[:12]), "upn_length", Severity.ERROR, "UPN"
        )

    def test_a_wrong_former_upn_is_a_warning(self) -> None:
        wrong = ("A" if upn(2)[0] != "A" else "B") + upn(2)[1:]
        inner = f"<BasicDetails><FormerUPN>{wrong}</FormerUPN></BasicDetails>"
        self.assert_problem(
            make_pupil(inner=inner),
            "upn_1510",
            Severity.WARNING,
            "BasicDetails/FormerUPN",
        )

    def test_a_wrong_uln_check_digit_is_a_warning(self) -> None:
        inner = "<UniqueLearnerNumber>1000000044</UniqueLearnerNumber>"
        self.assert_problem(
            make_pupil(inner=inner),
            "uln_check_digit",
            Severity.WARNING,
            "UniqueLearnerNumber",
        )

    def test_the_placeholder_uln_is_a_warning(self) -> None:
        inner = "<UniqueLearnerNumber>9999999999</UniqueLearnerNumber>"
        self.assert_problem(
            make_pupil(inner=inner),
            "uln_temporary",
            Severity.WARNING,
            "UniqueLearnerNumber",
        )

    def test_supplier_blocks_are_never_checked(self) -> None:
        inner = (
            "<SuppInfo><SuppID>X</SuppID><DOB>not a date</DOB><UPN>?</UPN></SuppInfo>"
        )
        self.assertTrue(validate(make_ctf(make_pupil(inner=inner))).valid)

    def test_reports_the_position_of_the_pupil(self) -> None:
        report = validate(make_ctf(make_pupil(1), make_pupil(2, DOB="2014-13-01")))
        self.assertEqual(report.errors[0].path, "/CTfile/CTFpupilData/Pupil[2]/DOB")
        self.assertEqual(report.errors[0].params["value"], "2014-13-01")
