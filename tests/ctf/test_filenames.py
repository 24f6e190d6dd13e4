from unittest import TestCase

from hypothesis import given
from hypothesis import strategies as st

from pontio.ctf.filenames import (
    MAX_LABEL_LENGTH,
    Endpoint,
    EndpointKind,
    FileKind,
    Mailbox,
    S2SFileName,
    basename,
    build_ctf_filename,
    build_generic_filename,
    label_problems,
    parse_endpoint,
    parse_establishment,
    parse_filename,
)
from pontio.ctf.problems import CTFError

SCHOOL_111 = Endpoint(EndpointKind.SCHOOL, "111", "2222")
SCHOOL_333 = Endpoint(EndpointKind.SCHOOL, "333", "4444")
LA_333 = Endpoint(EndpointKind.LA, "333", None, Mailbox.GENERAL)
LOST_UNKNOWN = Endpoint(EndpointKind.LOST_UNKNOWN, None, None)
LOST_OUTSIDE = Endpoint(EndpointKind.LOST_OUTSIDE, None, None)


def problem_codes(name: str) -> list[str]:
    try:
        parse_filename(name)
    except CTFError as error:
        return [problem.code for problem in error.problems]
    return []


class EstablishmentTests(TestCase):
    def test_splits_an_establishment_number(self) -> None:
        self.assertEqual(parse_establishment("6812003"), ("681", "2003"))

    def test_refuses_anything_but_seven_ascii_digits(self) -> None:
        values = [
            "",
            "681200",
            "68120031",
            "681/2003",
            " 6812003",
            "681LLLL",
            "\uff16\uff18\uff11" + "2003",  # full-width 681
        ]
        for value in values:
            with self.subTest(value=value), self.assertRaises(CTFError) as caught:
                parse_establishment(value)
            self.assertEqual(caught.exception.code, "establishment_invalid")


class EndpointTests(TestCase):
    def test_parses_every_kind_of_code(self) -> None:
        cases = [
            ("6812003", Endpoint(EndpointKind.SCHOOL, "681", "2003")),
            ("681LLLL", Endpoint(EndpointKind.LA, "681", None, Mailbox.GENERAL)),
            ("681PLAS", Endpoint(EndpointKind.LA, "681", None, Mailbox.PLASC)),
            ("681ADMS", Endpoint(EndpointKind.LA, "681", None, Mailbox.ADMISSIONS)),
            ("681llll", Endpoint(EndpointKind.LA, "681", None, Mailbox.GENERAL)),
            ("XXXXXXX", LOST_UNKNOWN),
            ("mmmmmmm", LOST_OUTSIDE),
        ]
        for token, expected in cases:
            with self.subTest(token=token):
                endpoint = parse_endpoint(token)
                self.assertEqual(endpoint, expected)
                self.assertEqual(endpoint.code, token.upper())
                self.assertEqual(str(endpoint), token.upper())

    def test_only_a_school_has_an_establishment_number(self) -> None:
        self.assertEqual(parse_endpoint("6812003").estab, "6812003")
        for token in ("681LLLL", "XXXXXXX", "MMMMMMM"):
            with self.subTest(token=token):
                self.assertIsNone(parse_endpoint(token).estab)

    def test_builds_schools_and_la_mailboxes(self) -> None:
        self.assertEqual(Endpoint.for_school("6812003"), parse_endpoint("6812003"))
        self.assertEqual(Endpoint.for_la("681").code, "681LLLL")
        self.assertEqual(Endpoint.for_la("681", Mailbox.ADMISSIONS).code, "681ADMS")
        self.assertEqual(Endpoint.lost_unknown(), LOST_UNKNOWN)
        self.assertEqual(Endpoint.lost_outside(), LOST_OUTSIDE)

    def test_refuses_codes_that_stand_for_nothing(self) -> None:
        cases = [
            ("681200", "endpoint_length"),
            ("68120031", "endpoint_length"),
            ("", "endpoint_length"),
            ("681XXXX", "endpoint_invalid"),
            ("68A2003", "endpoint_invalid"),
            ("XXXLLLL", "endpoint_invalid"),
            ("XXXXXXM", "endpoint_invalid"),
            ("681LLLl ", "endpoint_length"),
        ]
        for token, code in cases:
            with self.subTest(token=token), self.assertRaises(CTFError) as caught:
                parse_endpoint(token)
            self.assertEqual(caught.exception.code, code)

    def test_refuses_inconsistent_fields(self) -> None:
        cases = [
            (EndpointKind.SCHOOL, "681", None, None),
            (EndpointKind.SCHOOL, "681", "2003", Mailbox.GENERAL),
            (EndpointKind.SCHOOL, "68", "2003", None),
            (EndpointKind.LA, "681", None, None),
            (EndpointKind.LA, "681", "2003", Mailbox.GENERAL),
            (EndpointKind.LOST_UNKNOWN, "681", None, None),
        ]
        for fields in cases:
            with self.subTest(fields=fields), self.assertRaises(CTFError) as caught:
                Endpoint(*fields)
            self.assertEqual(caught.exception.code, "endpoint_invalid")

    def test_refuses_an_la_number_that_is_not_three_digits(self) -> None:
        for la in ("68", "6810", "XXX", ""):
            with self.subTest(la=la), self.assertRaises(CTFError) as caught:
                Endpoint.for_la(la)
            self.assertEqual(caught.exception.code, "la_invalid")


