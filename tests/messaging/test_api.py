"""The messages endpoints of the API."""

from __future__ import annotations

import json
from typing import Any

from pontio.messaging.models import Delivery, Message
from tests.api.helpers import bearer, get, key_for
from tests.messaging import MessagingTestCase


class MessagesApiTests(MessagingTestCase):
    def post(self, raw_key: str, body: Any) -> Any:
        return self.client.post(
            "/api/v1/messages",
            data=json.dumps(body),
            content_type="application/json",
            **bearer(raw_key),
        )

    def setUp(self) -> None:
        super().setUp()
        self.sender_key = key_for(self.users["la_user"])
        self.reader_key = key_for(self.other_dba)

    def test_sends_reads_and_lists_a_message(self) -> None:
        response = self.post(
            self.sender_key,
            {
                "to": [{"user": "838dba"}, {"la": "681", "roles": ["la_plasc"]}],
                "subject": "Hello",
                "body": "Secret text",
            },
        )
        self.assertEqual(response.status_code, 201, response.content)
        sent = response.json()
        self.assertEqual(sent["unread_count"], 2)
        self.assertNotIn("read", sent)
        code = sent["id"]

        inbox = get(self.client, "/api/v1/messages?box=inbox", self.reader_key).json()
        self.assertEqual(
            [(i["id"], i["read"]) for i in inbox["items"]], [(code, False)]
        )
        self.assertNotIn("body", inbox["items"][0])

        one = get(self.client, f"/api/v1/messages/{code}", self.reader_key).json()
        self.assertEqual((one["body"], one["read"]), ("Secret text", True))
        inbox = get(self.client, "/api/v1/messages?box=inbox", self.reader_key).json()
        self.assertTrue(inbox["items"][0]["read"])

        sent_box = get(self.client, "/api/v1/messages?box=sent", self.sender_key).json()
        self.assertEqual(
            [(i["id"], i["unread_count"]) for i in sent_box["items"]], [(code, 1)]
        )
        self.assertEqual(
            get(self.client, f"/api/v1/messages/{code}", self.sender_key).json()[
                "unread_count"
            ],
            1,
        )
        self.assertEqual(Delivery.objects.filter(read_at__isnull=True).count(), 1)

    def test_a_non_recipient_gets_404_and_reads_nothing(self) -> None:
        message = self.send(self.users["la_user"], [{"user": "838dba"}])
        for user in (
            self.receiver,
            self.users["la_lost_pupil"],
            self.users["central_admin"],
        ):
            with self.subTest(user=user.username):
                response = get(
                    self.client, f"/api/v1/messages/{message.code}", key_for(user)
                )
                self.assertEqual(response.status_code, 404)
                self.assertEqual(response.json()["error"]["code"], "not_found")
        for path in ("not-a-uuid", "00000000-0000-0000-0000-000000000000"):
            response = get(self.client, f"/api/v1/messages/{path}", self.reader_key)
            self.assertEqual(response.status_code, 404)
        self.assertIsNone(Delivery.objects.get().read_at)

    def test_the_view_only_administrator_is_forbidden(self) -> None:
        raw_key = key_for(self.users["la_dba_view_only"])
        self.assertEqual(get(self.client, "/api/v1/messages", raw_key).status_code, 403)
        body = {"to": [{"user": "838dba"}], "subject": "S", "body": "B"}
        self.assertEqual(self.post(raw_key, body).status_code, 403)

    def test_bad_requests_answer_with_stable_codes(self) -> None:
        cases = [
            ({"to": [{"user": "nobody"}], "subject": "S", "body": "B"}, "unknown_user"),
            (
                {"to": [{"organisation": "000"}], "subject": "S", "body": "B"},
                "unknown_organisation",
            ),
            (
                {
                    "to": [{"la": "681", "roles": ["wizard"]}],
                    "subject": "S",
                    "body": "B",
                },
                "unknown_role",
            ),
            ({"to": [{"group": "1"}], "subject": "S", "body": "B"}, "unknown_group"),
            (
                {"to": [{"user": "838dba", "group": "x"}], "subject": "S", "body": "B"},
                "invalid_recipient",
            ),
            (
                {"to": [{"user": "838dba"}], "subject": " ", "body": "B"},
                "subject_required",
            ),
            (
                {"to": [{"user": "838dba"}], "subject": "S", "body": "B" * 20_001},
                "body_too_long",
            ),
            (
                {"to": [{"user": "838dba"}], "subject": "S", "body": "B\x00B"},
                "invalid_text",
            ),
            ({"to": [], "subject": "S", "body": "B"}, "invalid_input"),
            (
                {"to": [{"school": "6812003"}], "subject": "S", "body": "B"},
                "invalid_input",
            ),
        ]
        for body, code in cases:
            with self.subTest(code=code):
                response = self.post(self.sender_key, body)
                self.assertEqual(response.status_code, 400, response.content)
                self.assertEqual(response.json()["error"]["code"], code)
        self.assertFalse(Message.objects.exists())

    def test_without_a_key_the_answer_is_401(self) -> None:
        self.assertEqual(self.client.get("/api/v1/messages").status_code, 401)
