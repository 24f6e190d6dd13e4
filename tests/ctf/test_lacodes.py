from unittest import TestCase

from pontio.ctf.lacodes import LaCode, all_la_codes, get_la_code, is_valid_la_code


class LaCodesTests(TestCase):
    def test_loads_every_row_of_the_packaged_table(self) -> None:
        codes = all_la_codes()
        self.assertEqual(len(codes), 195)
        self.assertEqual(len({la.code for la in codes}), 195)

    def test_every_code_is_three_ascii_digits(self) -> None:
        for la in all_la_codes():
            with self.subTest(code=la.code):
                self.assertRegex(la.code, r"\A[0-9]{3}\Z")

    def test_knows_the_twenty_two_welsh_authorities(self) -> None:
        welsh = [la for la in all_la_codes() if la.nation == "Wales"]
        self.assertEqual(len(welsh), 22)
        self.assertEqual(
            get_la_code("681"), LaCode("681", "Cardiff", "Wales", "current")
        )
        self.assertEqual(get_la_code("660"), welsh[0])

    def test_keeps_superseded_numbers_valid_because_upns_are_permanent(self) -> None:
        for code in ("909", "928", "835", "836", "837"):
            with self.subTest(code=code):
                self.assertEqual(
                    getattr(get_la_code(code), "status", None), "superseded"
                )

    def test_includes_the_numbers_added_after_the_rule_1530_list(self) -> None:
        self.assertEqual(
            get_la_code("942"), LaCode("942", "Cumberland", "England", "current")
        )
        self.assertTrue(is_valid_la_code("943"))

    def test_accepts_pseudo_and_legacy_numbers_from_rule_1530(self) -> None:
        for code in ("001", "005", "701", "703", "708", "820", "875"):
            with self.subTest(code=code):
                self.assertTrue(is_valid_la_code(code))

    def test_reads_names_containing_commas(self) -> None:
        self.assertEqual(
            getattr(get_la_code("839"), "name", None),
            "Bournemouth, Christchurch and Poole",
        )

    def test_refuses_numbers_that_are_not_in_the_table(self) -> None:
        for code in (
            "000",
            "006",
            "999",
            "682",
            "81",
            "8010",
            " 801",
            "801 ",
            "",
            "٨٠١",
        ):
            with self.subTest(code=code):
                self.assertFalse(is_valid_la_code(code))
                self.assertIsNone(get_la_code(code))

    def test_returns_the_same_table_each_time(self) -> None:
        self.assertIs(all_la_codes(), all_la_codes())
