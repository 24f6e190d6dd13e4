"""E-mail notices: one per recipient, in their language, never the message."""

from __future__ import annotations

from email.message import EmailMessage

from pontio.directory.models import User
from tests.messaging import MessagingTestCase

SUBJECT = "Pupil 7 safeguarding concern"
BODY = "The pupil's new address is 12 Heol y Llan; call before Friday."


class NoticeTests(MessagingTestCase):
    def test_each_recipient_gets_one_email_without_the_messages_content(self) -> None:
        self.send(self.sender, [{"organisation": "681"}], SUBJECT, BODY)
        self.assertEqual(self.mail(), [])  # sent by the worker, not the request
        self.run_tasks()
        mails = self.mail()
        expected = set(
            User.objects.filter(organisation=self.cardiff)
            .exclude(role="la_dba_view_only")
            .values_list("email", flat=True)
        )
        self.assertEqual({mail["To"] for mail in mails}, expected)
        self.assertEqual(len(mails), len(expected))
        for mail in mails:
            texts = [str(mail["Subject"])] + [
                part.get_content()
                for part in mail.walk()
                if part.get_content_maintype() == "text"
            ]
            for text in texts:
                for secret in (SUBJECT, BODY, "Pupil 7", "Heol y Llan"):
                    self.assertNotIn(secret, text)
            self.assertIn("/messages/", texts[1])

    def test_running_the_task_again_sends_nothing_more(self) -> None:
        from pontio.messaging import tasks

        message = self.send(self.sender, [{"user": "838dba"}], SUBJECT, BODY)
        self.run_tasks()
        self.assertEqual(tasks.notify_recipients.call(message.pk), 0)
        self.assertEqual(len(self.mail()), 1)

    def test_a_welsh_speaker_gets_the_notice_in_welsh(self) -> None:
        self.receiver.language = "cy"
        self.receiver.save(update_fields=["language"])
        self.send(
            self.sender, [{"user": "8384512office"}, {"user": "838dba"}], SUBJECT, BODY
        )
        self.run_tasks()
        by_address = {mail["To"]: mail for mail in self.mail()}
        welsh = by_address[self.receiver.email]
        english = by_address[self.other_dba.email]
        self.assertIn('lang="cy"', self.html_of(welsh))
        self.assertIn('lang="en"', self.html_of(english))

    def html_of(self, mail: EmailMessage) -> str:
        for part in mail.walk():
            if part.get_content_type() == "text/html":
                return str(part.get_content())
        return ""
