"""Protection against misuse: every search audited, an hourly limit, an alert."""

from __future__ import annotations

import datetime

import time_machine
from django.test import override_settings
from django.urls import reverse

from pontio.audit.models import AuditEvent
from pontio.directory.roles import Role
from pontio.lostpupils.models import LostPupilSearchAlert
from tests.api.helpers import bearer, key_for
from tests.base import make_user
from tests.lostpupils.base import LostPupilTestCase, pupil_upn

SEARCH = "/api/v1/lost-pupils/search"
NOW = datetime.datetime(2026, 3, 2, 10, 15, tzinfo=datetime.UTC)


class SearchAuditTests(LostPupilTestCase):
    def test_every_search_is_audited_with_its_criteria(self) -> None:
        officer = self.users["la_lost_pupil"]
        self.send_lost_pupil(surname="Rees", number=1)
        key = key_for(officer)
        self.client.post(
            SEARCH,
            {"surname": "Rhys", "dob": "2014-05-06", "gender": "F"},
            content_type="application/json",
            **bearer(key),
        )
        self.client.post(
            SEARCH,
            {"upn": pupil_upn(1), "match": "exact", "include_resolved": True},
            content_type="application/json",
            **bearer(key),
        )
        events = list(AuditEvent.objects.filter(action="lostpupil.searched"))
        self.assertEqual(len(events), 2)
        first, second = (event.details for event in events)
        self.assertEqual(first["surname"], "Rhys")
        self.assertEqual(first["match"], "soundalike")
        self.assertEqual(first["dob"], "2014-05-06")
        self.assertEqual(first["sex"], "F")
        self.assertEqual(first["results"], 1)
        self.assertEqual(second["upn"], pupil_upn(1))
        self.assertIs(second["include_resolved"], True)
        self.assertEqual({event.actor_id for event in events}, {officer.pk})
        self.assertEqual({event.organisation_code for event in events}, {"681"})

    def test_a_search_from_the_page_is_audited_too(self) -> None:
        self.login(self.users["la_lost_pupil_transfer"])
        self.client.post(reverse("lostpupils:search"), {"surname": "Jonnes"})
        event = AuditEvent.objects.get(action="lostpupil.searched")
        self.assertEqual(event.details["surname"], "Jonnes")


@override_settings(LOST_PUPIL_SEARCHES_PER_HOUR=3)
class SearchRateLimitTests(LostPupilTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.officer = self.users["la_lost_pupil"]
        self.key = key_for(self.officer)
        self.second_dba = make_user("681dba2", self.cardiff, Role.LA_DBA, language="cy")

    def search(self, key: str | None = None) -> int:
        response = self.client.post(
            SEARCH,
            {"surname": "Davies"},
            content_type="application/json",
            **bearer(key or self.key),
        )
        if response.status_code == 429:
            self.assertEqual(response.json()["error"]["code"], "search_rate_limited")
            self.assertTrue(int(response["Retry-After"]) > 0)
        return response.status_code

    def test_searching_pauses_beyond_the_hourly_limit(self) -> None:
        with time_machine.travel(NOW, tick=False):
            self.assertEqual([self.search() for _ in range(4)], [200, 200, 200, 429])
        refused = AuditEvent.objects.get(action="lostpupil.search_refused")
        self.assertEqual(refused.outcome, "failure")
        self.assertEqual(refused.details["code"], "search_rate_limited")

    def test_searching_resumes_an_hour_after_the_oldest_search(self) -> None:
        for minutes in (0, 10, 20):
            with time_machine.travel(NOW + datetime.timedelta(minutes=minutes)):
                self.search()
        with time_machine.travel(NOW + datetime.timedelta(minutes=59), tick=False):
            self.assertEqual(self.search(), 429)
        with time_machine.travel(NOW + datetime.timedelta(minutes=61), tick=False):
            self.assertEqual(self.search(), 200)

    def test_the_limit_is_per_user(self) -> None:
        other = key_for(self.users["la_lost_pupil_transfer"])
        with time_machine.travel(NOW, tick=False):
            for _ in range(3):
                self.search()
            self.assertEqual(self.search(other), 200)

    def test_the_las_dbas_and_central_administrators_are_emailed_once(self) -> None:
        with time_machine.travel(NOW, tick=False):
            for _ in range(6):
                self.search()
            self.run_tasks()
        self.assertEqual(LostPupilSearchAlert.objects.count(), 1)
        messages = self.mail()
        recipients = sorted(message["To"] for message in messages)
        expected = [
            self.second_dba.email,
            self.users["central_admin"].email,
            self.users["la_dba"].email,
        ]
        self.assertEqual(recipients, sorted(expected))
        self.assertNotIn(self.other_dba.email, recipients)
        for message in messages:
            text = message.get_body(("plain",)).get_content()
            self.assertIn(self.officer.username, text)
            self.assertIn("/lost-pupils/searches/", text)
            self.assertNotIn("Davies", text)

    def test_the_page_shows_the_pause_with_429(self) -> None:
        self.login(self.officer)
        with time_machine.travel(NOW, tick=False):
            for _ in range(3):
                self.search()
            response = self.client.post(
                reverse("lostpupils:search"), {"surname": "Davies"}
            )
        self.assertEqual(response.status_code, 429)
        self.assertContains(
            response, 'data-code="search_rate_limited"', status_code=429
        )


class SearchReviewPageTests(LostPupilTestCase):
    def setUp(self) -> None:
        super().setUp()
        dorset_officer = make_user("838lost", self.dorset, Role.LA_LOST_PUPIL)
        for user in (self.users["la_lost_pupil"], dorset_officer):
            self.client.post(
                SEARCH,
                {"surname": "Thomson"},
                content_type="application/json",
                **bearer(key_for(user)),
            )

    def test_the_la_dba_lists_its_own_officers_searches_only(self) -> None:
        self.login(self.users["la_dba"])
        response = self.client.get(reverse("lostpupils:searches"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'data-actor="681la_lost_pupil"')
        self.assertNotContains(response, 'data-actor="838lost"')
        self.assertContains(response, "Thomson")

    def test_central_administrators_see_every_las_searches(self) -> None:
        self.login(self.users["central_admin"])
        response = self.client.get(reverse("lostpupils:searches"))
        self.assertContains(response, 'data-actor="681la_lost_pupil"')
        self.assertContains(response, 'data-actor="838lost"')

    def test_other_roles_are_refused(self) -> None:
        for role in ("la_lost_pupil", "la_user", "la_dba_view_only", "school"):
            with self.subTest(role=role):
                self.login(self.users[role])
                response = self.client.get(reverse("lostpupils:searches"))
                self.assertEqual(response.status_code, 403)
