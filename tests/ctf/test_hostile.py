"""Files crafted to attack or crash the reader are refused cleanly."""

from __future__ import annotations

import io
from unittest import TestCase

from pontio.ctf.problems import CTFError
from pontio.ctf.reader import read_ctf
from pontio.ctf.validator import validate_ctf
from tests.ctf.fixtures import data_file, make_ctf

HOSTILE_FILES = {
    "billion_laughs.xml": "ctf_doctype_forbidden",
    "xxe_file.xml": "ctf_doctype_forbidden",
    "xxe_http.xml": "ctf_doctype_forbidden",
    "wrong_root.xml": "ctf_wrong_root",
    "no_header.xml": "ctf_missing_header",
    "doctype_after_long_comment.xml": "ctf_not_xml",
}


class HostileFileTests(TestCase):
    def test_refuses_each_hostile_file_with_its_own_code(self) -> None:
        for name, code in HOSTILE_FILES.items():
            with self.subTest(name=name), self.assertRaises(CTFError) as caught:
                read_ctf(data_file(name))
            self.assertEqual(caught.exception.code, code)

    def test_validation_reports_hostile_files_as_errors_without_raising(self) -> None:
        for name, code in HOSTILE_FILES.items():
            with self.subTest(name=name):
                report = validate_ctf(data_file(name))
                self.assertFalse(report.valid)
                self.assertEqual([p.code for p in report.errors], [code])
                self.assertEqual(report.pupil_count, 0)

    def test_never_expands_the_billion_laughs(self) -> None:
        with self.assertRaises(CTFError) as caught:
            read_ctf(data_file("billion_laughs.xml"))
        self.assertNotIn("lol", caught.exception.message)
        self.assertEqual(caught.exception.line, 2)

    def test_never_reads_a_local_file_named_by_an_entity(self) -> None:
        with self.assertRaises(CTFError) as caught:
            read_ctf(data_file("xxe_file.xml"))
        self.assertNotIn("root:", str(caught.exception))

    def test_refuses_a_doctype_even_without_entities(self) -> None:
        data = make_ctf().replace(
            b"<CTfile>", b'<!DOCTYPE CTfile SYSTEM "ctf.dtd">\n<CTfile>'
        )
        with self.assertRaises(CTFError) as caught:
            read_ctf(io.BytesIO(data))
        self.assertEqual(caught.exception.code, "ctf_doctype_forbidden")

    def test_refuses_an_undeclared_entity(self) -> None:
        data = make_ctf().replace(b"Jones", b"&secret;", 1)
        with self.assertRaises(CTFError) as caught:
            read_ctf(io.BytesIO(data))
        self.assertEqual(caught.exception.code, "ctf_not_xml")
        self.assertEqual(caught.exception.line, 25)

    def test_refuses_absurdly_deep_nesting(self) -> None:
        deep = b"<a>" * 5000 + b"</a>" * 5000
        data = make_ctf().replace(b"</Pupil>", deep + b"</Pupil>")
        with self.assertRaises(CTFError) as caught:
            read_ctf(io.BytesIO(data))
        self.assertEqual(caught.exception.code, "ctf_not_xml")

    def test_refuses_a_file_cut_short(self) -> None:
        data = make_ctf()[:-30]
        report = validate_ctf(io.BytesIO(data))
        self.assertEqual([p.code for p in report.errors], ["ctf_truncated"])

    def test_refuses_random_binary_data(self) -> None:
        noise = bytes(range(256)) * 64
        report = validate_ctf(io.BytesIO(noise))
        self.assertEqual([p.code for p in report.errors], ["ctf_binary"])

    def test_refuses_an_empty_file(self) -> None:
        report = validate_ctf(io.BytesIO(b""))
        self.assertEqual([p.code for p in report.errors], ["ctf_empty"])
