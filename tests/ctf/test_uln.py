from unittest import TestCase

from hypothesis import given
from hypothesis import strategies as st

from pontio.ctf.problems import CTFError, Severity
from pontio.ctf.uln import (
    is_temporary_uln,
    is_valid_uln,
    uln_check_digit,
    validate_uln,
)


def codes(value: str) -> list[str]:
    return [problem.code for problem in validate_uln(value)]


class ValidateUlnTests(TestCase):
    def test_matches_the_worked_examples(self) -> None:
        # Reference section 3: ESFA's own tests and the ULN of gryphon_y12.xml.
        cases = [
            ("1000000043", []),
            ("1000000063", ["uln_check_digit"]),
            ("2481081875", ["uln_check_digit"]),
        ]
        for uln, expected in cases:
            with self.subTest(uln=uln):
                self.assertEqual(codes(uln), expected)

    def test_says_what_the_last_digit_should_be(self) -> None:
        (problem,) = validate_uln("1000000044")
        self.assertEqual(problem.code, "uln_check_digit")
        self.assertEqual(problem.severity, Severity.ERROR)
        self.assertEqual(dict(problem.params), {"expected": "3", "found": "4"})
        self.assertIn("should be 3, not 4", problem.message)

    def test_explains_nine_digits_that_have_no_check_digit(self) -> None:
        (problem,) = validate_uln("2481081875")
        self.assertEqual(problem.code, "uln_check_digit")
        self.assertEqual(dict(problem.params), {})
        self.assertIn("no ULN can start with these nine digits", problem.message)

    def test_trims_white_space(self) -> None:
        self.assertEqual(codes(" 1000000043\n"), [])

    def test_refuses_anything_but_ten_ascii_digits(self) -> None:
        values = [
            "",
            "100000004",
            "10000000433",
            "1000 000043",
            "100000004A",
            "1000000-43",
            "10000000４3",  # noqa: RUF001 a full-width digit four
            "1000000043²",
            "+100000004",
        ]
        for value in values:
            with self.subTest(value=value):
                self.assertEqual(codes(value), ["uln_format"])
                self.assertFalse(is_valid_uln(value))

    def test_accepts_the_placeholder_uln_with_a_warning(self) -> None:
        (problem,) = validate_uln("9999999999")
        self.assertEqual(problem.code, "uln_temporary")
        self.assertEqual(problem.severity, Severity.WARNING)
        self.assertTrue(is_valid_uln("9999999999"))
        self.assertTrue(is_temporary_uln(" 9999999999 "))
        self.assertFalse(is_temporary_uln("1000000043"))

    def test_the_placeholder_fails_the_check_digit(self) -> None:
        # Accepting it is a deliberate exception, not a consequence of the formula.
        self.assertEqual(uln_check_digit("999999999"), "8")

    @given(st.text(max_size=14))
    def test_never_raises_on_any_text(self, value: str) -> None:
        validate_uln(value)

    @given(st.from_regex(r"\A[0-9]{9}\Z"))
    def test_a_computed_check_digit_makes_a_valid_uln(self, first_nine: str) -> None:
        try:
            digit = uln_check_digit(first_nine)
        except CTFError as error:
            self.assertEqual(error.code, "uln_no_check_digit")
            for last in "0123456789":
                self.assertFalse(is_valid_uln(first_nine + last))
        else:
            self.assertEqual(validate_uln(first_nine + digit), [])
            self.assertEqual(
                [d for d in "0123456789" if is_valid_uln(first_nine + d)], [digit]
            )


class UlnCheckDigitTests(TestCase):
    def test_computes_the_esfa_example(self) -> None:
        self.assertEqual(uln_check_digit("100000004"), "3")

    def test_refuses_digits_with_no_check_digit(self) -> None:
        with self.assertRaises(CTFError) as caught:
            uln_check_digit("100000006")
        self.assertEqual(caught.exception.code, "uln_no_check_digit")

    def test_refuses_anything_but_nine_digits(self) -> None:
        for value in ("", "10000000", "1000000043", "10000000A"):
            with self.subTest(value=value), self.assertRaises(CTFError) as caught:
                uln_check_digit(value)
            self.assertEqual(caught.exception.code, "uln_body_invalid")
