"""The soundalike keys and the similarity score, as plain functions."""

from __future__ import annotations

from django.test import SimpleTestCase

from pontio.lostpupils.phonetic import (
    TYPO_MIN_SIMILARITY,
    SoundalikeQuery,
    is_soundalike,
    jaro_winkler,
    name_keys,
    normalise_name,
    phonetic_key,
    similarity,
    slips,
)

# The pairs issue 5 names, each of which a soundalike search must join.
ISSUE_PAIRS = (
    ("Llewellyn", "Lewelyn"),
    ("Llewellyn", "Llywelyn"),
    ("Lewelyn", "Llywelyn"),
    ("Rees", "Reece"),
    ("Rees", "Rhys"),
    ("Reece", "Rhys"),
    ("Thompson", "Thomson"),
    ("Davies", "Davis"),
    ("Pritchard", "Prichard"),
    ("Jones", "Jonnes"),
    ("Ap Rhys", "Aprhys"),
)


class NormaliseNameTests(SimpleTestCase):
    def test_folds_case_and_diacritics(self) -> None:
        self.assertEqual(
            normalise_name("ŴYN Llŷr Siân Gwenllïan"), "wyn llyr sian gwenllian"
        )

    def test_drops_apostrophes_and_splits_on_hyphens_and_spaces(self) -> None:
        self.assertEqual(normalise_name("O'Brien"), "obrien")
        self.assertEqual(normalise_name("O\u2019Brien"), "obrien")
        self.assertEqual(normalise_name("  Lloyd-Jones \t"), "lloyd jones")

    def test_keeps_letters_only(self) -> None:
        self.assertEqual(
            normalise_name("Smith 2nd; DROP TABLE%_"), "smith nd drop table"
        )
        self.assertEqual(normalise_name("%%__--"), "")
        self.assertEqual(normalise_name(None), "")

    def test_folds_letters_that_have_no_accent_to_drop(self) -> None:
        self.assertEqual(normalise_name("Søren Łukasz Æthel"), "soren lukasz aethel")


class PhoneticKeyTests(SimpleTestCase):
    def test_codes_welsh_digraphs_as_their_english_sounds(self) -> None:
        cases = {
            ("llwyd", "lloyd", "loyd"): "LT",
            ("gruffydd", "griffith", "gruffudd"): "KRFT",
            ("dafydd", "david"): "TFT",
            ("rhys", "rees", "reece", "rice"): "RS",
            ("ffion", "fion", "phion"): "FN",
        }
        for words, key in cases.items():
            for word in words:
                with self.subTest(word=word):
                    self.assertEqual(phonetic_key(word), key)

    def test_counts_w_and_y_as_vowels_inside_a_word(self) -> None:
        self.assertEqual(phonetic_key("llywelyn"), phonetic_key("llewellyn"))
        self.assertEqual(phonetic_key("huws"), phonetic_key("hughes"))

    def test_keeps_a_leading_vowel_and_w(self) -> None:
        self.assertEqual(phonetic_key("evans"), "AFN")
        self.assertEqual(phonetic_key("williams"), "WLM")

    def test_drops_silent_letters(self) -> None:
        self.assertEqual(phonetic_key("wright"), phonetic_key("right"))
        self.assertEqual(phonetic_key("thompson"), phonetic_key("thomson"))
        self.assertEqual(phonetic_key("knight"), phonetic_key("night"))

    def test_keeps_two_sounds_apart_when_a_vowel_separates_them(self) -> None:
        self.assertEqual(phonetic_key("llewellyn"), "LLN")
        self.assertNotEqual(phonetic_key("llewellyn"), phonetic_key("lynn"))

    def test_drops_a_patronymic_s_after_a_consonant_only(self) -> None:
        self.assertEqual(phonetic_key("williams"), phonetic_key("william"))
        self.assertEqual(phonetic_key("griffiths"), phonetic_key("griffith"))
        self.assertNotEqual(phonetic_key("jones"), phonetic_key("john"))

    def test_treats_a_welsh_initial_c_and_g_as_hard(self) -> None:
        self.assertEqual(phonetic_key("cerys"), phonetic_key("carys"))
        self.assertEqual(phonetic_key("ceri"), phonetic_key("kerry"))
        self.assertEqual(phonetic_key("morgen"), phonetic_key("morgan"))


