"""The audit trail: recording, the hash chain, and tamper detection."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from unittest import skipUnless

from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test import RequestFactory, TransactionTestCase

from pontio.audit import services as audit
from pontio.audit.models import AuditEvent, AuditHead
from tests.base import PontioTestCase

REPO = Path(__file__).resolve().parents[2]


class RecordTests(PontioTestCase):
    def test_records_who_did_what_where_and_from_which_address(self) -> None:
        user = self.users["la_dba"]
        request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.7")
        event = audit.record(
            "school.updated",
            actor=user,
            obj=self.school,
            request=request,
            field="email",
        )
        event.refresh_from_db()
        self.assertEqual(event.actor_id, user.pk)
        self.assertEqual(event.actor_label, user.username)
        self.assertEqual(event.organisation_code, "681")
        self.assertEqual(event.role, "la_dba")
        self.assertEqual(event.object_type, "directory.organisation")
        self.assertEqual(event.object_ref, "6812003")
        self.assertEqual(event.ip_address, "192.0.2.7")
        self.assertEqual(event.details, {"field": "email"})
        self.assertEqual(event.outcome, "success")

    def test_refers_to_a_user_by_public_code(self) -> None:
        target = self.users["school"]
        event = audit.record("user.created", actor=self.users["la_dba"], obj=target)
        self.assertEqual(event.object_ref, str(target.code))

    def test_records_an_anonymous_failure_with_the_attempted_username(self) -> None:
        event = audit.record(
            "user.sign_in_failed",
            actor=None,
            outcome="failure",
            username="nobody-by-this-name",
        )
        self.assertIsNone(event.actor_id)
        self.assertEqual(event.actor_label, "")
        self.assertEqual(event.details, {"username": "nobody-by-this-name"})

    def test_explicit_organisation_wins_over_the_actors(self) -> None:
        event = audit.record(
            "la.updated", actor=self.users["central_admin"], organisation=self.dorset
        )
        self.assertEqual(event.organisation_code, "838")

    def test_keeps_the_actor_label_after_the_user_is_deleted(self) -> None:
        user = self.users["la_user"]
        event = audit.record("user.signed_in", actor=user)
        user.delete()
        event.refresh_from_db()
        self.assertEqual(event.actor_label, "681la_user")
        self.assertTrue(audit.verify_chain().ok)

    def test_an_event_rolls_back_with_the_callers_transaction(self) -> None:
        before = AuditEvent.objects.count()
        with self.assertRaises(RuntimeError), transaction.atomic():
            audit.record("user.created", actor=self.users["la_dba"])
            raise RuntimeError("the change failed")
        self.assertEqual(AuditEvent.objects.count(), before)
        audit.record("user.created", actor=self.users["la_dba"])
        self.assertTrue(audit.verify_chain().ok)

    def test_an_ip_address_that_is_not_one_is_left_out(self) -> None:
        request = RequestFactory().get("/", REMOTE_ADDR="<script>")
        event = audit.record("user.signed_in", actor=None, request=request)
        self.assertEqual(event.ip_address, "")

    def test_rows_cannot_be_changed_or_deleted_through_the_model(self) -> None:
        event = audit.record("user.signed_in", actor=self.users["school"])
        event.action = "user.signed_out"
        with self.assertRaises(TypeError):
            event.save()
        with self.assertRaises(TypeError):
            event.delete()


class ChainTests(PontioTestCase):
    def setUp(self) -> None:
        actor = self.users["la_dba"]
        self.events = [
            audit.record("user.created", actor=actor, obj=self.users["school"], n=n)
            for n in range(6)
        ]

    def test_an_untouched_chain_verifies(self) -> None:
        result = audit.verify_chain()
        self.assertTrue(result.ok)
        self.assertEqual(result.count, 6)

    def test_each_event_links_to_the_one_before(self) -> None:
        for before, after in zip(self.events, self.events[1:], strict=False):
            self.assertEqual(after.previous_hash, before.hash)
            self.assertEqual(after.seq, before.seq + 1)

    def test_detects_a_changed_field(self) -> None:
        cases = {
            "action": "user.deleted",
            "actor_label": "someone-else",
            "outcome": "failure",
            "details": {"n": 99},
            "ip_address": "198.51.100.1",
        }
        for field, value in cases.items():
            with self.subTest(field=field), transaction.atomic():
                target = self.events[2]
                AuditEvent.objects.filter(pk=target.pk).update(**{field: value})
                result = audit.verify_chain()
                self.assertFalse(result.ok)
                self.assertEqual(result.reason, "hash_mismatch")
                self.assertEqual(result.broken_id, target.pk)
                transaction.set_rollback(True)

    def test_detects_a_changed_field_whose_hash_was_recomputed(self) -> None:
        target = AuditEvent.objects.get(pk=self.events[2].pk)
        target.action = "user.deleted"
        forged = audit.event_hash(target)
        rows = AuditEvent.objects.filter(pk=target.pk)
        rows.update(action=target.action, hash=forged)
        result = audit.verify_chain()
        self.assertFalse(result.ok)
        self.assertEqual(result.reason, "previous_hash_mismatch")
        self.assertEqual(result.broken_id, self.events[3].pk)

    def test_detects_a_removed_row(self) -> None:
        AuditEvent.objects.filter(pk=self.events[3].pk).delete()
        result = audit.verify_chain()
        self.assertFalse(result.ok)
        self.assertEqual(result.reason, "sequence_gap")
        self.assertEqual(result.broken_id, self.events[4].pk)

    def test_detects_the_last_row_removed(self) -> None:
        AuditEvent.objects.filter(pk=self.events[-1].pk).delete()
        result = audit.verify_chain()
        self.assertFalse(result.ok)
        self.assertEqual(result.reason, "head_mismatch")

    def test_detects_a_forged_row_inserted_in_the_middle(self) -> None:
        # The forger replaces event 3 with a row whose own hash is correct.
        original = self.events[3]
        AuditEvent.objects.filter(pk=original.pk).delete()
        forged = AuditEvent(
            seq=original.seq,
            at=original.at,
            action="user.created",
            actor_label="forger",
            previous_hash=self.events[2].hash,
        )
        forged.hash = audit.event_hash(forged)
        forged.save(force_insert=True)
        result = audit.verify_chain()
        self.assertFalse(result.ok)
        self.assertEqual(result.reason, "previous_hash_mismatch")
        self.assertEqual(result.broken_id, self.events[4].pk)

    def test_detects_a_forged_row_appended_without_the_head(self) -> None:
        last = self.events[-1]
        forged = AuditEvent(
            seq=last.seq + 1, at=last.at, action="x.y", previous_hash=last.hash
        )
        forged.hash = audit.event_hash(forged)
        forged.save(force_insert=True)
        result = audit.verify_chain()
        self.assertFalse(result.ok)
        self.assertEqual(result.reason, "head_mismatch")


class VerifyCommandTests(PontioTestCase):
    def test_exits_zero_and_prints_the_count_when_intact(self) -> None:
        for _ in range(3):
            audit.record("user.signed_in", actor=self.users["school"])
        out = io.StringIO()
        call_command("audit", "verify", stdout=out)
        self.assertIn("3", out.getvalue())

    def test_exits_one_and_names_the_first_broken_entry(self) -> None:
        events = [
            audit.record("user.signed_in", actor=self.users["school"]) for _ in range(3)
        ]
        AuditEvent.objects.filter(pk=events[1].pk).update(actor_label="mallory")
        out = io.StringIO()
        with self.assertRaises(CommandError) as raised:
            call_command("audit", "verify", stdout=out)
        self.assertEqual(raised.exception.returncode, 1)
        self.assertIn(f"id={events[1].pk}", out.getvalue())
        self.assertIn("hash_mismatch", out.getvalue())


WRITER = """
import sys
import django
django.setup()
from pontio.audit import services as audit
for n in range(int(sys.argv[1])):
    audit.record("test.appended", actor=None, writer=sys.argv[2], n=n)
