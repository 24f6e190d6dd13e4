"""The inbox: unread marks, ordering, reading, deleting, replying, the banner."""

from __future__ import annotations

import re

import time_machine
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from pontio.messaging.context import unread_messages
from pontio.messaging.models import Delivery, Message
from tests.messaging import MessagingTestCase


class InboxTests(MessagingTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.reader = self.users["school"]
        self.first = self.send(self.sender, [{"user": "6812003office"}], "Alpha")
        self.second = self.send(self.other_dba, [{"user": "6812003office"}], "Bravo")

    def inbox_codes(self, order: str = "") -> list[str]:
        url = reverse("messaging:inbox") + (f"?order={order}" if order else "")
        html = self.client.get(url).content.decode()
        return re.findall(r'data-code="([0-9a-f-]{36})"', html)

    def test_lists_unread_messages_marked_as_unread(self) -> None:
        self.login(self.reader)
        response = self.client.get(reverse("messaging:inbox"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content.decode().count('data-read="false"'), 2)

    def test_reading_marks_the_message_read_once_and_audits_it(self) -> None:
        self.login(self.reader)
        url = reverse("messaging:message", args=[self.first.code])
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Please send the CTF")
        read_at = self.delivery(self.first, self.reader).read_at
        self.assertIsNotNone(read_at)
        self.client.get(url)
        self.assertEqual(self.delivery(self.first, self.reader).read_at, read_at)
        self.assertEqual(self.actions().count("message.read"), 1)
        self.assertEqual(
            self.inbox_codes("status"), [str(self.second.code), str(self.first.code)]
        )

    def test_orders_by_every_column_both_ways(self) -> None:
        self.login(self.reader)
        first, second = str(self.first.code), str(self.second.code)
        self.assertEqual(self.inbox_codes(), [second, first])
        self.assertEqual(self.inbox_codes("received"), [first, second])
        self.assertEqual(self.inbox_codes("subject"), [first, second])
        self.assertEqual(self.inbox_codes("-subject"), [second, first])
        # Dorset (the LA) before Stickland's (the school).
        self.assertEqual(self.inbox_codes("from"), [second, first])
        self.assertEqual(self.inbox_codes("-from"), [first, second])
        self.assertEqual(self.inbox_codes("nonsense"), [second, first])

    def test_a_non_recipient_gets_404_for_every_message_page(self) -> None:
        for user in (self.users["la_user"], self.receiver, self.users["central_admin"]):
            self.login(user)
            for name in ("message", "reply", "delete"):
                with self.subTest(user=user.username, page=name):
                    url = reverse(f"messaging:{name}", args=[self.first.code])
                    self.assertEqual(self.client.get(url).status_code, 404)
                    if name != "message":  # a page that is only read
                        self.assertEqual(self.client.post(url).status_code, 404)
        self.assertIsNone(self.delivery(self.first, self.reader).read_at)

    def test_the_sender_sees_it_in_sent_messages_but_not_as_received(self) -> None:
        self.login(self.sender)
        received = reverse("messaging:message", args=[self.first.code])
        self.assertEqual(self.client.get(received).status_code, 404)
        sent = reverse("messaging:sent_message", args=[self.first.code])
        self.assertEqual(self.client.get(sent).status_code, 200)

    def test_the_view_only_administrator_is_refused_every_page(self) -> None:
        self.login(self.users["la_dba_view_only"])
        for name in (
            "inbox",
            "sent",
            "compose_start",
            "compose",
            "templates",
            "groups",
        ):
            with self.subTest(page=name):
                self.assertEqual(
                    self.client.get(reverse(f"messaging:{name}")).status_code, 403
                )

    def test_deleting_asks_first_then_removes_only_the_readers_copy(self) -> None:
        other = self.send(
            self.sender, [{"organisation": "6812003"}, {"user": "838dba"}]
        )
        self.login(self.reader)
        url = reverse("messaging:delete", args=[other.code])
        self.assertEqual(self.client.get(url).status_code, 200)
        self.assertTrue(
            Delivery.objects.filter(message=other, recipient=self.reader).exists()
        )
        response = self.client.post(url)
        self.assertRedirects(response, reverse("messaging:inbox"))
        self.assertEqual(self.recipients_of(other), {"838dba"})
        self.assertIn("message.deleted", self.actions())
        self.assertEqual(
            self.client.get(
                reverse("messaging:message", args=[other.code])
            ).status_code,
            404,
        )

    def test_replying_addresses_the_sender_and_links_the_message(self) -> None:
        self.login(self.reader)
        url = reverse("messaging:reply", args=[self.first.code])
        response = self.client.get(url)
        self.assertContains(response, "8383321office")
        chosen = response.context["form"].initial["chosen"]
        response = self.client.post(
            url,
            {
                "chosen": chosen,
                "subject": "Re: Alpha",
                "body": "Sent it today.",
                "action": "send",
            },
        )
        reply = Message.objects.get(in_reply_to=self.first)
        self.assertRedirects(
            response, reverse("messaging:sent_message", args=[reply.code])
        )
        self.assertEqual(self.recipients_of(reply), {"8383321office"})

    def test_the_message_page_links_a_print_stylesheet_and_no_inline_style(
        self,
    ) -> None:
        self.login(self.reader)
        response = self.client.get(reverse("messaging:message", args=[self.first.code]))
        html = response.content.decode()
        self.assertIn('media="print"', html)
        self.assertIn("messaging/print.css", html)
        self.assertNotIn("style=", html)
        self.assertNotIn("<style", html)
        self.assertNotRegex(html, r"<script(?![^>]*\bsrc=)")

    def test_the_banner_counts_unread_messages(self) -> None:
        request = RequestFactory().get("/")
        request.user = self.reader
        self.assertEqual(unread_messages(request), {"unread_message_count": 2})
        Delivery.objects.filter(message=self.first).update(read_at=timezone.now())
        self.assertEqual(unread_messages(request), {"unread_message_count": 1})
        request.user = self.users["la_dba_view_only"]
        self.assertEqual(unread_messages(request), {"unread_message_count": 0})

    def test_the_banner_partial_links_to_the_inbox(self) -> None:
        from django.template.loader import render_to_string

        html = render_to_string(
            "messaging/_unread_banner.html", {"unread_message_count": 2}
        )
        self.assertIn(reverse("messaging:inbox"), html)
        self.assertIn("2", html)
        self.assertEqual(
            render_to_string("messaging/_unread_banner.html", {}).strip(), ""
        )


class SentMessageTests(MessagingTestCase):
    def test_sent_messages_show_how_many_recipients_have_not_read(self) -> None:
        message = self.send(
            self.users["la_user"],
            [{"organisation": "838"}, {"organisation": "6812003"}],
        )
        self.login(self.other_dba)
        self.client.get(reverse("messaging:message", args=[message.code]))
        self.login(self.users["la_user"])
        response = self.client.get(reverse("messaging:sent"))
        self.assertContains(response, f'data-code="{message.code}" data-unread="1"')
        response = self.client.get(
            reverse("messaging:sent_message", args=[message.code])
        )
        self.assertEqual(response.context["unread_count"], 1)
        self.assertEqual(response.context["recipient_count"], 2)

    def test_the_sender_may_delete_their_record_and_recipients_keep_theirs(
        self,
    ) -> None:
        message = self.send(self.users["la_user"], [{"user": "838dba"}])
        self.login(self.users["la_user"])
        response = self.client.post(
            reverse("messaging:sent_delete", args=[message.code])
        )
        self.assertRedirects(response, reverse("messaging:sent"))
        self.assertEqual(
            self.client.get(
                reverse("messaging:sent_message", args=[message.code])
            ).status_code,
            404,
        )
        self.login(self.other_dba)
        self.assertEqual(
            self.client.get(
                reverse("messaging:message", args=[message.code])
            ).status_code,
            200,
        )
        self.client.post(reverse("messaging:delete", args=[message.code]))
        self.assertFalse(Message.objects.filter(pk=message.pk).exists())

    def test_a_stranger_cannot_see_or_delete_a_sent_message(self) -> None:
        message = self.send(self.users["la_user"], [{"user": "838dba"}])
        self.login(self.users["la_lost_pupil"])
        for name in ("sent_message", "sent_delete"):
            url = reverse(f"messaging:{name}", args=[message.code])
            self.assertEqual(self.client.get(url).status_code, 404)
        url = reverse("messaging:sent_delete", args=[message.code])
        self.assertEqual(self.client.post(url).status_code, 404)
        self.assertIsNone(Message.objects.get(pk=message.pk).sender_deleted_at)


class ExpiryTests(MessagingTestCase):
    def test_an_unread_message_goes_31_days_after_it_arrived(self) -> None:
        from pontio.messaging import tasks

        with time_machine.travel("2025-03-01 09:00Z", tick=False) as clock:
            message = self.send(self.sender, [{"user": "838dba"}])
            clock.move_to("2025-04-01 08:59Z")  # 30 days 23 hours 59 minutes
            tasks.expire_messages.call()
            self.assertEqual(self.recipients_of(message), {"838dba"})
            clock.move_to("2025-04-01 09:00Z")
            tasks.expire_messages.call()
            self.assertEqual(self.recipients_of(message), set())
        self.assertFalse(Message.objects.filter(pk=message.pk).exists())
        self.assertIn("message.expired", self.actions())

    def test_a_read_message_goes_14_days_after_it_was_read(self) -> None:
        from pontio.messaging import tasks

        with time_machine.travel("2025-03-01 09:00Z", tick=False) as clock:
            message = self.send(
                self.sender, [{"user": "838dba"}, {"user": "8384512office"}]
            )
            clock.move_to("2025-03-25 12:00Z")
            self.login(self.other_dba)
            self.client.get(reverse("messaging:message", args=[message.code]))
            clock.move_to("2025-04-08 11:59Z")  # 13 days 23 hours 59 minutes
            tasks.expire_messages.call()
            # The unread copy has gone (31 days); the read one stays.
            self.assertEqual(self.recipients_of(message), {"838dba"})
            clock.move_to("2025-04-08 12:00Z")
            tasks.expire_messages.call()
            self.assertEqual(self.recipients_of(message), set())
            tasks.expire_messages.call()
        self.assertFalse(Message.objects.filter(pk=message.pk).exists())
