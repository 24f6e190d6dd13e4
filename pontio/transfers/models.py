"""The transfer hub's tables."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# ---------------------------------------------------------------------------
# Stored files: every file encrypted at rest (pontio/transfers/blobs.py,
# docs/decisions/0003-encryption-at-rest.md).
# ---------------------------------------------------------------------------


class StoredBlob(models.Model):
    """One encrypted file in storage, with the data key that opens it.

    ``storage_name`` is random: it never says anything about the file or its
    pupils. ``size`` and ``sha256`` describe the plaintext and are checked on
    every read. ``wrapped_key`` is the file's data key encrypted under the master
    key ``master_key_id``; rotation rewrites these two fields, never the file.
    """

    code = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    storage_name = models.CharField(max_length=255, unique=True, editable=False)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    wrapped_key = models.BinaryField(max_length=128)
    master_key_id = models.CharField(max_length=32)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            # Rotation: the files still wrapped under an older key, in pk order.
            models.Index(fields=["master_key_id", "id"], name="storedblob_key_idx"),
        ]

    def __str__(self) -> str:
        return str(self.code)


# ---------------------------------------------------------------------------
# Transfers: files sent from one school or LA mailbox to another, or to the
# Lost Pupil Database (pontio/transfers/services/).
# ---------------------------------------------------------------------------


# What the reports count a file by, carried in the LA date indexes (PostgreSQL's
# INCLUDE; other databases index the key columns alone).
REPORTED_COLUMNS = ("kind", "route", "status", "collected_at", "pupil_count")
# The report of generic and other file movements: zip files, and files to or
# from an LA's mailboxes (a few in a hundred), indexed on their own.
OTHER_FILES = (
    models.Q(kind="generic") | models.Q(route="la") | ~models.Q(source_mailbox="")
)


class Transfer(models.Model):
    """One file sent through the hub, from its upload to its deletion.

    The row outlives the file: once the file is deleted (rejected, deleted by an
    LA, or past its retention) the row stays as the sender's receipt, without
    the file and without its pupils. ``source_code`` and ``destination_code`` are
    the 7-character codes of the file name (``8383321``, ``681LLLL``,
    ``XXXXXXX``). ``source_la`` and ``destination_la`` are the local authorities
    the two ends belong to, kept for the LA's monitoring views.
    """

    class Kind(models.TextChoices):
        CTF = "ctf", _("Common Transfer File")
        GENERIC = "generic", _("Other file (zip)")

    class Route(models.TextChoices):
        SCHOOL = "school", _("School")
        LA = "la", _("Local authority")
        LOST_PUPILS = "lost_pupils", _("Lost Pupil Database")

    class Status(models.TextChoices):
        AWAITING = "awaiting", _("Awaiting download")
        COLLECTED = "collected", _("Collected")
        REJECTED = "rejected", _("Rejected")
        DELETED = "deleted", _("Deleted")

    class Mailbox(models.TextChoices):
        NONE = "", _("School")
        GENERAL = "LLLL", _("LA general (LLLL)")
        PLASC = "PLAS", _("LA PLASC (PLAS)")
        ADMISSIONS = "ADMS", _("LA admissions (ADMS)")

    code = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    filename = models.CharField(_("file name"), max_length=255)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    route = models.CharField(max_length=12, choices=Route.choices)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.AWAITING
    )
    source = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    source_mailbox = models.CharField(
        max_length=4, choices=Mailbox.choices, blank=True, default=""
    )
    source_code = models.CharField(max_length=7)
    source_la = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    # None for the Lost Pupil Database, which belongs to no organisation.
    destination = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    destination_mailbox = models.CharField(
        max_length=4, choices=Mailbox.choices, blank=True, default=""
    )
    destination_code = models.CharField(max_length=7)
    destination_la = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_by = models.ForeignKey(
        "directory.User", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    collected_at = models.DateTimeField(null=True, blank=True)
    collected_by = models.ForeignKey(
        "directory.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    rejected_at = models.DateTimeField(null=True, blank=True)
    rejected_by = models.ForeignKey(
        "directory.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    rejection_reason = models.TextField(blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    # None when the retention policy deleted the file.
    deleted_by = models.ForeignKey(
        "directory.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    pupil_count = models.PositiveIntegerField(default=0)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    blob = models.OneToOneField(
        StoredBlob,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="transfer",
    )
    # Each warning as {code, template, params, line, path}: the English template
    # and its values, so that it renders in each reader's language.
    warnings = models.JSONField(default=list, blank=True)
    # The CTF header's source and destination (LEA and Estab joined), as sent.
    header_source = models.CharField(max_length=7, blank=True)
    header_destination = models.CharField(max_length=7, blank=True)
    # Set once the destination's LA has been told the file is overdue.
    overdue_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        indexes = [
            # Inboxes (queries.box_listing): files addressed to an organisation's
            # mailbox, by status.
            models.Index(
                fields=["destination", "destination_mailbox", "status"],
                name="transfer_inbox_idx",
            ),
            # Outboxes (queries.box_listing): files sent from an organisation's
            # mailbox, newest first.
            models.Index(
                fields=["source", "source_mailbox", "uploaded_at"],
                name="transfer_outbox_idx",
            ),
            # Files to the LA's schools by status: queries.files_not_collected and
            # the "incoming" and "within" views of queries.la_monitoring.
            models.Index(
                fields=["destination_la", "status", "uploaded_at"],
                name="transfer_dest_la_idx",
            ),
            # Files from the LA's schools by upload date, with the columns the
            # reports read, so that their figures come from the index alone:
            # reports.queries.usage (uploads), school_transfers (sent, and its
            # count), la_cluster and monthly_volumes. It replaces an index on
            # (source_la, status, uploaded_at): the "outgoing" view of
            # queries.la_monitoring reads transfer_waiting_idx instead.
            models.Index(
                fields=["source_la", "uploaded_at"],
                include=[*REPORTED_COLUMNS, "source", "destination_la"],
                name="transfer_source_la_date_idx",
            ),
            # Files to the LA's schools by upload date, likewise: usage (downloads,
            # awaiting, rejected), school_transfers (received) and
            # monthly_volumes.
            models.Index(
                fields=["destination_la", "uploaded_at"],
                include=[*REPORTED_COLUMNS, "destination", "source_la"],
                name="transfer_dest_la_date_idx",
            ),
            # reports.queries.file_movements: the LA's other files sent, and
            # received from elsewhere, by upload date.
            models.Index(
                fields=["source_la", "uploaded_at"],
                condition=OTHER_FILES,
                name="transfer_other_sent_idx",
            ),
            models.Index(
                fields=["destination_la", "uploaded_at"],
                include=["source_la"],
                condition=OTHER_FILES,
                name="transfer_other_received_idx",
            ),
            # Retention (services.retention.apply_retention): collected files by
            # the day they were collected.
            models.Index(
                fields=["status", "collected_at"], name="transfer_retention_idx"
            ),
            # Weekly digests and overdue notices (services.notify): files still
            # awaiting download, oldest first.
            models.Index(fields=["status", "uploaded_at"], name="transfer_waiting_idx"),
        ]
        constraints = [
            # The duplicate rule: one identical file awaiting a destination.
            models.UniqueConstraint(
                fields=["destination_code", "sha256"],
                condition=models.Q(status="awaiting"),
                name="transfer_one_identical_awaiting",
            ),
            # Only the Lost Pupil Database has no destination organisation.
            models.CheckConstraint(
                condition=(
                    models.Q(route="lost_pupils", destination__isnull=True)
                    | (
                        ~models.Q(route="lost_pupils")
                        & models.Q(destination__isnull=False)
                    )
                ),
                name="transfer_destination_matches_route",
            ),
            # Only a CTF may go to the Lost Pupil Database.
            models.CheckConstraint(
                condition=~models.Q(route="lost_pupils", kind="generic"),
                name="transfer_lost_pupils_ctf_only",
            ),
            # A file is held while it may still be downloaded.
            models.CheckConstraint(
                condition=(
                    models.Q(status__in=["rejected", "deleted"])
                    | models.Q(blob__isnull=False)
                ),
                name="transfer_file_held_until_gone",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="collected")
                | models.Q(collected_at__isnull=False),
                name="transfer_collected_has_date",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="rejected")
                | models.Q(rejected_at__isnull=False),
                name="transfer_rejected_has_date",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="deleted")
                | models.Q(deleted_at__isnull=False),
                name="transfer_deleted_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.filename

    @property
    def is_available(self) -> bool:
        """Whether the file can still be downloaded."""
        return self.blob_id is not None and self.status in (
            self.Status.AWAITING,
            self.Status.COLLECTED,
        )

    @property
    def is_to_la_itself(self) -> bool:
        """Whether the file was sent to an LA mailbox rather than a school."""
        return self.route == self.Route.LA

    def rendered_warnings(self) -> list[dict[str, str]]:
        """The warnings as ``{code, message}``, in the active language."""
        return [
            {"code": item["code"], "message": _render(item)} for item in self.warnings
        ]


def _render(item: dict[str, Any]) -> str:
    template = gettext(item["template"])
    params = item.get("params") or {}
    try:
        return template % params if params else template
    except (KeyError, TypeError, ValueError):
        # A translation that lost a placeholder: fall back to English.
        return str(item["template"]) % params if params else str(item["template"])


class TransferPupil(models.Model):
    """A pupil in a CTF: the few facts shown to LAs and indexed for searching.

    Deleted with the file: once the file is gone, nothing of its pupils stays.
    """

    transfer = models.ForeignKey(
        Transfer, on_delete=models.CASCADE, related_name="pupils"
    )
    position = models.PositiveIntegerField()
    upn = models.CharField(_("UPN"), max_length=13, blank=True)
    former_upn = models.CharField(_("former UPN"), max_length=13, blank=True)
    surname = models.CharField(_("surname"), max_length=100, blank=True)
    forename = models.CharField(_("forename"), max_length=100, blank=True)
    middle_names = models.CharField(_("middle names"), max_length=100, blank=True)
    former_surname = models.CharField(_("former surname"), max_length=100, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=1, blank=True)
    town = models.CharField(_("town"), max_length=100, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)

    class Meta:
        ordering = ["transfer", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["transfer", "position"], name="transferpupil_one_per_place"
            ),
        ]
        indexes = [
            # Lost pupil search by UPN or former UPN.
            models.Index(fields=["upn"], name="transferpupil_upn_idx"),
            models.Index(fields=["former_upn"], name="transferpupil_former_upn_idx"),
            # Lost pupil search by surname (exact or begins with), then forename.
            models.Index(fields=["surname", "forename"], name="transferpupil_name_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.transfer_id}/{self.position}"


class DestructionLogEntry(models.Model):
    """One deletion of a file, by a person or by the retention policy.

    The fields are those a destruction log must hold: a file reference, a
    description, the number of files, the authorising officer (or the policy)
    and the date. ``la`` is the local authority whose log it belongs to.
    """

    class Reason(models.TextChoices):
        DELETED_BY_LA = "deleted_by_la", _("Deleted by the local authority")
        REJECTED = "rejected", _("Rejected by the recipient")
        RETENTION = "retention", _("Retention period ended")

    la = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    transfer = models.ForeignKey(
        Transfer,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="destruction_entries",
    )
    file_reference = models.CharField(_("file reference"), max_length=64)
    description = models.CharField(_("description"), max_length=400)
    number_of_files = models.PositiveIntegerField(_("number of files"), default=1)
    reason = models.CharField(max_length=16, choices=Reason.choices)
    authorised_by = models.ForeignKey(
        "directory.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The officer's name as it stood on the day; blank when the policy deleted it.
    authorising_officer = models.CharField(
        _("authorising officer"), max_length=200, blank=True
    )
    destroyed_at = models.DateTimeField(_("date action taken"), default=timezone.now)

    class Meta:
        ordering = ["-destroyed_at", "-id"]
        verbose_name_plural = "destruction log entries"
        indexes = [
            # The LA's destruction log, newest first, by date range.
            models.Index(fields=["la", "destroyed_at"], name="destruction_la_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(number_of_files__gte=1),
                name="destruction_at_least_one_file",
            ),
        ]

    def __str__(self) -> str:
        return self.file_reference

    @property
    def authority(self) -> str:
        """Who authorised the deletion: the officer, or the retention policy."""
        if self.authorising_officer:
            return self.authorising_officer
        return str(self.get_reason_display())