class ParseFilenameTests(TestCase):
    def test_reads_every_ctf_form_of_appendix_2(self) -> None:
        cases = [
            ("1112222_CTF_3334444_001.XML", SCHOOL_111, SCHOOL_333, 1),
            ("1112222_CTF_MMMMMMM_002.XML", SCHOOL_111, LOST_OUTSIDE, 2),
            ("1112222_CTF_XXXXXXX_010.XML", SCHOOL_111, LOST_UNKNOWN, 10),
            ("1112222_CTF_333LLLL_999.XML", SCHOOL_111, LA_333, 999),
            ("333LLLL_CTF1112222_001.XML", LA_333, SCHOOL_111, 1),
            ("333LLLL_CTF_1112222_001.XML", LA_333, SCHOOL_111, 1),
        ]
        for name, source, destination, sequence in cases:
            with self.subTest(name=name):
                expected = S2SFileName(
                    FileKind.CTF, source, destination, sequence, None, ".XML"
                )
                self.assertEqual(parse_filename(name), expected)

    def test_reads_the_reference_examples(self) -> None:
        cases = [
            ("8201234_CTF_8205678_001.XML", "8201234", "8205678"),
            ("8231234_CTF_XXXXXXX_001.XML", "8231234", "XXXXXXX"),
            ("8231234_CTF_MMMMMMM_001.XML", "8231234", "MMMMMMM"),
            ("8231234_CTF_823LLLL_001.XML", "8231234", "823LLLL"),
            ("820LLLL_CTF_8201234_001.xml", "820LLLL", "8201234"),
        ]
        for name, source, destination in cases:
            with self.subTest(name=name):
                parsed = parse_filename(name)
                self.assertEqual(parsed.source.code, source)
                self.assertEqual(parsed.destination.code, destination)

    def test_reads_every_generic_form_of_appendix_2(self) -> None:
        school_1113 = Endpoint(EndpointKind.SCHOOL, "111", "3333")
        school_2224 = Endpoint(EndpointKind.SCHOOL, "222", "4444")
        la_222 = Endpoint(EndpointKind.LA, "222", None, Mailbox.GENERAL)
        cases = [
            ("1113333_2224444_FFT15.ZIP", school_1113, school_2224),
            ("1113333_222LLLL_FFT15.ZIP", school_1113, la_222),
            ("222LLLL_1113333_FFT15.ZIP", la_222, school_1113),
        ]
        for name, source, destination in cases:
            with self.subTest(name=name):
                expected = S2SFileName(
                    FileKind.GENERIC, source, destination, None, "FFT15", ".ZIP"
                )
                self.assertEqual(parse_filename(name), expected)

    def test_reads_the_generic_files_listed_in_the_s2s_guide(self) -> None:
        names = [
            "1119876_111LLLL_Nightingale.zip",
            "1119876_111LLLL_llanj.zip",
            "1119877_111LLLL_test.zip",
            "1119878_111LLLL_Carys.zip",
            "1119877_111LLLL_marie.zip",
            "1119876_111LLLL_pennytest.zip",
            "1119880_111LLLL_Anne.zip",
        ]
        for name in names:
            with self.subTest(name=name):
                parsed = parse_filename(name)
                self.assertEqual(parsed.kind, FileKind.GENERIC)
                self.assertEqual(parsed.destination.code, "111LLLL")
                self.assertEqual(parsed.label, name[16:-4])
                self.assertEqual(parsed.extension, ".zip")

    def test_accepts_the_plasc_and_admissions_mailboxes(self) -> None:
        cases = [
            ("333PLAS_CTF_1112222_001.XML", "source", Mailbox.PLASC),
            ("1112222_CTF_333ADMS_001.XML", "destination", Mailbox.ADMISSIONS),
            ("333ADMS_1113333_Offers.zip", "source", Mailbox.ADMISSIONS),
            ("1113333_333PLAS_Census.zip", "destination", Mailbox.PLASC),
        ]
        for name, end, mailbox in cases:
            with self.subTest(name=name):
                endpoint = getattr(parse_filename(name), end)
                self.assertEqual(endpoint.kind, EndpointKind.LA)
                self.assertEqual(endpoint.mailbox, mailbox)

    def test_ignores_letter_case_and_keeps_the_extension_as_given(self) -> None:
        cases = [
            ("1112222_ctf_333llll_001.xml", ".xml"),
            ("333Llll_Ctf1112222_001.Xml", ".Xml"),
            ("1112222_CTF_xxxxxxx_001.XML", ".XML"),
            ("1113333_2224444_x.Zip", ".Zip"),
        ]
        for name, extension in cases:
            with self.subTest(name=name):
                parsed = parse_filename(name)
                self.assertEqual(parsed.extension, extension)
                self.assertEqual(parsed.source.code, name[:7].upper())

    def test_allows_underscores_and_hyphens_in_a_description(self) -> None:
        self.assertEqual(
            parse_filename("1113333_2224444_Year_6-results.zip").label,
            "Year_6-results",
        )
        self.assertEqual(parse_filename("1113333_2224444_CTF.zip").label, "CTF")

    def test_knows_which_files_go_to_the_lost_pupils_database(self) -> None:
        cases = [
            ("1112222_CTF_XXXXXXX_001.XML", True),
            ("1112222_CTF_MMMMMMM_001.XML", True),
            ("1112222_CTF_3334444_001.XML", False),
            ("1112222_CTF_333LLLL_001.XML", False),
            ("1113333_2224444_a.zip", False),
        ]
        for name, lost in cases:
            with self.subTest(name=name):
                self.assertIs(parse_filename(name).is_lost_pupil, lost)