"""


class ConcurrentAppendTests(TransactionTestCase):
    def test_appends_from_many_processes_keep_one_chain(self) -> None:
        # Separate processes, each with its own connection, on a real database file.
        with tempfile.TemporaryDirectory() as data_dir:
            env = {**os.environ, "PONTIO_DATA_DIR": data_dir}
            env.pop("DATABASE_URL", None)
            env["DJANGO_SETTINGS_MODULE"] = "pontio.settings"
            pontio = [sys.executable, "-m", "pontio.cli"]
            subprocess.run(
                [*pontio, "migrate", "-v", "0"], env=env, cwd=REPO, check=True
            )
            writers = [
                subprocess.Popen(
                    [sys.executable, "-c", WRITER, "25", str(n)], env=env, cwd=REPO
                )
                for n in range(4)
            ]
            self.assertEqual([writer.wait() for writer in writers], [0] * 4)
            verify = subprocess.run(
                [*pontio, "audit", "verify"],
                env=env,
                cwd=REPO,
                capture_output=True,
                text=True,
            )
        self.assertEqual(verify.returncode, 0, verify.stdout + verify.stderr)
        self.assertIn("100 events", verify.stdout)

    @skipUnless(connection.vendor == "postgresql", "row locks need PostgreSQL")
    def test_appends_from_many_threads_keep_one_chain(self) -> None:
        def write(n: int) -> None:
            try:
                for i in range(20):
                    audit.record("test.appended", actor=None, writer=n, n=i)
            finally:
                connection.close()

        threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        result = audit.verify_chain()
        self.assertTrue(result.ok, result)
        self.assertEqual(result.count, 80)
        self.assertEqual(AuditHead.objects.get().seq, 80)
