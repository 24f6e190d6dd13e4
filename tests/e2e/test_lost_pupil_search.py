"""A lost pupil found in a real browser: search, check the details, confirm
the pupil is on roll, download the file and confirm it downloaded."""

from __future__ import annotations

import io
from pathlib import Path

from pontio.directory.models import Organisation
from pontio.directory.roles import Role
from pontio.lostpupils.models import LostPupilRecord
from pontio.transfers import services
from tests.base import make_organisation, make_user
from tests.e2e.base import BrowserTestCase
from tests.lostpupils.base import lost_pupil_ctf, pupil_upn
from tests.transfers import BlobStorageTestCase

FILENAME = "6812003_CTF_XXXXXXX_001.XML"


class LostPupilSearchBrowserTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        storage = BlobStorageTestCase("setUp")
        storage.setUp()
        self.addCleanup(storage.doCleanups)
        cardiff = make_organisation(Organisation.Kind.LA, "681", "Cardiff")
        school = make_organisation(
            Organisation.Kind.SCHOOL, "6812003", "Ysgol Pen y Bryn"
        )
        teacher = make_user("6812003office", school, Role.SCHOOL)
        self.officer = make_user("681lost", cardiff, Role.LA_LOST_PUPIL)
        self.original = lost_pupil_ctf(
            "6812003", upn=pupil_upn(1), surname="Llewellyn", forename="Cerys"
        )
        services.upload_file(io.BytesIO(self.original), FILENAME, actor=teacher)
        self.record = LostPupilRecord.objects.get()

    def test_an_officer_finds_a_soundalike_and_downloads_the_file(self) -> None:
        page = self.sign_in(self.officer)
        page.goto(self.url("/lost-pupils/"))
        page.fill("input[name=surname]", "Lewelyn")
        page.fill("input[name=date_of_birth]", "06/05/2014")
        self.submit(page, "#search-button")
        row = page.locator(f"#results tr[data-code='{self.record.code}']")
        self.assertEqual(row.count(), 1)
        with page.expect_navigation():
            row.locator("a").click()
        self.assertEqual(page.url, self.url(f"/lost-pupils/pupils/{self.record.code}/"))
        self.assertIn("6812003", page.locator("#school").inner_text())
        with page.expect_navigation():
            page.locator("#download-link").click()
        # Without the tick, no file: the error summary asks for it.
        self.submit(page, "#download-button")
        self.assertEqual(page.locator(".govuk-error-summary").count(), 1)
        page.locator("label[for='id_confirm_on_roll']").click()
        with page.expect_download() as caught:
            page.locator("#download-button").click()
        download = caught.value
        self.assertEqual(download.suggested_filename, FILENAME)
        self.assertEqual(Path(download.path()).read_bytes(), self.original)
        page.locator("label[for='id_downloaded_0']").click()
        self.submit(page, "#confirm-button")
        self.assertEqual(page.url, self.url("/lost-pupils/"))
        self.record.refresh_from_db()
        self.assertEqual(self.record.state, LostPupilRecord.State.DOWNLOADED)
        self.assertEqual(self.record.downloaded_by_la.code, "681")
        self.assertEqual(self.problems, [])
