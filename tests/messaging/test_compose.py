"""Composing in pages: recipients added step by step, or all at once."""

from __future__ import annotations

from django.urls import reverse

from pontio.messaging import recipients
from pontio.messaging.models import Message, MessageGroup
from tests.messaging import MessagingTestCase


class ComposeTests(MessagingTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.login(self.users["la_user"])
        self.url = reverse("messaging:compose")

    def test_sends_to_schools_by_number_roles_and_users_at_once(self) -> None:
        response = self.client.post(
            self.url,
            {
                "school_numbers": "838 3321, 838/4512",
                "la": "681",
                "roles": ["la_lost_pupil", "la_plasc"],
                "usernames": "838dba",
                "subject": "Hello",
                "body": "Text",
                "action": "send",
            },
        )
        message = Message.objects.get()
        self.assertRedirects(
            response, reverse("messaging:sent_message", args=[message.code])
        )
        self.assertEqual(
            self.recipients_of(message),
            {
                "8383321office",
                "8384512office",
                "681la_lost_pupil",
                "681la_plasc",
                "838dba",
            },
        )
        self.assertIn("message.sent", self.actions())

    def test_lists_an_las_schools_then_adds_the_selected_ones(self) -> None:
        response = self.client.post(
            self.url, {"school_list_la": "838", "action": "populate"}
        )
        choices = dict(response.context["form"].fields["schools"].choices)
        self.assertEqual(set(choices), {"8383321", "8384512"})
        response = self.client.post(
            self.url, {"school_list_la": "838", "schools": ["8384512"], "action": "add"}
        )
        chosen = response.context["form"].fields["chosen"].choices
        self.assertEqual(
            [recipients.decode(value) for value, _label in chosen],
            [{"organisation": "8384512", "name": "Dorchester Middle School"}],
        )
        data = {"chosen": [chosen[0][0]], "subject": "S", "body": "B", "action": "send"}
        self.client.post(self.url, data)
        self.assertEqual(self.recipients_of(Message.objects.get()), {"8384512office"})

    def test_refuses_bad_school_numbers_and_unknown_users_on_the_form(self) -> None:
        cases = [
            ({"school_numbers": "68 12003"}, "school_numbers", "invalid_school_number"),
            ({"usernames": "nobody-here"}, None, "unknown_user"),
            ({"school_numbers": "9999999"}, None, "unknown_organisation"),
            ({"roles": ["la_user"]}, "la", "la_required"),
            ({"chosen": ["{not json"]}, "chosen", "invalid_choice"),
        ]
        for data, field, code in cases:
            with self.subTest(data=data):
                response = self.client.post(
                    self.url, {**data, "subject": "S", "body": "B"}
                )
                self.assertEqual(response.status_code, 200)
                errors = response.context["form"].errors.as_data()
                self.assertEqual(errors[field or "__all__"][0].code, code)
        self.assertFalse(Message.objects.exists())

    def test_requires_a_subject_and_text(self) -> None:
        response = self.client.post(self.url, {"usernames": "838dba", "action": "send"})
        errors = response.context["form"].errors.as_data()
        self.assertEqual(errors["subject"][0].code, "subject_required")
        self.assertEqual(errors["body"][0].code, "body_required")

    def test_a_message_group_is_a_recipient_choice(self) -> None:
        response = self.client.post(
            reverse("messaging:group_add"),
            {
                "name": "Dorset",
                "school_numbers": "8383321",
                "usernames": "838dba",
                "action": "save",
            },
        )
        self.assertRedirects(response, reverse("messaging:groups"))
        group = MessageGroup.objects.get()
        self.assertEqual(len(group.entries), 2)
        self.client.post(
            self.url, {"groups": [str(group.code)], "subject": "S", "body": "B"}
        )
        self.assertEqual(
            self.recipients_of(Message.objects.get()), {"8383321office", "838dba"}
        )