class FilenameProblemTests(TestCase):
    def test_reports_each_problem_with_its_own_code(self) -> None:
        cases = [
            ("", ["filename_empty"]),
            ("   ", ["filename_empty"]),
            ("1" * 256, ["filename_too_long"]),
            ("C:\\fakepath\\1112222_CTF_3334444_001.XML", ["filename_path"]),
            ("a/1112222_CTF_3334444_001.XML", ["filename_path"]),
            ("../1112222_CTF_3334444_001.XML", ["filename_path"]),
            ("pupils.xml", ["filename_not_s2s_form"]),
            ("notes_final.docx", ["filename_not_s2s_form"]),
            ("1112222-CTF-3334444-001.XML", ["filename_not_s2s_form"]),
            ("1112222_CTF_3334444_001.zip", ["filename_ctf_extension"]),
            ("1112222_CTF_3334444_001", ["filename_ctf_extension"]),
            ("1112222_CTF_3334444_001.XML.gpg", ["filename_ctf_extension"]),
            ("1112222_CTF_3334444_001_2.XML", ["filename_ctf_parts"]),
            ("1112222_CTF.XML", ["filename_ctf_parts"]),
            ("1112222_CTF3334444_001.XML", ["filename_ctf_separator"]),
            ("111222_CTF_3334444_001.XML", ["filename_source_length"]),
            ("111222A_CTF_3334444_001.XML", ["filename_source_invalid"]),
            ("XXXXXXX_CTF_3334444_001.XML", ["filename_source_lost"]),
            ("MMMMMMM_1113333_a.zip", ["filename_source_lost"]),
            ("1112222_CTF_33344445_001.XML", ["filename_destination_length"]),
            ("1112222_CTF_333XXXX_001.XML", ["filename_destination_invalid"]),
            ("1112222_CTF_3334444_01.XML", ["filename_sequence"]),
            ("1112222_CTF_3334444_0001.XML", ["filename_sequence"]),
            ("1112222_CTF_3334444_abc.XML", ["filename_sequence"]),
            ("1112222_CTF_3334444.XML", ["filename_sequence"]),
            ("1113333_2224444_a.xml", ["filename_ctf_marker"]),
            ("1113333_2224444_a.xls", ["filename_extension"]),
            ("1113333_2224444_a", ["filename_extension"]),
            ("1113333_XXXXXXX_a.zip", ["filename_generic_lost_pupil"]),
            ("1113333_2224444.zip", ["filename_label_missing"]),
            ("1113333_2224444_.zip", ["filename_label_missing"]),
            ("1113333_2224444_ABCDEFGHIJKLMNOP.zip", ["filename_label_too_long"]),
            ("1113333_2224444_Year 6.zip", ["filename_label_spaces"]),
            ("1113333_2224444_Year\t6.zip", ["filename_label_spaces"]),
            ("1113333_2224444_a.b.zip", ["filename_label_characters"]),
            ("1113333_2224444_Gŵyr.zip", ["filename_label_characters"]),
            ("1113333_2224444_a\x00.zip", ["filename_label_characters"]),
        ]
        for name, codes in cases:
            with self.subTest(name=name):
                self.assertEqual(problem_codes(name), codes)

    def test_reports_every_problem_in_one_name(self) -> None:
        self.assertEqual(
            problem_codes("111222_CTF_333444_1.xls"),
            [
                "filename_ctf_extension",
                "filename_source_length",
                "filename_destination_length",
                "filename_sequence",
            ],
        )
        self.assertEqual(
            problem_codes("1113333_2224444_A long description.zip"),
            ["filename_label_too_long", "filename_label_spaces"],
        )

    def test_the_error_is_the_first_problem(self) -> None:
        with self.assertRaises(CTFError) as caught:
            parse_filename("1112222_CTF_333444_01.XML")
        error = caught.exception
        self.assertEqual(error.code, "filename_destination_length")
        self.assertEqual(error.problem, error.problems[0])
        self.assertEqual(error.problem.params, {"found": "333444"})

    def test_shows_invisible_characters_by_their_code(self) -> None:
        with self.assertRaises(CTFError) as caught:
            parse_filename("1113333_2224444_a\x00\u0175.zip")
        self.assertEqual(caught.exception.problem.params, {"found": "U+0000 \u0175"})
        with self.assertRaises(CTFError) as caught:
            parse_filename("111\x1b222_CTF_3334444_001.XML")
        self.assertEqual(caught.exception.problem.params, {"found": "111U+001B222"})

    def test_messages_render_and_never_quote_a_long_part_in_full(self) -> None:
        name = "1112222_CTF_" + "9" * 200 + "_001.XML"
        with self.assertRaises(CTFError) as caught:
            parse_filename(name)
        self.assertLess(len(caught.exception.message), 300)
        self.assertNotIn("%(", caught.exception.message)

    @given(st.text(max_size=60))
    def test_any_text_is_parsed_or_refused_with_a_ctf_error(self, name: str) -> None:
        try:
            parsed = parse_filename(name)
        except CTFError as error:
            self.assertTrue(error.problems)
            for problem in error.problems:
                self.assertTrue(problem.code.startswith("filename_"))
                self.assertNotIn("%(", problem.message)
        else:
            self.assertIsInstance(parsed, S2SFileName)

    @given(
        st.from_regex(
            r"\A[0-9]{7}_(?i:ctf)_?([0-9]{7}|[0-9]{3}(LLLL|PLAS|ADMS)|X{7}|M{7})"
            r"_[0-9]{3}\.(?i:xml)\Z"
        )
    )
    def test_a_ctf_name_from_a_school_parses_or_lacks_an_underscore(
        self, name: str
    ) -> None:
        codes = problem_codes(name)
        self.assertIn(codes, ([], ["filename_ctf_separator"]))


