"""A CTF's journey in a real browser: the sending school uploads it and sees its
receipt, the receiving school downloads it and confirms, the sender sees it
collected."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from pontio.directory.models import Organisation
from pontio.directory.roles import Role
from pontio.transfers.models import Transfer
from tests.base import make_organisation, make_user
from tests.e2e.base import BrowserTestCase
from tests.transfers import BlobStorageTestCase
from tests.transfers.helpers import reference_ctf

FILENAME = "8383321_CTF_8384512_001.XML"


class TransferJourneyBrowserTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        # The server runs in another thread: the rows must be committed, so this
        # is a live-server test case that borrows the hub's storage isolation.
        storage = BlobStorageTestCase("setUp")
        storage.setUp()
        self.addCleanup(storage.doCleanups)
        make_organisation(Organisation.Kind.LA, "838", "Dorset")
        sending = make_organisation(
            Organisation.Kind.SCHOOL, "8383321", "Stickland's CE VA Primary"
        )
        receiving = make_organisation(
            Organisation.Kind.SCHOOL, "8384512", "Dorchester Middle School"
        )
        self.sender = make_user("8383321office", sending, Role.SCHOOL)
        self.receiver = make_user("8384512office", receiving, Role.SCHOOL)
        folder = Path(tempfile.mkdtemp(prefix="pontio-journey-"))
        self.addCleanup(shutil.rmtree, folder, ignore_errors=True)
        self.original = reference_ctf("gryphon_y7_2_students.xml")
        self.ctf_path = folder / FILENAME
        self.ctf_path.write_bytes(self.original)

    def test_a_ctf_is_sent_downloaded_confirmed_and_shown_collected(self) -> None:
        sender = self.sign_in(self.sender)
        sender.goto(self.url("/transfers/send/ctf/"))
        sender.set_input_files("input[name=file]", str(self.ctf_path))
        self.submit(sender)
        transfer = Transfer.objects.get()
        self.assertEqual(sender.url, self.url(f"/transfers/files/{transfer.code}/"))
        warnings = sender.locator("#warnings li[data-code=upn_1510]")
        self.assertEqual(warnings.count(), 2)
        self.assertEqual(
            sender.locator("#status").get_attribute("data-status"), "awaiting"
        )

        receiver = self.sign_in(self.receiver, self.new_page())
        receiver.goto(self.url("/transfers/"))
        receiver.locator(f"label[for='file-{transfer.code}']").click()
        self.submit(receiver, "main form button[type=submit]")
        self.assertTrue(receiver.url.startswith(self.url("/transfers/download/")))
        with receiver.expect_download() as caught:
            receiver.locator("#download-button").click()
        download = caught.value
        self.assertEqual(download.suggested_filename, FILENAME)
        self.assertEqual(Path(download.path()).read_bytes(), self.original)
        receiver.locator("label[for='id_downloaded_0']").click()
        self.submit(receiver, "#confirm-button")
        self.assertEqual(receiver.url, self.url("/transfers/inbox/ctf/"))
        row = receiver.locator(f"#inbox tr[data-code='{transfer.code}']")
        self.assertEqual(row.get_attribute("data-status"), "collected")

        sender.goto(self.url("/transfers/sent/"))
        row = sender.locator(f"#outbox tr[data-code='{transfer.code}']")
        self.assertEqual(row.get_attribute("data-status"), "collected")
        transfer.refresh_from_db()
        self.assertEqual(transfer.collected_by, self.receiver)
        self.assertEqual(self.problems, [])
