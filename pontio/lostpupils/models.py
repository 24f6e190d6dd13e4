"""The Lost Pupil Database: one searchable record for every lost-pupil file."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

KEY_LENGTH = 24
NAME_LENGTH = 100


def _key_field() -> models.CharField[str, str]:
    return models.CharField(max_length=KEY_LENGTH, blank=True, default="")


SURNAME_KEY_COLUMNS = ("surname_key1", "surname_key2", "surname_key3")
FORMER_SURNAME_KEY_COLUMNS = (
    "former_surname_key1",
    "former_surname_key2",
    "former_surname_key3",
)
FORENAME_KEY_COLUMNS = ("forename_key1", "forename_key2")


class LostPupilRecord(models.Model):
    """A pupil whose file a school sent to ``XXXXXXX`` or ``MMMMMMM``.

    The display columns keep the file's spelling. Beside them, the ``*_norm``
    columns hold the same value normalised for searching (lower case, no
    diacritics, words separated by one space) and the ``*_key*`` columns the
    soundalike keys of ``pontio/lostpupils/phonetic.py``, computed once when the
    file is indexed, so that a search is an indexed lookup.
    """

    class Kind(models.TextChoices):
        MISSING = "missing", _("Destination unknown (XXXXXXX)")
        LEFT_SECTOR = "left_sector", _("Left the maintained sector (MMMMMMM)")

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        DOWNLOADED = "downloaded", _("Downloaded by a local authority")
        REMOVED = "removed", _("Removed")

    class RemovalReason(models.TextChoices):
        DESTINATION_KNOWN = "destination_known", _("The pupil's destination is known")
        PAST_SCHOOL_AGE = (
            "past_school_age",
            _("The pupil is past compulsory school age"),
        )

    code = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    # None for records made without a stored file (benchmarks, imports).
    transfer = models.OneToOneField(
        "transfers.Transfer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="lost_pupil",
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    school = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    la_code = models.CharField(_("LA number"), max_length=3)
    uploaded_at = models.DateTimeField(_("date uploaded"), default=timezone.now)
    downloaded_by_la = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    downloaded_at = models.DateTimeField(null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    removal_reason = models.CharField(
        max_length=20, choices=RemovalReason.choices, blank=True
    )
    # What the removing officer said about the pupil's destination.
    removal_note = models.CharField(max_length=500, blank=True)
    # The school of the downloading LA the file was sent on to (seed 002 s. 4.2).
    transferred_to = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    upn = models.CharField(_("UPN"), max_length=13, blank=True)
    former_upn = models.CharField(_("former UPN"), max_length=13, blank=True)
    surname = models.CharField(_("surname"), max_length=NAME_LENGTH, blank=True)
    former_surname = models.CharField(
        _("former surname"), max_length=NAME_LENGTH, blank=True
    )
    forename = models.CharField(_("forename"), max_length=NAME_LENGTH, blank=True)
    middle_names = models.CharField(
        _("middle names"), max_length=NAME_LENGTH, blank=True
    )
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=1, blank=True)
    town = models.CharField(_("town"), max_length=NAME_LENGTH, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)

    surname_norm = models.CharField(max_length=NAME_LENGTH, blank=True)
    former_surname_norm = models.CharField(max_length=NAME_LENGTH, blank=True)
    forename_norm = models.CharField(max_length=NAME_LENGTH, blank=True)
    town_norm = models.CharField(max_length=NAME_LENGTH, blank=True)

    # Whole name, then first and last word or the name without a glued "ap".
    # Not indexed here: a search finds spellings by key in LostPupilSpelling,
    # which these columns can rebuild.
    surname_key1 = _key_field()
    surname_key2 = _key_field()
    surname_key3 = _key_field()
    former_surname_key1 = _key_field()
    former_surname_key2 = _key_field()
    former_surname_key3 = _key_field()
    forename_key1 = _key_field()
    forename_key2 = _key_field()

    class Meta:
        ordering = ["surname_norm", "forename_norm", "id"]
        indexes = [
            # Search by UPN, which also matches former UPNs.
            models.Index(fields=["upn"], name="lostpupil_upn_idx"),
            models.Index(fields=["former_upn"], name="lostpupil_former_upn_idx"),
            # "Surname begins" (a prefix range) and the records of the spellings a
            # soundalike search accepted, in the default sort order.
            models.Index(
                fields=["surname_norm", "forename_norm"], name="lostpupil_surname_idx"
            ),
            models.Index(
                fields=["former_surname_norm"], name="lostpupil_former_surname_idx"
            ),
            # Forename begins, and the forename spellings a soundalike accepted.
            models.Index(fields=["forename_norm"], name="lostpupil_forename_idx"),
            # Search by date of birth (the usual companion of a name).
            models.Index(fields=["date_of_birth"], name="lostpupil_dob_idx"),
            # Search by town (a prefix range).
            models.Index(fields=["town_norm"], name="lostpupil_town_idx"),
            # Ageing out and the reports: records by state and date uploaded.
            models.Index(fields=["state", "uploaded_at"], name="lostpupil_state_idx"),
            # Lost pupil reports for an LA: its schools' uploads by date.
            models.Index(fields=["la_code", "uploaded_at"], name="lostpupil_la_idx"),
        ]
        constraints = [
            # The duplicate rule: one open record per pupil (UPN) and school.
            models.UniqueConstraint(
                fields=["school", "upn"],
                condition=Q(state="open") & ~Q(upn=""),
                name="lostpupil_one_open_per_school_upn",
            ),
            models.CheckConstraint(
                condition=~Q(state="downloaded")
                | (Q(downloaded_at__isnull=False) & Q(downloaded_by_la__isnull=False)),
                name="lostpupil_downloaded_has_la_and_date",
            ),
            models.CheckConstraint(
                condition=~Q(state="removed") | Q(removed_at__isnull=False),
                name="lostpupil_removed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return str(self.code)

    @property
    def is_resolved(self) -> bool:
        """Whether an LA has downloaded the record or it has been removed."""
        return bool(self.state != self.State.OPEN)


class LostPupilSpelling(models.Model):
    """A name spelling found in the index, with its soundalike keys.

    One row per distinct normalised surname (current or former) or forename, so
    that a soundalike search finds the spellings under its keys in a small table
    instead of scanning every record that shares a common key (Jones). A spelling
    outliving its records matches nothing; it names nobody on its own.
    """

    class Field(models.TextChoices):
        SURNAME = "surname", _("surname")
        FORENAME = "forename", _("forename")

    field = models.CharField(max_length=8, choices=Field.choices)
    spelling = models.CharField(max_length=NAME_LENGTH)
    key1 = _key_field()
    key2 = _key_field()
    key3 = _key_field()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["field", "spelling"], name="lostpupilspelling_unique"
            ),
        ]
        indexes = [
            # Soundalike search, first step: the spellings under the query's keys.
            models.Index(
                fields=["field", key, "spelling"], name=f"lostpupilspelling_{key}_idx"
            )
            for key in ("key1", "key2", "key3")
        ]

    def __str__(self) -> str:
        return str(self.spelling)


class LostPupilSearchAlert(models.Model):
    """A user's search limit was reached in this hour, and it was reported.

    One row per user and hour, so the LA's administrators are told once however
    many searches are refused (the unique constraint settles races).
    """

    user = models.ForeignKey(
        "directory.User", on_delete=models.CASCADE, related_name="+"
    )
    hour = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "hour"], name="lostpupilsearchalert_once_an_hour"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.hour:%Y-%m-%d %H:00}"
