from typing import Any
from unittest import TestCase

from hypothesis import given
from hypothesis import strategies as st

from pontio.ctf.lacodes import all_la_codes
from pontio.ctf.problems import CTFError, Severity
from pontio.ctf.upn import (
    ALPHABET,
    MAX_TEMPORARY_SERIAL,
    check_letter,
    is_temporary_upn,
    is_valid_upn,
    make_temporary_upn,
    make_upn,
    validate_upn,
)

# The worked examples of the reference (ctf_upn.md section 2.3): UPN, correct letter.
WORKED_EXAMPLES = [
    ("H801200001001", "H"),  # DfE guidance example
    ("Z801200001001", "H"),  # same body, wrong letter
    ("G80120000101A", "G"),  # DfE temporary example
    ("R201100018042", "R"),
    ("T20110001804V", "T"),  # temporary: V is worth 18
    ("B801200005001", "B"),
    ("A801200005001", "B"),
    ("G801200001010", "G"),
    ("W351201321005", "Y"),
    ("B207000016049", "P"),  # help pages print Q from a mis-added sum
]

# The identifiers of the sample CTFs (reference/ctf/SOURCE.md): UPN, correct letter.
SAMPLE_FILE_UPNS = [
    ("Z801209809069", "Z"),
    ("G335311012004", "G"),
    ("U865346313703", "R"),
    ("M86534630235G", "F"),  # a FormerUPN in temporary form
    ("J933207636549", "T"),
    ("C706200819999", "G"),
]


def codes(value: str, field: str = "UPN") -> list[str]:
    return [problem.code for problem in validate_upn(value, field=field)]


class CheckLetterTests(TestCase):
    def test_computes_the_letter_of_every_worked_example(self) -> None:
        for upn, letter in WORKED_EXAMPLES + SAMPLE_FILE_UPNS:
            with self.subTest(upn=upn):
                self.assertEqual(check_letter(upn[1:]), letter)

    def test_refuses_a_body_it_cannot_compute(self) -> None:
        bodies = [
            "",
            "80120000100",  # 11 characters
            "8012000010011",  # 13 characters
            "80120000100I",  # I is not in the alphabet
            "80120000100O",
            "80120000100S",
            "8012000010A1",  # letter before the last place
            "8O1200001001",
            "80120000100²",  # a digit to str.isdigit(), not to the DfE
            "\u0668\u0660\u0661200001001",  # Arabic-Indic digits 801
            "80120000100-",
        ]
        for body in bodies:
            with self.subTest(body=body), self.assertRaises(CTFError) as caught:
                check_letter(body)
            self.assertEqual(caught.exception.code, "upn_body_invalid")

    def test_upper_cases_a_temporary_letter(self) -> None:
        self.assertEqual(check_letter("20110001804v"), "T")


class ValidateUpnTests(TestCase):
    def test_matches_every_worked_example_and_sample_file(self) -> None:
        for upn, letter in WORKED_EXAMPLES + SAMPLE_FILE_UPNS:
            with self.subTest(upn=upn):
                expected = [] if upn[0] == letter else ["upn_1510"]
                self.assertEqual(codes(upn), expected)

    def test_says_what_the_check_letter_should_be(self) -> None:
        (problem,) = validate_upn("B207000016049")
        self.assertEqual(problem.severity, Severity.ERROR)
        self.assertEqual(problem.params["expected"], "P")
        self.assertEqual(problem.params["found"], "B")
        self.assertIn("should be P, not B", problem.message)

    def test_names_the_field_in_the_message(self) -> None:
        (problem,) = validate_upn("M86534630235G", field="FormerUPN")
        self.assertEqual(problem.params["field"], "FormerUPN")
        self.assertIn("FormerUPN", problem.message)

    def test_trims_and_upper_cases_before_checking(self) -> None:
        for value in (" H801200001001 ", "h801200001001", "\tt20110001804v\n"):
            with self.subTest(value=value):
                self.assertEqual(codes(value), [])

    def test_reports_only_the_length_when_it_is_not_13_characters(self) -> None:
        for value in ("", "   ", "H80120000100", "H8012000010011", "H801 200001001"):
            with self.subTest(value=value):
                problems = validate_upn(value)
                self.assertEqual([p.code for p in problems], ["upn_length"])
                self.assertEqual(problems[0].params["length"], len(value.strip()))

    def test_does_not_let_unicode_case_mapping_change_the_length(self) -> None:
        # "ß".upper() is "SS": a 12-character value must not become 13.
        self.assertEqual(codes("H80120000100ß"), ["upn_1550"])
        self.assertEqual(codes("H8012000010ß"), ["upn_length"])

    def test_reports_an_unknown_la_number_as_rule_1530(self) -> None:
        # Check letters computed for these bodies, so only the LA is wrong.
        for body in ("000200001001", "999200001001", "682200001001"):
            upn = check_letter(body) + body
            with self.subTest(upn=upn):
                self.assertEqual(codes(upn), ["upn_1530"])

    def test_reports_letters_in_characters_5_to_12_as_rule_1540(self) -> None:
        self.assertEqual(codes("H8012000A1001"), ["upn_1540"])
        self.assertEqual(codes("H801 20000100"), ["upn_1540"])

    def test_reports_a_bad_last_character_as_rule_1550(self) -> None:
        for last in "IOS-*²":
            upn = "G8012000010" + "1" + last
            with self.subTest(last=last):
                self.assertIn("upn_1550", codes(upn))

    def test_reports_every_rule_broken_at_once(self) -> None:
        self.assertEqual(codes("AXYZ12AB3456I"), ["upn_1530", "upn_1540", "upn_1550"])
        self.assertEqual(codes("Z000200001001"), ["upn_1510", "upn_1530"])

    def test_accepts_a_welsh_upn(self) -> None:
        upn = make_upn(la="681", estab="2003", year=24, serial=17)
        self.assertEqual(upn[1:], "681200324017")
        self.assertTrue(is_valid_upn(upn))

    def test_every_problem_renders_without_a_missing_placeholder(self) -> None:
        for value in ("", "Z801200001001", "AXYZ12AB3456I", "Z000200001001"):
            for problem in validate_upn(value):
                with self.subTest(value=value, code=problem.code):
                    self.assertNotIn("%(", problem.message)
                    rendered = problem.render(lambda template: f"[{template}]")
                    self.assertEqual(rendered, f"[{problem.message}]")

    @given(st.text(max_size=20))
    def test_never_raises_on_any_text(self, value: str) -> None:
        problems = validate_upn(value)
        self.assertEqual(is_valid_upn(value), not problems)


