"""A CTF's journey in a real browser: the sending school uploads it and sees its
receipt, the receiving school downloads it and confirms, the sender sees it
collected."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.test import Client, override_settings
from playwright.sync_api import BrowserContext, ConsoleMessage, Page, sync_playwright

from pontio.directory.models import Organisation, User
from pontio.directory.roles import Role
from pontio.transfers.models import Transfer
from tests.base import PontioTestCase, make_organisation, make_user
from tests.e2e.test_first_sign_in import CHROMIUM_ARGS
from tests.transfers import BlobStorageTestCase
from tests.transfers.helpers import reference_ctf
from tests.web import require_static_build

FILENAME = "8383321_CTF_8384512_001.XML"


# Chromium will not take a "__Host-" cookie from outside a page, so the
# session cookie is renamed here; the server reads whichever name is set.
@override_settings(SESSION_COOKIE_NAME="pontio-session")
class TransferJourneyBrowserTests(StaticLiveServerTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        require_static_build()
        super().setUpClass()
        cls.playwright = sync_playwright().start()
        cls.browser = cls.playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )

    @classmethod
    def tearDownClass(cls) -> None:
        cls.browser.close()
        cls.playwright.stop()
        super().tearDownClass()

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
        self.problems: list[str] = []
        folder = Path(tempfile.mkdtemp(prefix="pontio-journey-"))
        self.addCleanup(shutil.rmtree, folder, ignore_errors=True)
        self.original = reference_ctf("gryphon_y7_2_students.xml")
        self.ctf_path = folder / FILENAME
        self.ctf_path.write_bytes(self.original)

    def signed_in_page(self, user: User) -> Page:
        """A browser tab signed in as ``user``, with the test client's session."""
        client = PontioTestCase.login(self, user, Client())  # type: ignore[arg-type]
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context: BrowserContext = self.browser.new_context(accept_downloads=True)
        self.addCleanup(context.close)
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": cookie.value,
                    "url": self.live_server_url + "/",
                    "secure": bool(settings.SESSION_COOKIE_SECURE),
                    "httpOnly": True,
                    "sameSite": "Lax",
                }
            ]
        )
        page = context.new_page()
        page.on("console", self.note_console)
        page.on("pageerror", lambda error: self.problems.append(str(error)))
        return page

    def note_console(self, message: ConsoleMessage) -> None:
        if message.type in {"error", "warning"}:
            self.problems.append(f"{message.type}: {message.text}")

    def url(self, path: str) -> str:
        return self.live_server_url + path

    def submit(self, page: Page, selector: str = "main button[type=submit]") -> None:
        with page.expect_navigation():
            page.locator(selector).click()

    def test_a_ctf_is_sent_downloaded_confirmed_and_shown_collected(self) -> None:
        sender = self.signed_in_page(self.sender)
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

        receiver = self.signed_in_page(self.receiver)
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