class NameKeysTests(SimpleTestCase):
    def test_keys_each_part_of_a_double_barrelled_name(self) -> None:
        self.assertEqual(name_keys("Lloyd-Jones"), ("LTJNS", "LT", "JNS"))
        self.assertEqual(name_keys("Lloyd Jones"), name_keys("Lloyd-Jones"))

    def test_keys_a_patronymic_with_and_without_its_particle(self) -> None:
        self.assertEqual(name_keys("ap Rhys"), ("APRS", "RS"))
        self.assertEqual(name_keys("Aprhys"), ("APRS", "RS"))
        self.assertEqual(name_keys("ab Owain"), name_keys("Abowain"))

    def test_mac_and_mc_share_a_key(self) -> None:
        self.assertEqual(name_keys("MacDonald"), name_keys("McDonald"))

    def test_gives_at_most_three_keys_and_none_for_an_empty_name(self) -> None:
        self.assertLessEqual(len(name_keys("Ap Rhys Lloyd-Jones Evans")), 3)
        self.assertEqual(name_keys(""), ())
        self.assertEqual(name_keys("'-"), ())

    def test_issue_pairs_share_a_stored_key(self) -> None:
        for first, second in ISSUE_PAIRS:
            with self.subTest(first=first, second=second):
                self.assertTrue(set(name_keys(first)) & set(name_keys(second)))


class SlipTests(SimpleTestCase):
    def test_slips_keep_the_first_letter(self) -> None:
        found = slips("jones")
        self.assertIn("jnoes", found)  # swapped
        self.assertIn("joes", found)  # dropped
        self.assertIn("jomes", found)  # neighbouring key
        self.assertIn("jonres", found)  # consonant added
        self.assertTrue(all(slip.startswith("j") for slip in found))

    def test_a_slip_matches_only_a_close_spelling(self) -> None:
        self.assertTrue(is_soundalike("Jones", "Jomes"))
        self.assertTrue(is_soundalike("Pritchad", "Pritchard"))
        query = SoundalikeQuery("Jones")
        self.assertIn("JMS", query.slip_keys)
        self.assertIsNone(query.score("Jims"))


class SimilarityTests(SimpleTestCase):
    def test_jaro_winkler_gives_the_published_values(self) -> None:
        self.assertAlmostEqual(jaro_winkler("martha", "marhta"), 0.961, places=3)
        self.assertAlmostEqual(jaro_winkler("dwayne", "duane"), 0.840, places=3)
        self.assertAlmostEqual(jaro_winkler("dixon", "dicksonx"), 0.813, places=3)
        self.assertEqual(jaro_winkler("abc", "xyz"), 0.0)
        self.assertEqual(jaro_winkler("", "abc"), 0.0)

    def test_only_the_same_name_scores_one(self) -> None:
        self.assertEqual(similarity("Jones", "JONES"), 1.0)
        self.assertEqual(similarity("Siân", "Sian"), 1.0)
        self.assertLess(similarity("Jones", "Jonnes"), 1.0)
        self.assertEqual(similarity("", ""), 0.0)

    def test_ranks_a_closer_spelling_higher(self) -> None:
        self.assertGreater(similarity("Rees", "Reece"), similarity("Rees", "Rhys"))
        self.assertGreater(
            similarity("Jones", "Jonnes"), similarity("Jones", "Lloyd-Jones")
        )

    def test_scores_a_part_of_a_double_barrelled_name(self) -> None:
        self.assertGreater(similarity("Jones", "Lloyd-Jones"), TYPO_MIN_SIMILARITY)