class TemporaryUpnTests(TestCase):
    def test_recognises_temporary_upns(self) -> None:
        self.assertTrue(is_temporary_upn("G80120000101A"))
        self.assertTrue(is_temporary_upn("t20110001804v"))
        self.assertFalse(is_temporary_upn("H801200001001"))

    def test_an_invalid_upn_is_not_temporary(self) -> None:
        self.assertFalse(is_temporary_upn("M86534630235G"))
        self.assertFalse(is_temporary_upn("X80120000101I"))


class MakeUpnTests(TestCase):
    def test_rebuilds_the_dfe_examples(self) -> None:
        self.assertEqual(
            make_upn(la="801", estab="2000", year=1, serial=1), "H801200001001"
        )
        self.assertEqual(
            make_upn(la="201", estab="1000", year=18, serial=42), "R201100018042"
        )
        self.assertEqual(
            make_temporary_upn(la="801", estab="2000", year=1, serial=23),
            "G80120000101A",
        )
        self.assertEqual(
            make_temporary_upn(la="201", estab="1000", year=18, serial=4 * 23 + 18),
            "T20110001804V",
        )

    def test_maps_temporary_serials_in_order(self) -> None:
        cases = [(0, "00A"), (1, "00B"), (22, "00Z"), (23, "01A"), (2299, "99Z")]
        for serial, ending in cases:
            with self.subTest(serial=serial):
                upn = make_temporary_upn(la="681", estab="2003", year=5, serial=serial)
                self.assertEqual(upn[-3:], ending)

    def test_every_temporary_serial_gives_a_distinct_valid_upn(self) -> None:
        upns = {
            make_temporary_upn(la="681", estab="2003", year=5, serial=serial)
            for serial in range(MAX_TEMPORARY_SERIAL + 1)
        }
        self.assertEqual(len(upns), 2300)
        self.assertTrue(all(is_temporary_upn(upn) for upn in upns))
        self.assertEqual({upn[-1] for upn in upns}, set(ALPHABET))

    def test_every_la_number_gives_a_valid_upn(self) -> None:
        for la in all_la_codes():
            with self.subTest(la=la.code):
                self.assertTrue(
                    is_valid_upn(make_upn(la=la.code, estab="0000", year=0, serial=0))
                )

    def test_refuses_values_out_of_range(self) -> None:
        cases: list[tuple[dict[str, Any], str]] = [
            ({"la": "000"}, "upn_la_unknown"),
            ({"la": "68"}, "upn_la_unknown"),
            ({"la": " 681"}, "upn_la_unknown"),
            ({"estab": "203"}, "upn_estab_invalid"),
            ({"estab": "20034"}, "upn_estab_invalid"),
            ({"estab": "20A3"}, "upn_estab_invalid"),
            (
                {"estab": "\uff12\uff10\uff10\uff13"},
                "upn_estab_invalid",
            ),  # full-width 2003
            ({"year": -1}, "upn_year_invalid"),
            ({"year": 100}, "upn_year_invalid"),
            ({"year": 2024}, "upn_year_invalid"),
            ({"year": True}, "upn_year_invalid"),
            ({"serial": -1}, "upn_serial_invalid"),
            ({"serial": 1000}, "upn_serial_invalid"),
        ]
        for change, code in cases:
            arguments: dict[str, Any] = {
                "la": "681",
                "estab": "2003",
                "year": 24,
                "serial": 1,
            }
            arguments.update(change)
            with self.subTest(change=change), self.assertRaises(CTFError) as caught:
                make_upn(**arguments)
            self.assertEqual(caught.exception.code, code)

    def test_refuses_a_temporary_serial_beyond_99z(self) -> None:
        for serial in (-1, MAX_TEMPORARY_SERIAL + 1):
            with self.subTest(serial=serial), self.assertRaises(CTFError) as caught:
                make_temporary_upn(la="681", estab="2003", year=24, serial=serial)
            self.assertEqual(caught.exception.code, "upn_serial_invalid")

    @given(
        la=st.sampled_from([la.code for la in all_la_codes()]),
        estab=st.from_regex(r"\A[0-9]{4}\Z"),
        year=st.integers(0, 99),
        serial=st.integers(0, 999),
    )
    def test_made_upns_are_valid(
        self, la: str, estab: str, year: int, serial: int
    ) -> None:
        upn = make_upn(la=la, estab=estab, year=year, serial=serial)
        self.assertEqual(validate_upn(upn), [])
        self.assertFalse(is_temporary_upn(upn))
        temporary = make_temporary_upn(la=la, estab=estab, year=year, serial=serial)
        self.assertTrue(is_temporary_upn(temporary))
