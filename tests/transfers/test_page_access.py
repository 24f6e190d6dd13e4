"""Who may open each hub page: 200 for the roles it serves, 403 for the others,
404 for a file of another organisation."""

from __future__ import annotations

from django.urls import reverse

from pontio.directory.models import User
from pontio.transfers.models import Transfer
from tests.transfers.helpers import HubTestCase, ctf_bytes, ctf_name

CTF_ROLES = {
    "school",
    "la_dba",
    "la_user",
    "la_school",
    "la_lost_pupil_transfer",
    "la_plasc",
    "la_admissions",
}
GENERIC_ROLES = {
    "school",
    "la_user",
    "la_school",
    "la_lost_pupil",
    "la_lost_pupil_transfer",
    "la_plasc",
    "la_admissions",
}
MONITOR_ROLES = {"la_dba", "la_user", "la_school"}
# Each page without a file in its address, and the roles it serves.
PAGES: dict[tuple[str, str], set[str]] = {
    ("transfers:inbox", ""): CTF_ROLES | GENERIC_ROLES,
    ("transfers:inbox_kind", "ctf"): CTF_ROLES,
    ("transfers:inbox_kind", "generic"): GENERIC_ROLES,
    ("transfers:outbox", ""): CTF_ROLES | GENERIC_ROLES,
    ("transfers:upload_ctf", ""): CTF_ROLES,
    ("transfers:upload_generic", ""): GENERIC_ROLES,
    ("transfers:la_monitoring", ""): MONITOR_ROLES,
    ("transfers:la_not_collected", ""): MONITOR_ROLES,
    ("transfers:la_copies", ""): MONITOR_ROLES,
    ("transfers:destruction_log", ""): MONITOR_ROLES,
    ("transfers:destruction_log_csv", ""): MONITOR_ROLES,
}


class PageAccessTests(HubTestCase):
    def status_for(self, user: User, url: str, method: str = "get") -> int:
        self.login(user)
        return int(getattr(self.client, method)(url).status_code)

    def test_each_page_serves_its_roles_and_refuses_the_others(self) -> None:
        for (name, kind), roles in PAGES.items():
            url = reverse(name, kwargs={"kind": kind}) if kind else reverse(name)
            for role, user in self.users.items():
                with self.subTest(page=name, kind=kind, role=role):
                    expected = 200 if role in roles else 403
                    self.assertEqual(self.status_for(user, url), expected)

    def test_signed_out_visitors_are_sent_to_sign_in(self) -> None:
        for name, kind in PAGES:
            url = reverse(name, kwargs={"kind": kind}) if kind else reverse(name)
            with self.subTest(page=name, kind=kind):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 302)
                self.assertIn(reverse("account:sign_in"), response["Location"])

    def test_an_unknown_kind_of_inbox_does_not_exist(self) -> None:
        url = reverse("transfers:inbox_kind", kwargs={"kind": "secret"})
        self.assertEqual(self.status_for(self.users["school"], url), 404)


class FileAccessTests(HubTestCase):
    """A Cardiff school's file to another Cardiff school, seen by everybody."""

    def setUp(self) -> None:
        super().setUp()
        self.cardiff.receive_ctf_copies = False
        self.cardiff.save(update_fields=["receive_ctf_copies"])
        self.transfer = self.upload(
            self.users["school"],
            ctf_name("6812003", "6812004"),
            ctf_bytes("6812003", "6812004"),
        )

    def urls(self) -> dict[str, str]:
        code = {"code": self.transfer.code}
        return {
            "transfer": reverse("transfers:transfer", kwargs=code),
            "download": f"{reverse('transfers:download')}?file={self.transfer.code}",
            "reject": reverse("transfers:reject", kwargs=code),
            "la_delete": reverse("transfers:la_delete", kwargs=code),
            "la_forward": reverse("transfers:la_forward", kwargs=code),
        }

    def test_each_file_page_answers_each_user_as_its_rule_says(self) -> None:
        sender, recipient = self.users["school"], self.school2_user
        officer, other_la = self.users["la_user"], self.other_dba
        table: dict[str, list[tuple[User, int]]] = {
            "transfer": [(sender, 200), (recipient, 200), (officer, 404)],
            "download": [(sender, 200), (recipient, 200), (officer, 404)],
            "reject": [(recipient, 200), (sender, 403), (officer, 404)],
            "la_delete": [(officer, 200), (sender, 403), (recipient, 403)],
            "la_forward": [(officer, 200), (sender, 403), (recipient, 403)],
        }
        # Users of another LA, and roles without any file capability.
        for rows in table.values():
            rows.append((self.outsider, 403 if rows[0][0] is officer else 404))
        for page in ("transfer", "download", "reject"):
            table[page].append((other_la, 404))
            table[page].append((self.users["central_admin"], 403))
        for page in ("la_delete", "la_forward"):
            table[page].append((other_la, 404))
        urls = self.urls()
        for page, rows in table.items():
            for user, expected in rows:
                with self.subTest(page=page, user=user.username):
                    self.assertEqual(self.status_for(user, urls[page]), expected)

    def test_another_las_officer_cannot_act_on_the_file(self) -> None:
        urls = self.urls()
        self.login(self.other_dba)
        for page in ("la_delete", "la_forward"):
            with self.subTest(page=page):
                self.assertEqual(self.client.post(urls[page]).status_code, 404)
        self.transfer.refresh_from_db()
        self.assertEqual(self.transfer.status, Transfer.Status.AWAITING)

    def test_an_outsider_cannot_download_or_reject_by_post(self) -> None:
        urls = self.urls()
        self.login(self.outsider)
        download = self.client.post(
            reverse("transfers:download"), {"file": str(self.transfer.code)}
        )
        self.assertEqual(download.status_code, 404)
        reject = self.client.post(urls["reject"], {"reason": "mine now"})
        self.assertEqual(reject.status_code, 404)
        self.transfer.refresh_from_db()
        self.assertEqual(self.transfer.status, Transfer.Status.AWAITING)

    def test_a_made_up_code_is_not_found(self) -> None:
        self.login(self.school2_user)
        response = self.client.get(
            reverse("transfers:download"),
            {"file": "00000000-0000-0000-0000-000000000000"},
        )
        self.assertEqual(response.status_code, 404)

    def status_for(self, user: User, url: str) -> int:
        self.login(user)
        return int(self.client.get(url).status_code)
