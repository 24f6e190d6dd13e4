"""E-mails about transfers, received by a real SMTP server: who hears of what."""

from __future__ import annotations

import datetime
from email.message import EmailMessage

from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from pontio.directory.models import Organisation
from pontio.transfers import services, tasks
from pontio.transfers.models import Transfer
from pontio.transfers.services import notify
from tests import smtp
from tests.transfers.helpers import HubTestCase, ctf_bytes, ctf_name, zip_bytes


def _text(message: EmailMessage) -> str:
    parts = [str(message["Subject"])]
    for part in message.walk():
        if part.get_content_maintype() == "text":
            parts.append(part.get_content())
    return "\n".join(parts)


class NotificationTests(HubTestCase):
    def recipients(self) -> list[str]:
        return sorted(str(message["To"]) for message in self.mail())

    def test_an_upload_tells_the_destination_the_sender_and_the_la(self) -> None:
        transfer = self.school_ctf(pupils=3)
        self.run_tasks()
        self.assertEqual(
            self.recipients(),
            sorted(
                [
                    self.school2_user.email,  # a user of the destination
                    self.school2.email,  # the destination's own address
                    self.users["school"].email,  # the sender's confirmation
                    self.cardiff.email,  # the LA's copy
                ]
            ),
        )
        surnames = set(transfer.pupils.values_list("surname", flat=True))
        upns = set(transfer.pupils.values_list("upn", flat=True))
        for message in self.mail():
            text = _text(message)
            self.assertIn(transfer.filename, text)
            for private in surnames | upns:
                self.assertNotIn(private, text)

    def test_each_person_gets_their_own_e_mail(self) -> None:
        self.school_ctf()
        self.run_tasks()
        for message in self.mail():
            self.assertEqual(len(message.get_all("To")), 1)
            self.assertNotIn(",", str(message["To"]))

    def test_the_la_copy_e_mail_follows_the_las_setting(self) -> None:
        Organisation.objects.filter(pk=self.cardiff.pk).update(receive_ctf_copies=False)
        self.school_ctf()
        self.run_tasks()
        self.assertNotIn(self.cardiff.email, self.recipients())

    def test_copies_go_to_both_las_of_a_file_between_them(self) -> None:
        self.upload(
            self.sender, ctf_name("8383321", "6812004"), ctf_bytes("8383321", "6812004")
        )
        self.run_tasks()
        self.assertIn(self.cardiff.email, self.recipients())
        self.assertIn(self.dorset.email, self.recipients())

    def test_generic_files_are_notified_too_without_la_copies(self) -> None:
        self.upload(self.users["school"], "6812003_6812004_Reports.zip", zip_bytes())
        self.run_tasks()
        self.assertEqual(
            self.recipients(),
            sorted(
                [
                    self.school2_user.email,
                    self.school2.email,
                    self.users["school"].email,
                ]
            ),
        )

    def test_a_lost_pupil_file_is_confirmed_to_its_sender_only(self) -> None:
        self.upload(
            self.users["school"],
            ctf_name("6812003", "XXXXXXX"),
            ctf_bytes("6812003", "XXXXXXX"),
        )
        self.run_tasks()
        self.assertEqual(self.recipients(), [self.users["school"].email])

    def test_collection_is_told_to_the_sender(self) -> None:
        transfer = self.school_ctf()
        self.run_tasks()
        self.mail()  # the upload's e-mails
        smtp.server.clear()
        services.download_transfer(transfer, actor=self.school2_user).close()
        self.run_tasks()
        self.assertEqual(
            self.recipients(), sorted([self.users["school"].email, self.school.email])
        )

    def test_rejection_is_told_to_the_sender_without_the_reason(self) -> None:
        transfer = self.school_ctf()
        self.run_tasks()
        smtp.server.clear()
        services.reject_transfer(
            transfer, actor=self.school2_user, reason="Pupil Zebedee not known"
        )
        self.run_tasks()
        self.assertEqual(
            self.recipients(), sorted([self.users["school"].email, self.school.email])
        )
        for message in self.mail():
            self.assertNotIn("Zebedee", _text(message))


class DigestTests(HubTestCase):
    def test_one_reminder_per_recipient_listing_every_waiting_file(self) -> None:
        first = self.school_ctf(1)
        second = self.school_ctf(2)
        collected = self.school_ctf(3)
        Transfer.objects.filter(pk=collected.pk).update(
            status=Transfer.Status.COLLECTED, collected_at=timezone.now()
        )
        tasks.send_weekly_digests.enqueue()
        self.run_tasks_clearing_upload_mail()
        self.assertEqual(
            sorted(str(message["To"]) for message in self.mail()),
            sorted([self.school2_user.email, self.school2.email, self.cardiff.email]),
        )
        for message in self.mail():
            text = _text(message)
            self.assertIn(first.filename, text)
            self.assertIn(second.filename, text)
            self.assertNotIn(collected.filename, text)

    def run_tasks_clearing_upload_mail(self) -> None:
        DBTaskResult.objects.exclude(task_path__endswith="send_weekly_digests").delete()
        smtp.server.clear()
        self.run_tasks()


class OverdueTests(HubTestCase):
    def test_counts_school_days_as_weekdays(self) -> None:
        monday = datetime.date(2025, 6, 2)
        self.assertEqual(
            notify.school_days_before(monday, 15), datetime.date(2025, 5, 12)
        )
        self.assertEqual(
            notify.school_days_before(monday, 1), datetime.date(2025, 5, 30)
        )

    def test_tells_the_destinations_la_once_after_15_school_days(self) -> None:
        transfer = self.school_ctf()
        uploaded = timezone.localdate(transfer.uploaded_at)
        smtp.server.clear()
        day_14 = _after_school_days(uploaded, 14)
        self.assertEqual(notify.notify_overdue(today=day_14), 0)
        day_15 = _after_school_days(uploaded, 15)
        sent = notify.notify_overdue(today=day_15)
        recipients = sorted(str(message["To"]) for message in self.mail())
        self.assertEqual(sent, len(recipients))
        self.assertIn(self.cardiff.email, recipients)
        self.assertIn(self.users["la_user"].email, recipients)
        self.assertNotIn(self.school2_user.email, recipients)
        self.assertEqual(notify.notify_overdue(today=day_15), 0)


def _after_school_days(day: datetime.date, count: int) -> datetime.date:
    while count:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day