class BuildFilenameTests(TestCase):
    def test_builds_the_ctf_forms(self) -> None:
        cases = [
            (SCHOOL_111, SCHOOL_333, 1, "1112222_CTF_3334444_001.XML"),
            (SCHOOL_111, LOST_UNKNOWN, 2, "1112222_CTF_XXXXXXX_002.XML"),
            (SCHOOL_111, LOST_OUTSIDE, 3, "1112222_CTF_MMMMMMM_003.XML"),
            (SCHOOL_111, LA_333, 999, "1112222_CTF_333LLLL_999.XML"),
            (LA_333, SCHOOL_111, 0, "333LLLL_CTF_1112222_000.XML"),
        ]
        for source, destination, sequence, name in cases:
            with self.subTest(name=name):
                self.assertEqual(
                    build_ctf_filename(source, destination, sequence), name
                )

    def test_builds_the_generic_forms(self) -> None:
        self.assertEqual(
            build_generic_filename(SCHOOL_111, LA_333, "Nightingale"),
            "1112222_333LLLL_Nightingale.zip",
        )
        self.assertEqual(
            build_generic_filename(LA_333, SCHOOL_111, "a-b_c"),
            "333LLLL_1112222_a-b_c.zip",
        )

    def test_refuses_a_ctf_name_it_could_not_read_back(self) -> None:
        cases = [
            (LOST_UNKNOWN, SCHOOL_111, 1, "filename_source_lost"),
            (SCHOOL_111, SCHOOL_333, 1000, "filename_sequence"),
            (SCHOOL_111, SCHOOL_333, -1, "filename_sequence"),
        ]
        for source, destination, sequence, code in cases:
            with self.subTest(code=code), self.assertRaises(CTFError) as caught:
                build_ctf_filename(source, destination, sequence)
            self.assertEqual(caught.exception.code, code)

    def test_refuses_a_generic_name_it_could_not_read_back(self) -> None:
        cases = [
            (LOST_OUTSIDE, "a", "filename_generic_lost_pupil"),
            (SCHOOL_333, "", "filename_label_missing"),
            (SCHOOL_333, "a b", "filename_label_spaces"),
            (SCHOOL_333, "a" * 16, "filename_label_too_long"),
            (SCHOOL_333, "x/y", "filename_label_characters"),
        ]
        for destination, label, code in cases:
            with self.subTest(code=code), self.assertRaises(CTFError) as caught:
                build_generic_filename(SCHOOL_111, destination, label)
            self.assertEqual(caught.exception.code, code)

    def test_label_problems_is_empty_for_a_good_description(self) -> None:
        self.assertEqual(label_problems("Reports-2025_v2"), [])


