"""A crash between storing the file and committing its row leaves nothing behind.

The crash is a real database failure: a trigger makes one of the transaction's
later inserts fail, after the encrypted file has been written to storage.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import DatabaseError, connection
from django.db.models import Model
from django_tasks_db.models import DBTaskResult

from pontio.audit.models import AuditEvent
from pontio.transfers.housekeeping import remove_orphan_blobs
from pontio.transfers.models import StoredBlob, Transfer, TransferPupil
from tests.transfers.helpers import HubTestCase, ctf_bytes, ctf_name


@contextmanager
def failing_inserts(model: type[Model]) -> Iterator[None]:
    """Make every insert into ``model``'s table fail, as a crash would."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION pontio_injected_crash() RETURNS trigger AS "
                "$$ BEGIN RAISE EXCEPTION 'injected crash'; END; $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                f"CREATE TRIGGER pontio_injected_crash BEFORE INSERT ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION pontio_injected_crash()"
            )
        else:
            cursor.execute(
                f"CREATE TRIGGER pontio_injected_crash BEFORE INSERT ON {table} "
                "BEGIN SELECT RAISE(ABORT, 'injected crash'); END"
            )
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER pontio_injected_crash ON {table}")
                cursor.execute("DROP FUNCTION pontio_injected_crash()")
            else:
                cursor.execute("DROP TRIGGER pontio_injected_crash")


class CrashTests(HubTestCase):
    def stored_files(self) -> list[Path]:
        return [path for path in (self.folder / "files").rglob("*") if path.is_file()]

    def test_a_crash_before_the_commit_leaves_nothing_visible_and_no_orphan(
        self,
    ) -> None:
        # Each table the upload's transaction writes after storing the file.
        for model in (TransferPupil, AuditEvent, DBTaskResult):
            with self.subTest(crash_at=model.__name__):
                with failing_inserts(model), self.assertRaises(DatabaseError):
                    self.upload(
                        self.users["school"],
                        ctf_name("6812003", "6812004"),
                        ctf_bytes("6812003", "6812004", pupils=2),
                    )
                self.assertFalse(Transfer.objects.exists())
                self.assertFalse(StoredBlob.objects.exists())
                self.assertFalse(TransferPupil.objects.exists())
                self.assertFalse(DBTaskResult.objects.exists())
                self.assertFalse(
                    AuditEvent.objects.filter(action="transfer.uploaded").exists()
                )
                # The encrypted file was written: it is an orphan until cleaned.
                self.assertEqual(len(self.stored_files()), 1)
                removed = remove_orphan_blobs(older_than=datetime.timedelta(0))
                self.assertEqual(removed, 1)
                self.assertEqual(self.stored_files(), [])

    def test_the_same_upload_succeeds_once_the_fault_is_gone(self) -> None:
        with failing_inserts(TransferPupil), self.assertRaises(DatabaseError):
            self.school_ctf()
        transfer = self.school_ctf()
        self.assertEqual(Transfer.objects.get(), transfer)
        self.assertEqual(len(self.stored_files()), 2)
        self.assertEqual(remove_orphan_blobs(older_than=datetime.timedelta(0)), 1)
        self.assertEqual(len(self.stored_files()), 1)
