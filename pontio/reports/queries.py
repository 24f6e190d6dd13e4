"""One read-only query per report (seed 002 section 7), each returning its rows.

Every figure is counted by the database (``Count`` and ``Sum`` with filters,
grouped by ``values``); Python only puts names beside the aggregated rows. Each
function returns :class:`~pontio.reports.rows.Rows` of tuples in the order of its
report's columns (``pontio.reports.catalogue``): a list for reports of totals,
an ordered query, read only as far as needed, for reports of files or pupils.
Transfers are dated by their upload, downloads by their collection and
rejections by their rejection.

The transfers' indexes ``transfer_source_la_date_idx`` and
``transfer_dest_la_date_idx`` (LA, upload date, and the columns these queries
read) let each LA's figures for a date range come from the index alone.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import (
    Coalesce,
    ExtractDay,
    ExtractMonth,
    ExtractYear,
    TruncMonth,
)
from django.utils.translation import gettext

from pontio.directory.models import Organisation
from pontio.lostpupils.models import LostPupilRecord
from pontio.messaging import queries as messaging_queries
from pontio.reports.params import Params
from pontio.reports.rows import Row, Rows
from pontio.transfers.models import OTHER_FILES, Transfer

CTF = Transfer.Kind.CTF


def _count(condition: Q | None = None) -> Count:
    """Count the rows meeting ``condition``.

    Counts the upload date, never empty, rather than the id: the date is in the
    LA date indexes and the id is not, so the count needs no table row.
    """
    return Count("uploaded_at", filter=condition)


def _pupils(condition: Q | None = None) -> Coalesce:
    return Coalesce(Sum("pupil_count", filter=condition), 0)


# -- 7.1 General usage / volume ----------------------------------------------


def usage(params: Params) -> Rows:
    """CTFs uploaded in the range per school, and what became of them.

    A school's uploads are the files it sent; its downloads, rejections and
    files still awaiting are those of the files addressed to it in the range,
    so that the figures of one range add up. The LA's own mailboxes are a row of
    their own, and the last row is the total.
    """
    in_range = params.period.lookup("uploaded_at")
    sent = Transfer.objects.filter(kind=CTF, source_la__in=params.la_ids, **in_range)
    received = Transfer.objects.filter(
        kind=CTF, destination_la__in=params.la_ids, **in_range
    )
    if params.school is not None:
        sent = sent.filter(source=params.school)
        received = received.filter(destination=params.school)
    uploads = {
        row["source"]: row
        for row in sent.values("source")
        .annotate(uploaded=_count(), uploaded_pupils=_pupils())
        .order_by()
    }
    collected = Q(collected_at__isnull=False)
    downloads = {
        row["destination"]: row
        for row in received.values("destination")
        .annotate(
            downloaded=_count(collected),
            downloaded_pupils=_pupils(collected),
            awaiting=_count(Q(status=Transfer.Status.AWAITING)),
            rejected=_count(Q(status=Transfer.Status.REJECTED)),
        )
        .order_by()
    }
    rows = [
        _usage_row(organisation, uploads.get(organisation.pk, {}), downloads)
        for organisation in _organisations_of(params)
    ]
    return Rows([*rows, _total(rows, first_figure=3)])


def _usage_row(
    organisation: Organisation,
    upload: dict[str, Any],
    downloads: dict[int, dict[str, Any]],
) -> Row:
    download = downloads.get(organisation.pk, {})
    return (
        organisation.la_code,
        organisation.code,
        organisation.name,
        upload.get("uploaded", 0),
        upload.get("uploaded_pupils", 0),
        download.get("downloaded", 0),
        download.get("downloaded_pupils", 0),
        download.get("awaiting", 0),
        download.get("rejected", 0),
    )


def _organisations_of(params: Params) -> QuerySet[Organisation]:
    if params.school is not None:
        return Organisation.objects.filter(pk=params.school.pk)
    return Organisation.objects.filter(
        Q(pk__in=params.la_ids) | Q(la__in=params.la_ids)
    ).order_by("code")


def _total(rows: list[Row], *, first_figure: int) -> Row:
    width = len(rows[0]) if rows else first_figure
    figures = [sum(row[index] for row in rows) for index in range(first_figure, width)]
    return ("", "", gettext("Total"), *figures)


# -- 7.2 School report --------------------------------------------------------

SCHOOL_ROW_FIELDS = (
    "at",
    "school_code",
    "school_name",
    "direction",
    "other_code",
    "other_name",
    "status",
    "collected_at",
    "pupil_count",
)


def school_transfers(params: Params) -> Rows:
    """Every CTF the LA's schools sent (with its destination) or received, by date.

    A file between two schools of the LA appears twice: once as sent by one,
    once as received by the other. The two sides are two queries, each in date
    order from its LA date index, merged as they are read: a page's first rows
    need no sorting of the whole year.
    """
    base = Transfer.objects.filter(
        kind=CTF, route=Transfer.Route.SCHOOL, **params.period.lookup("uploaded_at")
    )
    sent = base.filter(source_la__in=params.la_ids, source__kind="school")
    received = base.filter(destination_la__in=params.la_ids)
    if params.school is not None:
        sent = sent.filter(source=params.school)
        received = received.filter(destination=params.school)
    sent_rows = sent.annotate(
        at=F("uploaded_at"),
        school_code=F("source__code"),
        school_name=F("source__name"),
        direction=Value("sent"),
        other_code=F("destination_code"),
        other_name=F("destination__name"),
    )
    received_rows = received.annotate(
        at=F("uploaded_at"),
        school_code=F("destination__code"),
        school_name=F("destination__name"),
        direction=Value("received"),
        other_code=F("source_code"),
        other_name=F("source__name"),
    )
    return Rows(
        queries=[
            rows.values_list(*SCHOOL_ROW_FIELDS, "id").order_by(
                "at", "school_code", "id"
            )
            for rows in (sent_rows, received_rows)
        ],
        # By date, school and direction ("received" before "sent"), then the
        # order of upload: the same order every time, page after page.
        key=lambda row: (row[0], row[1], row[3], row[-1]),
        width=len(SCHOOL_ROW_FIELDS),
        # Each side counted from its index, without the names beside each file.
        counter=lambda: sent.count() + received.count(),
    )


# -- 7.3 LA cluster report ----------------------------------------------------


def la_cluster(params: Params) -> Rows:
    """CTFs between local authorities, one row per pair (from LA, to LA).

    A cluster counts the files between its LAs (a file within one LA is a pair
    with itself); all of Wales counts every file with at least one Welsh end, so
    that cross-border files to and from England appear too.
    """
    if params.all_wales:
        ends = Q(source_la__in=params.la_ids) | Q(destination_la__in=params.la_ids)
    else:
        ends = Q(source_la__in=params.la_ids, destination_la__in=params.la_ids)
    pairs = (
        Transfer.objects.filter(
            ends,
            kind=CTF,
            destination_la__isnull=False,
            **params.period.lookup("uploaded_at"),
        )
        .values("source_la", "destination_la")
        .annotate(
            files=_count(),
            pupils=_pupils(),
            # Collected files stay counted once retention has deleted them.
            collected=_count(Q(collected_at__isnull=False)),
            awaiting=_count(Q(status=Transfer.Status.AWAITING)),
        )
        .order_by()
    )
    las = {
        la.pk: (la.code, la.name)
        for la in Organisation.objects.filter(kind=Organisation.Kind.LA)
    }
    rows = [
        (
            *las[pair["source_la"]],
            *las[pair["destination_la"]],
            pair["files"],
            pair["pupils"],
            pair["collected"],
            pair["awaiting"],
        )
        for pair in pairs
    ]
    return Rows(sorted(rows, key=lambda row: (row[0], row[2])))


# -- 7.4 Lost pupil numbers ---------------------------------------------------


def _lost_pupils_of(params: Params) -> QuerySet[LostPupilRecord]:
    return LostPupilRecord.objects.filter(la_code__in=params.la_codes)


def _age_at_upload() -> Case:
    """Whole years between the date of birth and the upload, in the database."""
    before_birthday = Q(upload_month__lt=F("birth_month")) | Q(
        upload_month=F("birth_month"), upload_day__lt=F("birth_day")
    )
    return Case(
        When(date_of_birth__isnull=True, then=Value(None)),
        When(
            before_birthday,
            then=F("upload_year") - F("birth_year") - Value(1),
        ),
        default=F("upload_year") - F("birth_year"),
        output_field=IntegerField(),
    )


def lost_pupil_numbers(params: Params) -> Rows:
    """Lost pupil files uploaded and downloaded for the LA's schools, by age and sex.

    Age is the pupil's age in whole years on the day the file was uploaded.
    Uploads are counted by upload date, downloads by the day an LA downloaded
    the record, each within the range.
    """
    period = params.period
    uploaded = Q(**period.lookup("uploaded_at"))
    downloaded = Q(**period.lookup("downloaded_at"))
    groups = (
        _lost_pupils_of(params)
        .filter(uploaded | downloaded)
        .annotate(
            upload_year=ExtractYear("uploaded_at"),
            upload_month=ExtractMonth("uploaded_at"),
            upload_day=ExtractDay("uploaded_at"),
            birth_year=ExtractYear("date_of_birth"),
            birth_month=ExtractMonth("date_of_birth"),
            birth_day=ExtractDay("date_of_birth"),
        )
        .annotate(age=_age_at_upload())
        .values("age", "sex")
        .annotate(
            uploaded=_count(uploaded),
            missing=_count(uploaded & Q(kind=LostPupilRecord.Kind.MISSING)),
            left_sector=_count(uploaded & Q(kind=LostPupilRecord.Kind.LEFT_SECTOR)),
            downloaded=_count(downloaded),
        )
        .order_by("age", "sex")
    )
    return Rows(
        [
            (
                group["age"],
                group["sex"],
                group["uploaded"],
                group["missing"],
                group["left_sector"],
                group["downloaded"],
            )
            for group in groups
        ]
    )


# -- 7.5 Lost pupil details ---------------------------------------------------

LOST_PUPIL_DETAIL_FIELDS = (
    "uploaded_at",
    "school__code",
    "school__name",
    "kind",
    "upn",
    "surname",
    "forename",
    "date_of_birth",
    "sex",
    "state",
    "downloaded_at",
    "downloaded_by_la__code",
)


def lost_pupil_details(params: Params) -> Rows:
    """The pupils the LA's schools uploaded to the Lost Pupil Database.

    Missing pupils (``XXXXXXX``), those leaving the maintained sector
    (``MMMMMMM``) or both; "pupils now downloaded" keeps only the records an LA
    has downloaded, to follow resolved cases.
    """
    records = _lost_pupils_of(params).filter(**params.period.lookup("uploaded_at"))
    if params.lost_kind != "both":
        records = records.filter(kind=params.lost_kind)
    if params.downloaded_only:
        records = records.filter(downloaded_at__isnull=False)
    if params.school is not None:
        records = records.filter(school=params.school)
    ordered = records.order_by("uploaded_at", "school__code", "surname_norm", "id")
    return Rows(queries=[ordered.values_list(*LOST_PUPIL_DETAIL_FIELDS)])


# -- 7.6 Generic and other file movements -------------------------------------

FILE_MOVEMENT_FIELDS = (
    "uploaded_at",
    "filename",
    "kind",
    "source_code",
    "destination_code",
    "status",
    "collected_at",
)


def file_movements(params: Params) -> Rows:
    """Generic files, and every file to or from an LA mailbox (PLASC, admissions
    and the rest), sent or received by the LA and its schools.

    Read as the files sent plus the files received from elsewhere, each side in
    upload order from its own small index of these files
    (``transfer_other_sent_idx``, ``transfer_other_received_idx``), so that the
    first rows come without reading or sorting the whole year.
    """
    in_range = Transfer.objects.filter(
        OTHER_FILES, **params.period.lookup("uploaded_at")
    )
    if params.school is not None:
        sent = in_range.filter(source=params.school)
        received = in_range.filter(destination=params.school).exclude(
            source=params.school
        )
    else:
        sent = in_range.filter(source_la__in=params.la_ids)
        received = in_range.filter(destination_la__in=params.la_ids).exclude(
            source_la__in=params.la_ids
        )
    fields = (*FILE_MOVEMENT_FIELDS, "id")
    return Rows(
        queries=[
            side.values_list(*fields).order_by("uploaded_at", "id")
            for side in (sent, received)
        ],
        key=lambda row: (row[0], row[-1]),
        width=len(FILE_MOVEMENT_FIELDS),
    )


# -- 7.7 Message report -------------------------------------------------------


def unread_messages(params: Params) -> Rows:
    """Each school's unread messages, as the messaging report counts them.

    Messages are kept 31 days at most, so the report shows what is held now.
    """
    return Rows(
        [
            (la.code, row.school.code, row.school.name, row.unread, row.oldest_arrival)
            for la in params.las
            for row in messaging_queries.unread_by_school(la)
        ]
    )


# -- Charts -------------------------------------------------------------------


def monthly_volumes(params: Params) -> list[tuple[datetime.date, int, int]]:
    """Files (of every kind) sent and received by the LA's schools, by month.

    Counted from the LA indexes alone, without reading the transfers' rows.
    """
    in_range = params.period.lookup("uploaded_at")
    sent = Transfer.objects.filter(source_la__in=params.la_ids, **in_range)
    received = Transfer.objects.filter(destination_la__in=params.la_ids, **in_range)
    if params.school is not None:
        sent = sent.filter(source=params.school)
        received = received.filter(destination=params.school)
    sent_by_month = _by_month(sent)
    received_by_month = _by_month(received)
    months = sorted(set(sent_by_month) | set(received_by_month))
    return [
        (month, sent_by_month.get(month, 0), received_by_month.get(month, 0))
        for month in months
    ]


def _by_month(transfers: QuerySet[Transfer]) -> dict[datetime.date, int]:
    rows = (
        transfers.annotate(month=TruncMonth("uploaded_at"))
        .values("month")
        .annotate(files=Count("*"))
        .order_by()
    )
    return {_as_date(row["month"]): row["files"] for row in rows}


def _as_date(value: datetime.date | datetime.datetime) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    return value
