"""The toolkit's command line: ``pontio ctf ...`` and ``pontio upn ...``."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any
from unittest import TestCase

import pytest

from pontio.ctf.cli import main
from pontio.ctf.reader import read_ctf
from pontio.ctf.synthetic import fake_ctf
from pontio.ctf.writer import write_ctf
from tests.ctf.fixtures import REPO_DIR, reference_ctf

VALID_UPN = "H801200001001"
WRONG_CHECK_LETTER = "Z801200001001"
JSON_KEYS = {"file", "valid", "errors", "warnings", "pupil_count", "version"}


class CliTestCase(TestCase):
    @pytest.fixture(autouse=True)
    def _fixtures(self, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
        self.capsys = capsys
        self.tmp_path = tmp_path

    def run_cli(self, *argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        captured = self.capsys.readouterr()
        return code, captured.out, captured.err

    def a_file(self, content: bytes, name: str = "6612001_CTF_6614003_001.XML") -> str:
        path = self.tmp_path / name
        path.write_bytes(content)
        return str(path)

    def a_valid_ctf(self) -> str:
        # Dated today, so that the validator's clock finds nothing odd in it.
        document = fake_ctf(pupils=3, source="6612001", destination="6614003")
        output = write_ctf(document)
        assert output is not None
        return self.a_file(output)

    def assert_no_traceback(self, err: str) -> None:
        self.assertNotIn("Traceback", err)


class CtfValidateTests(CliTestCase):
    def test_a_valid_file_exits_0(self) -> None:
        code, out, _ = self.run_cli("ctf", "validate", self.a_valid_ctf())
        self.assertEqual(code, 0)
        self.assertIn("valid", out)

    def test_warnings_alone_still_exit_0(self) -> None:
        # gryphon_y7_partial.xml has a UPN with a wrong check letter: a warning.
        path = str(reference_ctf("gryphon_y7_partial.xml"))
        code, out, _ = self.run_cli("ctf", "validate", path, "--json")
        result = json.loads(out)
        self.assertEqual(code, 0)
        self.assertTrue(result["valid"])
        self.assertIn("upn_1510", [problem["code"] for problem in result["warnings"]])

    def test_a_file_with_errors_exits_1(self) -> None:
        path = self.a_file(b"<CTfile><Header></Header></CTfile>")
        code, out, err = self.run_cli("ctf", "validate", path)
        self.assertEqual(code, 1)
        self.assertIn("NOT valid", out)
        self.assert_no_traceback(err)

    def test_json_for_one_file_is_one_object_in_the_stable_shape(self) -> None:
        path = self.a_valid_ctf()
        code, out, _ = self.run_cli("ctf", "validate", path, "--json")
        result = json.loads(out)
        self.assertEqual(code, 0)
        self.assertEqual(set(result), JSON_KEYS)
        self.assertEqual(result["file"], path)
        self.assertEqual(result["pupil_count"], 3)
        self.assertEqual(result["version"], "25.0")

    def test_json_for_several_files_is_a_list_and_any_error_exits_1(self) -> None:
        good = self.a_valid_ctf()
        bad = self.a_file(b"not xml at all", name="broken.xml")
        code, out, _ = self.run_cli("ctf", "validate", good, bad, "--json")
        results = json.loads(out)
        self.assertEqual(code, 1)
        self.assertEqual([result["file"] for result in results], [good, bad])
        self.assertEqual([result["valid"] for result in results], [True, False])
        self.assertTrue(all(set(result) == JSON_KEYS for result in results))

    def test_hostile_xml_is_an_error_not_a_traceback(self) -> None:
        bomb = (
            b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><CTfile>&lol2;</CTfile>'
        )
        code, out, err = self.run_cli("ctf", "validate", self.a_file(bomb), "--json")
        self.assertEqual(code, 1)
        self.assertEqual(json.loads(out)["errors"][0]["code"], "ctf_doctype_forbidden")
        self.assert_no_traceback(err)

    def test_a_missing_file_is_reported_without_a_traceback(self) -> None:
        missing = str(self.tmp_path / "nowhere.xml")
        code, out, err = self.run_cli("ctf", "validate", missing, "--json")
        self.assertEqual(code, 1)
        self.assertEqual(json.loads(out)["errors"][0]["code"], "file_unreadable")
        self.assert_no_traceback(err)

    def test_no_file_is_a_usage_error(self) -> None:
        code, _, err = self.run_cli("ctf", "validate")
        self.assertEqual(code, 2)
        self.assertIn("usage", err)


class CtfInspectTests(CliTestCase):
    def test_shows_the_header_and_each_pupil(self) -> None:
        path = str(reference_ctf("gryphon_y7_2_students.xml"))
        code, out, _ = self.run_cli("ctf", "inspect", path)
        self.assertEqual(code, 0)
        self.assertIn("Stickland's CE VA Primary", out)
        self.assertIn("G335311012004", out)
        self.assertIn("U865346313703", out)

    def test_json_gives_the_header_by_element_and_pupil_summaries(self) -> None:
        path = str(reference_ctf("gryphon_y12.xml"))
        code, out, _ = self.run_cli("ctf", "inspect", path, "--json")
        result = json.loads(out)
        self.assertEqual(code, 0)
        self.assertEqual(result["header"]["CTFversion"], "19.0")
        self.assertEqual(result["header"]["SourceSchool"]["LEA"], "933")
        self.assertEqual(
            result["header"]["DestSchool"], {"LEA": "838", "Estab": "4512"}
        )
        [pupil] = result["pupils"]
        self.assertEqual(pupil["upn"], "Z801209809069")
        self.assertEqual(pupil["postcode"], "BA21 4PJ")

    def test_a_file_that_is_not_a_ctf_exits_1_with_a_message(self) -> None:
        path = self.a_file(b"PK\x03\x04 zipped", name="archive.xml")
        code, out, err = self.run_cli("ctf", "inspect", path)
        self.assertEqual(code, 1)
        self.assertEqual(out, "")
        self.assertIn("zip", err)
        self.assert_no_traceback(err)

    def test_a_missing_file_exits_1_with_a_message(self) -> None:
        code, _, err = self.run_cli("ctf", "inspect", str(self.tmp_path / "no.xml"))
        self.assertEqual(code, 1)
        self.assertIn("no.xml", err)
        self.assert_no_traceback(err)


class CtfFakeTests(CliTestCase):
    def fake(self, *extra: str) -> tuple[int, str, str]:
        return self.run_cli(
            "ctf",
            "fake",
            "--pupils",
            "4",
            "--from",
            "6612001",
            "--to",
            "6614003",
            *extra,
        )

    def test_writes_a_ctf_to_standard_output(self) -> None:
        code, out, _ = self.fake("--seed", "3")
        document = read_ctf(io.BytesIO(out.encode()))
        self.assertEqual(code, 0)
        self.assertEqual(len(document.pupils), 4)
        self.assertEqual(document.header.dest_school.estab, "4003")

    def test_the_same_seed_gives_the_same_file(self) -> None:
        self.assertEqual(self.fake("--seed", "3")[1], self.fake("--seed", "3")[1])

    def test_a_bad_destination_exits_1_with_a_message(self) -> None:
        code, out, err = self.run_cli(
            "ctf", "fake", "--pupils", "2", "--from", "6612001", "--to", "nowhere"
        )
        self.assertEqual(code, 1)
        self.assertEqual(out, "")
        self.assertIn("destination", err)
        self.assert_no_traceback(err)

    def test_a_pupil_count_that_is_not_a_number_is_a_usage_error(self) -> None:
        code, _, err = self.run_cli(
            "ctf", "fake", "--pupils", "many", "--from", "6612001", "--to", "6614003"
        )
        self.assertEqual(code, 2)
        self.assertIn("many", err)


class UpnCheckTests(CliTestCase):
    def test_prints_valid_for_a_valid_upn(self) -> None:
        code, out, _ = self.run_cli("upn", "check", VALID_UPN)
        self.assertEqual(code, 0)
        self.assertEqual(out, f"{VALID_UPN}: valid\n")

    def test_names_the_dfe_rule_an_invalid_upn_breaks(self) -> None:
        code, out, _ = self.run_cli("upn", "check", VALID_UPN, WRONG_CHECK_LETTER)
        lines = out.splitlines()
        self.assertEqual(code, 1)
        self.assertEqual(len(lines), 2)
        self.assertTrue(lines[1].startswith(f"{WRONG_CHECK_LETTER}: invalid"))
        self.assertIn("upn_1510", lines[1])

    def test_a_hostile_upn_gets_one_line_and_no_traceback(self) -> None:
        code, out, err = self.run_cli("upn", "check", "\u202e💥" * 50)
        self.assertEqual(code, 1)
        self.assertEqual(len(out.splitlines()), 1)
        self.assertIn("upn_length", out)
        self.assert_no_traceback(err)


class UpnNewTests(CliTestCase):
    def test_makes_the_dfe_example_upn(self) -> None:
        code, out, _ = self.run_cli(
            "upn",
            "new",
            "--la",
            "801",
            "--estab",
            "2000",
            "--year",
            "1",
            "--serial",
            "1",
        )
        self.assertEqual((code, out), (0, f"{VALID_UPN}\n"))

    def test_makes_a_temporary_upn(self) -> None:
        code, out, _ = self.run_cli(
            "upn",
            # Serial 23 is "01A", the DfE guidance example of a temporary UPN.
            *("new", "--la", "801", "--estab", "2000", "--year", "1", "--serial", "23"),
            "--temporary",
        )
        self.assertEqual((code, out), (0, "G80120000101A\n"))

    def test_an_unknown_la_exits_1_with_a_message(self) -> None:
        code, out, err = self.run_cli(
            "upn",
            "new",
            "--la",
            "999",
            "--estab",
            "2000",
            "--year",
            "1",
            "--serial",
            "1",
        )
        self.assertEqual((code, out), (1, ""))
        self.assertIn("999", err)
        self.assert_no_traceback(err)

    def test_a_missing_option_is_a_usage_error(self) -> None:
        code, _, err = self.run_cli("upn", "new", "--la", "801")
        self.assertEqual(code, 2)
        self.assertIn("--estab", err)


class UsageTests(CliTestCase):
    def test_no_command_is_a_usage_error(self) -> None:
        for argv in ([], ["ctf"], ["upn"], ["nonsense"]):
            with self.subTest(argv):
                code, _, err = self.run_cli(*argv)
                self.assertEqual(code, 2)
                self.assertIn("usage", err)

    def test_help_exits_0(self) -> None:
        code, out, _ = self.run_cli("ctf", "--help")
        self.assertEqual(code, 0)
        self.assertIn("validate", out)


class ModuleTests(TestCase):
    def test_runs_as_a_module_in_its_own_process(self) -> None:
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "pontio.ctf.cli",
                "upn",
                "check",
                WRONG_CHECK_LETTER,
            ],
            capture_output=True,
            text=True,
            cwd=REPO_DIR,
            check=False,
            timeout=60,
        )
        self.assertEqual(result.returncode, 1)
        self.assertIn("upn_1510", result.stdout)

    def test_fake_writes_bytes_that_read_back_in_its_own_process(self) -> None:
        result = subprocess.run(
            [
                *(sys.executable, "-m", "pontio.ctf.cli", "ctf", "fake"),
                *(
                    "--pupils",
                    "2",
                    "--from",
                    "6612001",
                    "--to",
                    "6614003",
                    "--seed",
                    "1",
                ),
            ],
            capture_output=True,
            cwd=REPO_DIR,
            check=True,
            timeout=60,
        )
        document: Any = read_ctf(io.BytesIO(result.stdout))
        self.assertEqual(len(document.pupils), 2)
