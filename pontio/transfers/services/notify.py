"""E-mails about transfers, each in its recipient's language.

E-mails name the sender and the file, never a pupil: the file name and the
organisations are enough to act on. Each person gets their own e-mail. An
organisation's own address gets the site's default language, since an
organisation has no language of its own.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

from pontio.directory.models import Organisation, User
from pontio.directory.roles import Capability
from pontio.mail import send_templated_email
from pontio.transfers import access, conf
from pontio.transfers.models import Transfer

TEMPLATES = "transfers/emails"
DIGEST_MAX_FILES = 200
WEEKDAYS_PER_WEEK = 5
SATURDAY = 5


@dataclass
class Recipients:
    """E-mail addresses and each one's language, without repeats."""

    languages: dict[str, str] = field(default_factory=dict)

    def add(self, address: str, language: str | None = None) -> None:
        address = address.strip()
        if address and address.lower() not in self._lowered():
            self.languages[address] = language or settings.LANGUAGE_CODE

    def add_organisation(self, organisation: Organisation | None) -> None:
        if organisation is not None and organisation.is_active:
            self.add(organisation.email)

    def add_users(self, users: Iterable[User]) -> None:
        for user in users:
            if user.is_active:
                self.add(user.email, user.language)

    def _lowered(self) -> set[str]:
        return {address.lower() for address in self.languages}

    def send(self, template: str, context: dict[str, object]) -> int:
        sent = 0
        for address, language in self.languages.items():
            sent += send_templated_email(
                f"{TEMPLATES}/{template}", [address], context, language=language
            )
        return sent


def _context(transfer: Transfer) -> dict[str, object]:
    return {
        "filename": transfer.filename,
        "kind": transfer.kind,
        "is_ctf": transfer.kind == Transfer.Kind.CTF,
        "sender_name": transfer.source.name,
        "sender_code": transfer.source_code,
        "destination_name": transfer.destination.name if transfer.destination else "",
        "destination_code": transfer.destination_code,
        "uploaded_at": timezone.localtime(transfer.uploaded_at),
        "collected_at": timezone.localtime(transfer.collected_at)
        if transfer.collected_at
        else None,
    }


def _load(transfer_id: int) -> Transfer | None:
    return (
        Transfer.objects.select_related(
            "source", "destination", "source_la", "destination_la", "uploaded_by"
        )
        .filter(pk=transfer_id)
        .first()
    )


def mailbox_users(organisation: Organisation, mailbox: str, kind: str) -> list[User]:
    """Return the active users who read this mailbox of files of this kind."""
    users = User.objects.filter(organisation=organisation, is_active=True).exclude(
        email=""
    )
    return [
        user
        for user in users.select_related("organisation")
        if access.mailbox_of(user) == mailbox and kind in access.kinds_for(user)
    ]


def destination_recipients(transfer: Transfer) -> Recipients:
    """The people and the organisation address a file is addressed to."""
    recipients = Recipients()
    if transfer.destination is None:
        return recipients
    recipients.add_users(
        mailbox_users(transfer.destination, transfer.destination_mailbox, transfer.kind)
    )
    recipients.add_organisation(transfer.destination)
    return recipients


def sender_recipients(transfer: Transfer) -> Recipients:
    """The person who sent a file, and their organisation's address."""
    recipients = Recipients()
    recipients.add_users([transfer.uploaded_by])
    recipients.add_organisation(transfer.source)
    return recipients


def notify_upload(transfer_id: int, *, forwarded: bool = False) -> int:
    """Tell the destination a file waits, the sender it went, the LAs of a copy."""
    transfer = _load(transfer_id)
    if transfer is None or transfer.status != Transfer.Status.AWAITING:
        return 0
    context = {**_context(transfer), "forwarded": forwarded}
    sent = destination_recipients(transfer).send("file_waiting", context)
    if forwarded:
        return sent
    confirmation = Recipients()
    confirmation.add_users([transfer.uploaded_by])
    sent += confirmation.send("upload_confirmed", context)
    return sent + _notify_la_copies(transfer, context)


def _notify_la_copies(transfer: Transfer, context: dict[str, object]) -> int:
    if (
        transfer.kind != Transfer.Kind.CTF
        or transfer.route == Transfer.Route.LOST_PUPILS
    ):
        return 0
    recipients = Recipients()
    for la in (transfer.source_la, transfer.destination_la):
        # An LA a file is addressed to is told as the destination already.
        if la is not None and la.receive_ctf_copies and la != transfer.destination:
            recipients.add_organisation(la)
    return recipients.send("la_copy", context)


