"""The hub's pages: sending, inboxes, downloading, rejecting, the outbox and the
LA's views, through the test client."""

from __future__ import annotations

import csv
import io
import random
import zipfile
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from pontio.audit.models import AuditEvent
from pontio.directory.models import User
from pontio.transfers.models import DestructionLogEntry, Transfer
from tests.transfers.helpers import (
    HubTestCase,
    ctf_bytes,
    ctf_name,
    reference_ctf,
    zip_bytes,
)

REFERENCE_NAME = "8383321_CTF_8384512_001.XML"


def error_codes(response: HttpResponse, field: str | None = "file") -> list[str]:
    """The codes of the errors the page shows, for one field or the whole form."""
    form = response.context["form"]  # type: ignore[attr-defined]
    key = field or "__all__"
    return [error.code for error in form.errors.as_data().get(key, [])]


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


class PageTestCase(HubTestCase):
    def send(self, user: User, filename: str, data: bytes, kind: str = "ctf") -> Any:
        self.login(user)
        name = "transfers:upload_ctf" if kind == "ctf" else "transfers:upload_generic"
        upload = SimpleUploadedFile(filename, data)
        return self.client.post(reverse(name), {"file": upload})


class UploadPageTests(PageTestCase):
    def test_a_school_sends_a_reference_ctf_and_sees_its_receipt(self) -> None:
        data = reference_ctf("gryphon_y7_2_students.xml")
        response = self.send(self.sender, REFERENCE_NAME, data)
        transfer = Transfer.objects.get()
        receipt = reverse("transfers:transfer", kwargs={"code": transfer.code})
        self.assertRedirects(response, receipt)
        page = self.client.get(receipt)
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, 'data-code="upn_1510"', count=2)
        self.assertContains(page, 'data-status="awaiting"')
        self.assertEqual(transfer.destination, self.receiving_school)
        self.assertEqual(transfer.pupil_count, 2)

    def test_the_upload_page_explains_the_file_names_for_a_school(self) -> None:
        self.login(self.sender)
        response = self.client.get(reverse("transfers:upload_ctf"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "8383321_CTF_XXXXXXX_NNN.XML")
        self.assertContains(response, "8383321_CTF_838LLLL_NNN.XML")
        self.assertContains(response, 'class="govuk-file-upload"')

    def test_the_upload_page_explains_the_file_names_for_an_la_mailbox(self) -> None:
        self.login(self.users["la_plasc"])
        response = self.client.get(reverse("transfers:upload_ctf"))
        self.assertContains(response, "681PLAS_CTF_3334444_NNN.XML")
        self.assertNotContains(response, "XXXXXXX")

    def test_a_badly_named_file_lists_each_problem_with_its_code(self) -> None:
        response = self.send(self.sender, "8383321_CTF_84512_1.XML", b"<x/>")
        self.assertEqual(response.status_code, 200)
        codes = error_codes(response)
        self.assertGreaterEqual(len(codes), 1)
        self.assertTrue(all(code for code in codes))
        self.assertContains(response, "govuk-error-summary")
        self.assertFalse(Transfer.objects.exists())
        refused = AuditEvent.objects.get(action="transfer.upload_refused")
        self.assertEqual(refused.outcome, "failure")

    def test_a_file_named_for_another_school_is_refused(self) -> None:
        data = ctf_bytes("6812003", "6812004")
        response = self.send(self.sender, ctf_name("6812003", "6812004"), data)
        self.assertEqual(error_codes(response), ["wrong_source_school"])

    def test_an_invalid_ctf_shows_the_problems_found_inside(self) -> None:
        response = self.send(self.sender, REFERENCE_NAME, b"<CTfile><Header>")
        self.assertTrue(error_codes(response))
        self.assertFalse(Transfer.objects.exists())

    def test_an_over_size_file_is_refused_with_the_size_message(self) -> None:
        data = reference_ctf("gryphon_y7_2_students.xml")
        with self.settings(TRANSFER_MAX_SCHOOL_UPLOAD_BYTES=1024):
            response = self.send(self.sender, REFERENCE_NAME, data)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(error_codes(response), ["file_too_large"])
        self.assertFalse(Transfer.objects.exists())
        refused = AuditEvent.objects.get(action="transfer.upload_refused")
        self.assertEqual(refused.details["code"], "file_too_large")

    def test_a_ten_megabyte_zip_from_an_la_is_accepted(self) -> None:
        payload = random.Random(7).randbytes(9 * 1024 * 1024)  # incompressible
        data = zip_bytes({"big.bin": payload})
        self.assertGreater(len(data), 9 * 1024 * 1024)
        response = self.send(
            self.users["la_user"], "681LLLL_6812003_Big.zip", data, kind="generic"
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Transfer.objects.get().size, len(data))

    def test_a_zip_chosen_on_the_ctf_page_is_refused(self) -> None:
        response = self.send(self.sender, "8383321_8384512_Notes.zip", zip_bytes())
        self.assertEqual(error_codes(response), ["wrong_file_type"])

    def test_the_zip_page_sends_a_generic_file(self) -> None:
        response = self.send(
            self.sender, "8383321_8384512_Notes.zip", zip_bytes(), kind="generic"
        )
        transfer = Transfer.objects.get()
        self.assertEqual(transfer.kind, Transfer.Kind.GENERIC)
        self.assertRedirects(
            response, reverse("transfers:transfer", kwargs={"code": transfer.code})
        )

    def test_sending_without_a_file_asks_for_one(self) -> None:
        self.login(self.sender)
        response = self.client.post(reverse("transfers:upload_ctf"), {})
        self.assertEqual(error_codes(response), ["required"])

    def test_a_duplicate_is_refused_with_its_code(self) -> None:
        data = reference_ctf("gryphon_y7_2_students.xml")
        self.send(self.sender, REFERENCE_NAME, data)
        response = self.send(self.sender, REFERENCE_NAME, data)
        self.assertEqual(error_codes(response), ["duplicate_file"])

    def test_an_upload_without_the_csrf_token_is_refused(self) -> None:
        client = Client(enforce_csrf_checks=True)
        self.login(self.sender, client)
        upload = SimpleUploadedFile(
            REFERENCE_NAME, reference_ctf("gryphon_y7_2_students.xml")
        )
        response = client.post(reverse("transfers:upload_ctf"), {"file": upload})
        self.assertEqual(response.status_code, 403)
        self.assertFalse(Transfer.objects.exists())


class InboxPageTests(PageTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.first = self.school_ctf(1)
        self.second = self.school_ctf(2, pupils=2)
        self.login(self.school2_user)

    def download_page(self, *transfers: Transfer) -> str:
        query = "&".join(f"file={item.code}" for item in transfers)
        return f"{reverse('transfers:download')}?{query}"

    def test_the_inbox_lists_each_file_with_its_sender_and_date(self) -> None:
        response = self.client.get(reverse("transfers:inbox"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            [item.code for item in response.context["page"].object_list],
            [self.second.code, self.first.code],
        )
        self.assertContains(response, "Ysgol Pen y Bryn (6812003)", count=2)
        self.assertContains(response, f'value="{self.first.code}"')

    def test_the_zip_inbox_lists_only_zip_files(self) -> None:
        response = self.client.get(
            reverse("transfers:inbox_kind", kwargs={"kind": "generic"})
        )
        self.assertEqual(list(response.context["page"].object_list), [])

    def test_ticking_files_leads_to_their_download_page(self) -> None:
        response = self.client.post(
            reverse("transfers:inbox"),
            {"file": [str(self.first.code), str(self.second.code)]},
        )
        self.assertEqual(response.status_code, 302)
        query = parse_qs(urlsplit(response["Location"]).query)
        self.assertEqual(query["file"], [str(self.first.code), str(self.second.code)])

    def test_ticking_nothing_asks_for_a_file(self) -> None:
        response = self.client.post(reverse("transfers:inbox"), {})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(error_codes(response), ["required"])

    def test_a_code_that_is_not_a_file_is_refused(self) -> None:
        response = self.client.post(reverse("transfers:inbox"), {"file": "../etc"})
        self.assertEqual(error_codes(response), ["invalid"])

    def test_downloading_one_file_gives_its_bytes_and_collects_it(self) -> None:
        response = self.client.post(
            reverse("transfers:download"), {"file": str(self.first.code)}
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("attachment", response["Content-Disposition"])
        self.assertEqual(body(response), ctf_bytes("6812003", "6812004", seed=1))
        self.first.refresh_from_db()
        self.assertEqual(self.first.status, Transfer.Status.COLLECTED)
        self.assertEqual(self.first.collected_by, self.school2_user)

    def test_downloading_several_files_gives_one_zip(self) -> None:
        response = self.client.post(
            reverse("transfers:download"),
            {"file": [str(self.first.code), str(self.second.code)]},
        )
        archive = zipfile.ZipFile(io.BytesIO(body(response)))
        self.assertEqual(
            sorted(archive.namelist()),
            sorted([self.first.filename, self.second.filename]),
        )
        self.assertEqual(
            archive.read(self.second.filename),
            ctf_bytes("6812003", "6812004", pupils=2, seed=2),
        )
        self.assertEqual(
            Transfer.objects.filter(status=Transfer.Status.COLLECTED).count(), 2
        )

    def test_the_download_page_asks_whether_the_file_downloaded(self) -> None:
        response = self.client.get(self.download_page(self.first))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'name="downloaded"', count=2)
        self.first.refresh_from_db()
        self.assertEqual(self.first.status, Transfer.Status.AWAITING)

    def test_yes_returns_to_the_inbox_showing_the_file_collected(self) -> None:
        self.client.post(reverse("transfers:download"), {"file": str(self.first.code)})
        response = self.client.post(
            reverse("transfers:downloaded"),
            {"file": str(self.first.code), "downloaded": "yes"},
        )
        self.assertRedirects(
            response, reverse("transfers:inbox_kind", kwargs={"kind": "ctf"})
        )
        inbox = self.client.get(response["Location"])
        self.assertContains(
            inbox, f'data-code="{self.first.code}" data-status="collected"'
        )

    def test_no_returns_to_the_download_page(self) -> None:
        response = self.client.post(
            reverse("transfers:downloaded"),
            {"file": str(self.first.code), "downloaded": "no"},
        )
        self.assertRedirects(response, self.download_page(self.first))

    def test_no_answer_asks_for_one(self) -> None:
        response = self.client.post(
            reverse("transfers:downloaded"), {"file": str(self.first.code)}
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(error_codes(response, "downloaded"), ["required"])

    def test_a_rejected_file_cannot_be_downloaded_by_its_sender(self) -> None:
        self.client.post(
            reverse("transfers:reject", kwargs={"code": self.first.code}),
            {"reason": "Not our pupil"},
        )
        self.login(self.users["school"])
        response = self.client.post(
            reverse("transfers:download"), {"file": str(self.first.code)}
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(error_codes(response, None), ["file_gone"])


class RejectPageTests(PageTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.transfer = self.school_ctf(1)
        self.url = reverse("transfers:reject", kwargs={"code": self.transfer.code})

    def test_the_recipient_rejects_with_a_reason_and_the_sender_is_told(self) -> None:
        self.login(self.school2_user)
        self.assertEqual(self.client.get(self.url).status_code, 200)
        response = self.client.post(self.url, {"reason": "Pupil never arrived"})
        self.assertRedirects(
            response, reverse("transfers:inbox_kind", kwargs={"kind": "ctf"})
        )
        self.transfer.refresh_from_db()
        self.assertEqual(self.transfer.status, Transfer.Status.REJECTED)
        self.assertEqual(self.transfer.rejection_reason, "Pupil never arrived")
        inbox = self.client.get(response["Location"])
        self.assertNotContains(inbox, str(self.transfer.code))
        self.run_tasks()
        recipients = [message["To"] for message in self.mail()]
        self.assertIn(self.users["school"].email, ",".join(recipients))

    def test_a_reason_is_required(self) -> None:
        self.login(self.school2_user)
        response = self.client.post(self.url, {"reason": "   "})
        self.assertEqual(error_codes(response, "reason"), ["required"])
        self.transfer.refresh_from_db()
        self.assertEqual(self.transfer.status, Transfer.Status.AWAITING)

    def test_the_sender_cannot_reject_its_own_file(self) -> None:
        self.login(self.users["school"])
        self.assertEqual(self.client.get(self.url).status_code, 403)
        response = self.client.post(self.url, {"reason": "Oops"})
        self.assertEqual(response.status_code, 403)


class OutboxPageTests(PageTestCase):
    def test_the_outbox_shows_each_files_state(self) -> None:
        awaiting = self.school_ctf(1)
        collected = self.school_ctf(2)
        rejected = self.school_ctf(3)
        self.login(self.school2_user)
        self.client.post(reverse("transfers:download"), {"file": str(collected.code)})
        self.client.post(
            reverse("transfers:reject", kwargs={"code": rejected.code}),
            {"reason": "Wrong school"},
        )
        self.login(self.users["school"])
        response = self.client.get(reverse("transfers:outbox"))
        for transfer, status in (
            (awaiting, "awaiting"),
            (collected, "collected"),
            (rejected, "rejected"),
        ):
            self.assertContains(
                response, f'data-code="{transfer.code}" data-status="{status}"'
            )
        self.assertContains(response, "Wrong school")
        self.assertContains(response, self.school2_user.username)

    def test_the_outbox_can_show_one_status(self) -> None:
        self.school_ctf(1)
        self.login(self.users["school"])
        response = self.client.get(reverse("transfers:outbox"), {"status": "collected"})
        self.assertEqual(list(response.context["page"].object_list), [])


class LaPageTests(PageTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.officer = self.users["la_user"]
        self.transfer = self.school_ctf(1)
        self.to_la = self.upload(
            self.users["school"],
            ctf_name("6812003", "681LLLL"),
            ctf_bytes("6812003", "681LLLL", seed=7),
        )
        self.login(self.officer)

    def test_monitoring_has_three_views_each_awaiting_or_collected(self) -> None:
        url = reverse("transfers:la_monitoring")
        within = self.client.get(url, {"view": "within", "status": "awaiting"})
        codes = {item.code for item in within.context["page"].object_list}
        self.assertEqual(codes, {self.transfer.code, self.to_la.code})
        self.assertContains(within, "govuk-tag--red", count=1)
        pupil = self.transfer.pupils.get()
        self.assertNotContains(within, pupil.surname)
        for view, status in (
            ("within", "collected"),
            ("incoming", "awaiting"),
            ("outgoing", "awaiting"),
        ):
            with self.subTest(view=view, status=status):
                response = self.client.get(url, {"view": view, "status": status})
                self.assertEqual(list(response.context["page"].object_list), [])

    def test_files_not_collected_show_pupils_and_the_view_is_audited(self) -> None:
        response = self.client.get(reverse("transfers:la_not_collected"))
        pupil = self.transfer.pupils.get()
        self.assertContains(response, pupil.upn)
        self.assertContains(response, pupil.surname)
        self.assertContains(response, 'data-to-la="true"', count=1)
        event = AuditEvent.objects.get(action="transfer.pupils_viewed")
        self.assertEqual(event.details["files"], 2)

    def test_the_la_deletes_a_file_after_confirming(self) -> None:
        url = reverse("transfers:la_delete", kwargs={"code": self.transfer.code})
        self.assertEqual(self.client.get(url).status_code, 200)
        response = self.client.post(url)
        self.assertRedirects(response, reverse("transfers:la_not_collected"))
        self.transfer.refresh_from_db()
        self.assertEqual(self.transfer.status, Transfer.Status.DELETED)
        entry = DestructionLogEntry.objects.get(transfer=self.transfer)
        self.assertEqual(entry.authorised_by, self.officer)
        log = self.client.get(reverse("transfers:destruction_log"))
        self.assertContains(log, str(self.transfer.code))

    def test_a_collected_file_cannot_be_deleted(self) -> None:
        self.login(self.school2_user)
        self.client.post(
            reverse("transfers:download"), {"file": str(self.transfer.code)}
        )
        self.login(self.officer)
        url = reverse("transfers:la_delete", kwargs={"code": self.transfer.code})
        response = self.client.post(url)
        self.assertEqual(error_codes(response, None), ["not_awaiting"])

    def test_the_la_forwards_a_file_to_one_of_its_schools(self) -> None:
        url = reverse("transfers:la_forward", kwargs={"code": self.to_la.code})
        self.assertEqual(self.client.get(url).status_code, 200)
        response = self.client.post(url, {"school": "6812004"})
        self.assertRedirects(response, reverse("transfers:la_not_collected"))
        self.to_la.refresh_from_db()
        self.assertEqual(self.to_la.destination, self.school2)
        self.assertEqual(self.to_la.filename, "6812003_CTF_6812004_001.XML")

    def test_the_la_cannot_forward_to_another_las_school(self) -> None:
        url = reverse("transfers:la_forward", kwargs={"code": self.to_la.code})
        response = self.client.post(url, {"school": "8384512"})
        self.assertEqual(error_codes(response, "school"), ["invalid_choice"])

    def test_forwarding_to_the_same_school_is_refused(self) -> None:
        url = reverse("transfers:la_forward", kwargs={"code": self.transfer.code})
        response = self.client.post(url, {"school": "6812004"})
        self.assertEqual(error_codes(response, "school"), ["forward_same_school"])

    def test_copies_are_listed_only_when_the_la_takes_them(self) -> None:
        url = reverse("transfers:la_copies")
        self.cardiff.receive_ctf_copies = False
        self.cardiff.save(update_fields=["receive_ctf_copies"])
        response = self.client.get(url)
        self.assertContains(response, 'id="copies-off"')
        self.cardiff.receive_ctf_copies = True
        self.cardiff.save(update_fields=["receive_ctf_copies"])
        response = self.client.get(url)
        codes = {item.code for item in response.context["page"].object_list}
        self.assertEqual(codes, {self.transfer.code, self.to_la.code})
        download = self.client.post(
            reverse("transfers:download"), {"file": str(self.transfer.code)}
        )
        self.assertEqual(body(download), ctf_bytes("6812003", "6812004", seed=1))
        self.transfer.refresh_from_db()
        self.assertEqual(self.transfer.status, Transfer.Status.AWAITING)


class DestructionLogExportTests(PageTestCase):
    def test_the_csv_is_utf8_with_a_bom_and_formulas_are_defused(self) -> None:
        for text in ('=HYPERLINK("http://x")', "+1", "-1", "@SUM(A1)", "Plain → ok"):
            DestructionLogEntry.objects.create(
                la=self.cardiff,
                file_reference=text,
                description=text,
                reason=DestructionLogEntry.Reason.DELETED_BY_LA,
                authorising_officer="=cmd|' /C calc'!A0",
            )
        DestructionLogEntry.objects.create(
            la=self.dorset,
            file_reference="dorset-only",
            description="x",
            reason=DestructionLogEntry.Reason.RETENTION,
        )
        self.login(self.users["la_dba"])
        response = self.client.get(reverse("transfers:destruction_log_csv"))
        self.assertEqual(response.status_code, 200)
        raw = body(response)
        self.assertTrue(raw.startswith(b"\xef\xbb\xbf"))
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
        self.assertEqual(len(rows), 6)
        references = sorted(row[0] for row in rows[1:])
        self.assertEqual(
            references,
            sorted(
                ['\'=HYPERLINK("http://x")', "'+1", "'-1", "'@SUM(A1)", "Plain → ok"]
            ),
        )
        self.assertTrue(all(row[4].startswith("'=") for row in rows[1:]))
