"""The LA administrator's message report: unread counts per school, nothing more."""

from __future__ import annotations

from django.urls import reverse

from tests.messaging import MessagingTestCase

SECRET_SUBJECT = "Confidential subject line"


class MessageReportTests(MessagingTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.send(self.sender, [{"organisation": "6812003"}], SECRET_SUBJECT)
        self.send(self.sender, [{"organisation": "6812003"}], SECRET_SUBJECT)
        self.send(self.sender, [{"organisation": "8384512"}], SECRET_SUBJECT)

    def test_an_la_dba_sees_each_of_its_schools_unread_count_without_content(
        self,
    ) -> None:
        self.login(self.users["la_dba"])
        response = self.client.get(reverse("messaging:report"))
        self.assertEqual(response.status_code, 200)
        counts = {row.school.code: row.unread for row in response.context["rows"]}
        self.assertEqual(counts, {"6812003": 2, "6812004": 0})
        html = response.content.decode()
        self.assertNotIn(SECRET_SUBJECT, html)
        self.assertNotIn("8383321office", html)
        self.assertNotIn("Stickland", html)

    def test_reading_lowers_the_count(self) -> None:
        self.login(self.users["school"])
        self.client.get(reverse("messaging:inbox"))
        from pontio.messaging.models import Delivery

        delivery = Delivery.objects.filter(recipient=self.users["school"]).first()
        assert delivery is not None
        self.client.get(reverse("messaging:message", args=[delivery.message.code]))
        self.login(self.users["la_dba"])
        rows = self.client.get(reverse("messaging:report")).context["rows"]
        self.assertEqual({row.school.code: row.unread for row in rows}["6812003"], 1)

    def test_other_roles_are_refused_and_central_chooses_an_la(self) -> None:
        for role in ("la_user", "la_dba_view_only", "school"):
            self.login(self.users[role])
            with self.subTest(role=role):
                self.assertEqual(
                    self.client.get(reverse("messaging:report")).status_code, 403
                )
        self.login(self.users["central_admin"])
        response = self.client.get(reverse("messaging:report") + "?la=838")
        counts = {row.school.code: row.unread for row in response.context["rows"]}
        self.assertEqual(counts, {"8383321": 0, "8384512": 1})
        self.assertEqual(
            self.client.get(reverse("messaging:report") + "?la=999").status_code, 404
        )

    def test_an_la_dba_cannot_see_another_las_schools(self) -> None:
        self.login(self.other_dba)
        response = self.client.get(reverse("messaging:report") + "?la=681")
        self.assertEqual(
            {row.school.code for row in response.context["rows"]},
            {"8383321", "8384512"},
        )
