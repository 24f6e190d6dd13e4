"""Codes stored in lost pupil records and search audits are shown as words."""

from __future__ import annotations

from django.test import SimpleTestCase, override_settings
from django.urls import reverse
from django.utils import translation

from pontio.directory.models import User
from pontio.lostpupils.forms import SearchForm
from pontio.lostpupils.labels import Sex, match_label, sex_label
from pontio.lostpupils.models import LostPupilRecord
from tests.lostpupils.base import LostPupilTestCase

WORDS = {
    "en": {"F": "Female", "U": "Not known", "exact": "Exact"},
    "cy": {"F": "Benyw", "U": "Dim yn hysbys", "exact": "Union"},
}


class LabelTests(SimpleTestCase):
    def test_sex_codes_are_translated_words(self) -> None:
        for language, words in WORDS.items():
            with self.subTest(language=language), translation.override(language):
                self.assertEqual(sex_label("F"), words["F"])
                self.assertEqual(sex_label(" f "), words["F"])
                self.assertEqual(sex_label("U"), words["U"])
                self.assertEqual(sex_label("<script>"), words["U"])

    def test_a_blank_sex_has_a_blank_label(self) -> None:
        self.assertEqual(sex_label(""), "")
        self.assertEqual(sex_label(None), "")

    def test_match_kinds_are_translated_words(self) -> None:
        with translation.override("cy"):
            self.assertEqual(match_label("exact"), "Union")
            self.assertEqual(match_label("soundalike"), "Swnio'n debyg")
        with translation.override("en"):
            self.assertEqual(match_label("soundalike"), "Sounds alike")

    def test_the_search_form_offers_the_same_words(self) -> None:
        choices = dict(SearchForm().fields["sex"].choices)  # type: ignore[attr-defined]
        with translation.override("cy"):
            self.assertEqual(str(choices["F"]), sex_label(Sex.FEMALE))
            self.assertEqual(str(choices["M"]), "Gwryw")


@override_settings(LOST_PUPIL_SEARCHES_PER_HOUR=1)
class LabelPagesTests(LostPupilTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.record = self.record_of(
            self.send_lost_pupil(surname="Pritchard", sex="F", number=1)
        )

    def speak(self, user: User, language: str) -> None:
        """Sign in as the user, who reads the pages in this language."""
        user.language = language
        user.save(update_fields=["language"])
        self.login(user)
        self.client.cookies["django_language"] = language
        self.client.defaults["HTTP_ACCEPT_LANGUAGE"] = language

    def test_the_record_shows_the_sex_as_a_word(self) -> None:
        url = reverse("lostpupils:record", kwargs={"code": self.record.code})
        for language, words in WORDS.items():
            with self.subTest(language=language):
                self.speak(self.users["la_lost_pupil"], language)
                response = self.client.get(url)
                self.assertContains(response, f'id="sex">{words["F"]}</dd>')

    def test_an_unknown_sex_shows_not_known(self) -> None:
        LostPupilRecord.objects.filter(pk=self.record.pk).update(sex="U")
        url = reverse("lostpupils:record", kwargs={"code": self.record.code})
        self.speak(self.users["la_lost_pupil"], "cy")
        response = self.client.get(url)
        self.assertContains(response, 'id="sex">Dim yn hysbys</dd>')

    def test_the_results_and_the_search_log_show_words(self) -> None:
        search = {"surname": "Pritch", "surname_begins": "on", "sex": "F"}
        officers = {"en": "la_lost_pupil", "cy": "la_lost_pupil_transfer"}
        for language, words in WORDS.items():
            with self.subTest(language=language):
                self.speak(self.users[officers[language]], language)
                response = self.client.post(reverse("lostpupils:search"), search)
                self.assertContains(
                    response, f'<td class="govuk-table__cell">{words["F"]}</td>'
                )
                self.assertNotContains(response, '<td class="govuk-table__cell">F<')
        for language, words in WORDS.items():
            with self.subTest(language=language):
                self.speak(self.users["la_dba"], language)
                response = self.client.get(reverse("lostpupils:searches"))
                self.assertContains(response, words["exact"], count=2)
                self.assertContains(response, words["F"], count=2)
                self.assertNotContains(response, ": exact")
                self.assertNotContains(response, ": F;")

    def test_the_paused_page_counts_the_limit_in_the_singular(self) -> None:
        self.speak(self.users["la_lost_pupil"], "en")
        for _ in range(2):
            response = self.client.post(
                reverse("lostpupils:search"), {"surname": "Pritchard"}
            )
        self.assertContains(
            response, "Lost Pupil Database 1 time an hour", status_code=429
        )
