"""Message groups: kept per organisation, edited and deleted by its users."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.urls import reverse

from pontio.messaging import recipients, services
from pontio.messaging.models import MessageGroup
from tests.messaging import MessagingTestCase


class GroupTests(MessagingTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.group = services.create_group(
            actor=self.users["la_user"],
            name="Dorset",
            entries=[{"organisation": "838"}],
        )

    def test_a_group_is_seen_and_changed_only_within_its_organisation(self) -> None:
        self.login(self.users["la_admissions"])
        self.assertContains(
            self.client.get(reverse("messaging:groups")), str(self.group.code)
        )
        for user in (self.other_dba, self.users["school"]):
            self.login(user)
            self.assertNotContains(
                self.client.get(reverse("messaging:groups")), str(self.group.code)
            )
            for name in ("group_edit", "group_delete"):
                url = reverse(f"messaging:{name}", args=[self.group.code])
                self.assertEqual(self.client.get(url).status_code, 404)
                self.assertEqual(
                    self.client.post(url, {"name": "x", "action": "save"}).status_code,
                    404,
                )
        self.assertTrue(
            MessageGroup.objects.filter(pk=self.group.pk, name="Dorset").exists()
        )

    def test_editing_replaces_the_members_and_deleting_removes_it(self) -> None:
        self.login(self.users["la_user"])
        url = reverse("messaging:group_edit", args=[self.group.code])
        form = self.client.get(url).context["form"]
        self.assertEqual(
            form.initial["chosen"], [recipients.encode(self.group.entries[0])]
        )
        self.client.post(
            url, {"name": "Dorset DBA", "usernames": "838dba", "action": "save"}
        )
        self.group.refresh_from_db()
        self.assertEqual(
            (self.group.name, self.group.entries), ("Dorset DBA", [{"user": "838dba"}])
        )
        self.client.post(reverse("messaging:group_delete", args=[self.group.code]))
        self.assertFalse(MessageGroup.objects.exists())
        self.assertIn("message_group.deleted", self.actions())

    def test_a_group_cannot_hold_another_group_or_nobody(self) -> None:
        for entries, code in [
            ([{"group": str(self.group.code)}], "invalid_recipient"),
            ([], "empty_group"),
        ]:
            with self.subTest(code=code), self.assertRaises(ValidationError) as raised:
                services.create_group(
                    actor=self.users["la_user"], name="Nested", entries=entries
                )
            self.assertEqual(raised.exception.code, code)
