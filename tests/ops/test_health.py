"""``GET /healthz``: each check, and each failure for real."""

import tempfile
from datetime import timedelta
from pathlib import Path

import time_machine
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from pontio.ops import heartbeat
from tests.base import PontioTestCase


def unwritable_storage(folder: str) -> dict:
    # A path under a plain file cannot be created, even by root.
    blocker = Path(folder) / "not-a-folder"
    blocker.write_text("x")
    return {
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(blocker / "files")},
        },
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


class HealthTests(PontioTestCase):
    def setUp(self) -> None:
        heartbeat.record_heartbeat("worker-1", started_at=timezone.now())

    def test_answers_ok_when_everything_works(self) -> None:
        response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.json(),
            {"status": "ok", "database": "ok", "storage": "ok", "worker": "ok"},
        )

    def test_needs_no_sign_in_and_sets_no_cookie(self) -> None:
        response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 200)
        self.assertFalse(response.cookies)

    def test_leaves_no_probe_file_behind(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            storages = unwritable_storage(folder)
            storages["default"]["OPTIONS"]["location"] = folder
            with override_settings(STORAGES=storages):
                self.assertEqual(self.client.get("/healthz").status_code, 200)
            leftovers = [p for p in Path(folder).rglob("*") if p.is_file()]
            self.assertEqual([p.name for p in leftovers], ["not-a-folder"])

    def test_fails_when_storage_cannot_be_written(self) -> None:
        with (
            tempfile.TemporaryDirectory() as folder,
            self.assertLogs("pontio.health", "ERROR"),
            override_settings(STORAGES=unwritable_storage(folder)),
        ):
            response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 503)
        body = response.json()
        self.assertEqual(body["status"], "fail")
        self.assertEqual(body["storage"], "fail")
        self.assertEqual(body["database"], "ok")

    def test_fails_when_the_worker_heartbeat_is_stale(self) -> None:
        later = timezone.now() + heartbeat.HEARTBEAT_STALE_AFTER + timedelta(seconds=5)
        with time_machine.travel(later, tick=False):
            response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.json()["worker"], "fail")
        self.assertEqual(response.json()["storage"], "ok")

    def test_a_recent_heartbeat_within_the_limit_passes(self) -> None:
        later = timezone.now() + heartbeat.HEARTBEAT_STALE_AFTER - timedelta(seconds=5)
        with time_machine.travel(later, tick=False):
            response = self.client.get("/healthz")
        self.assertEqual(response.json()["worker"], "ok")

    def test_fails_when_no_worker_ever_started(self) -> None:
        heartbeat.forget_worker("worker-1")
        response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.json()["worker"], "fail")

    def test_fails_when_the_database_cannot_answer(self) -> None:
        # The table the check reads disappears (rolled back with the test).
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE audit_audithead RENAME TO audit_audithead_gone")
        with self.assertLogs("pontio.health", "ERROR"):
            response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.json()["database"], "fail")
        self.assertEqual(response.json()["worker"], "ok")

    def test_only_get_is_allowed(self) -> None:
        self.assertEqual(self.client.post("/healthz").status_code, 405)