def endpoints(*, lost: bool) -> st.SearchStrategy[Endpoint]:
    school = st.from_regex(r"\A[0-9]{7}\Z").map(Endpoint.for_school)
    la = st.builds(
        Endpoint.for_la, st.from_regex(r"\A[0-9]{3}\Z"), st.sampled_from(Mailbox)
    )
    choices = [school, la]
    if lost:
        choices.append(st.sampled_from([LOST_UNKNOWN, LOST_OUTSIDE]))
    return st.one_of(*choices)


class RoundTripTests(TestCase):
    @given(endpoints(lost=False), endpoints(lost=True), st.integers(0, 999))
    def test_a_built_ctf_name_reads_back(
        self, source: Endpoint, destination: Endpoint, sequence: int
    ) -> None:
        parsed = parse_filename(build_ctf_filename(source, destination, sequence))
        self.assertEqual(
            parsed,
            S2SFileName(FileKind.CTF, source, destination, sequence, None, ".XML"),
        )

    @given(
        endpoints(lost=False),
        endpoints(lost=False),
        st.from_regex(r"\A[A-Za-z0-9_-]{1,15}\Z"),
    )
    def test_a_built_generic_name_reads_back(
        self, source: Endpoint, destination: Endpoint, label: str
    ) -> None:
        self.assertLessEqual(len(label), MAX_LABEL_LENGTH)
        parsed = parse_filename(build_generic_filename(source, destination, label))
        self.assertEqual(
            parsed,
            S2SFileName(FileKind.GENERIC, source, destination, None, label, ".zip"),
        )


class BasenameTests(TestCase):
    def test_keeps_the_last_part_of_a_path(self) -> None:
        cases = [
            ("C:\\Users\\8201234_CTF_XXXXXXX_001.XML", "8201234_CTF_XXXXXXX_001.XML"),
            ("/home/office/a.zip", "a.zip"),
            ("a\\b/c.XML", "c.XML"),
            ("plain.XML", "plain.XML"),
            ("dir/", ""),
        ]  # fmt: skip
        for path, name in cases:
            with self.subTest(path=path):
                self.assertEqual(basename(path), name)