def notify_collected(transfer_id: int) -> int:
    """Tell the sender that the destination has downloaded the file."""
    transfer = _load(transfer_id)
    if transfer is None or transfer.collected_at is None:
        return 0
    return sender_recipients(transfer).send("collected", _context(transfer))


def notify_rejected(transfer_id: int) -> int:
    """Tell the sender the file was rejected (the reason is shown in Pontio)."""
    transfer = _load(transfer_id)
    if transfer is None or transfer.status != Transfer.Status.REJECTED:
        return 0
    return sender_recipients(transfer).send("rejected", _context(transfer))


# --- The weekly reminder --------------------------------------------------------


@dataclass
class _Digest:
    language: str
    transfers: dict[int, Transfer] = field(default_factory=dict)


def send_weekly_digests() -> int:
    """Send each recipient one list of the files still waiting for download."""
    digests: dict[str, _Digest] = {}
    cache: dict[tuple[int, str, str], Recipients] = {}
    waiting = (
        Transfer.objects.filter(status=Transfer.Status.AWAITING)
        .exclude(destination=None)
        .select_related("source", "destination", "destination_la")
        .order_by("uploaded_at", "pk")
    )
    for transfer in waiting.iterator(chunk_size=500):
        for address, language in _digest_recipients(transfer, cache).items():
            digest = digests.setdefault(address, _Digest(language))
            digest.transfers[transfer.pk] = transfer
    sent = 0
    for address, digest in digests.items():
        files = list(digest.transfers.values())
        context = {
            "files": [_context(item) for item in files[:DIGEST_MAX_FILES]],
            "count": len(files),
            "more": max(0, len(files) - DIGEST_MAX_FILES),
        }
        sent += send_templated_email(
            f"{TEMPLATES}/digest", [address], context, language=digest.language
        )
    return sent


def _digest_recipients(
    transfer: Transfer, cache: dict[tuple[int, str, str], Recipients]
) -> dict[str, str]:
    assert transfer.destination_id is not None  # noqa: S101 (excluded above)
    key = (transfer.destination_id, transfer.destination_mailbox, transfer.kind)
    if key not in cache:
        cache[key] = destination_recipients(transfer)
    languages = dict(cache[key].languages)
    # The LA hears of every file its schools have not downloaded.
    la = transfer.destination_la
    if la is not None and la.is_active and la.email:
        languages.setdefault(la.email.strip(), settings.LANGUAGE_CODE)
    return languages


# --- Files overdue: the 15-school-day duty -------------------------------------


def school_days_before(day: datetime.date, count: int) -> datetime.date:
    """Return the date ``count`` weekdays before ``day``.

    Pontio counts school days as Monday to Friday: it does not know each LA's
    school holidays, so a file may be reported a little early in a holiday.
    """
    while count > 0:
        day -= datetime.timedelta(days=1)
        if day.weekday() < SATURDAY:
            count -= 1
    return day


def overdue_transfers(today: datetime.date) -> list[Transfer]:
    """Return files uncollected for the overdue period, not yet reported."""
    last_day = school_days_before(today, conf.overdue_school_days())
    midnight = datetime.datetime.combine(
        last_day + datetime.timedelta(days=1), datetime.time()
    )
    cutoff = timezone.make_aware(midnight)
    return list(
        Transfer.objects.filter(
            status=Transfer.Status.AWAITING,
            overdue_notified_at=None,
            uploaded_at__lt=cutoff,
        )
        .exclude(destination_la=None)
        .select_related("source", "destination", "destination_la")
    )


def notify_overdue(today: datetime.date | None = None) -> int:
    """Tell each destination's LA of its files uncollected for 15 school days."""
    today = today or timezone.localdate()
    by_la: dict[Organisation, list[Transfer]] = defaultdict(list)
    now = timezone.now()
    for transfer in overdue_transfers(today):
        # Claim each file: a second run, or a second worker, skips it.
        claimed = Transfer.objects.filter(
            pk=transfer.pk, overdue_notified_at=None
        ).update(overdue_notified_at=now)
        if claimed == 1 and transfer.destination_la is not None:
            by_la[transfer.destination_la].append(transfer)
    sent = 0
    for la, transfers in by_la.items():
        recipients = Recipients()
        recipients.add_users(
            user
            for user in User.objects.filter(organisation=la, is_active=True)
            if user.can(Capability.MONITOR_LA_TRANSFERS)
        )
        recipients.add_organisation(la)
        context = {
            "files": [_context(item) for item in transfers],
            "count": len(transfers),
            "school_days": conf.overdue_school_days(),
        }
        sent += recipients.send("overdue", context)
    return sent
