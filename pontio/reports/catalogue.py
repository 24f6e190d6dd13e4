"""The seven reports of seed 002 section 7: their columns, queries and charts.

Pages, CSV files and the API all run a report through :func:`run_report`, so
that they show the same rows and every run of a report with pupils' details is
written to the audit trail. A run gives :class:`~pontio.reports.rows.Rows`,
which each output reads as far as it needs: the first rows for a page, a page
of rows for the API, every row, streamed, for a CSV file.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pontio.audit import services as audit
from pontio.directory.roles import Capability
from pontio.lostpupils.models import LostPupilRecord
from pontio.reports import queries
from pontio.reports.charts import BarChart, Series
from pontio.reports.params import Params
from pontio.reports.rows import Rows
from pontio.transfers.models import Transfer

ExportValue = str | int | None


@dataclass(frozen=True)
class Column:
    """One column: its stable key (JSON, tests) and its heading (page, CSV)."""

    key: str
    label: Promise
    # Stored codes and how the page names them ("awaiting": "Awaiting download").
    choices: Mapping[str, Any] = field(default_factory=dict)
    numeric: bool = False


def _number(key: str, label: Promise) -> Column:
    return Column(key, label, numeric=True)


STATUS = dict(Transfer.Status.choices)
DIRECTION = {"sent": _("Sent"), "received": _("Received")}


@dataclass(frozen=True)
class Report:
    """A report: what it shows, who may run it and which choices it offers."""

    name: str
    title: Promise
    summary: Promise
    columns: tuple[Column, ...]
    rows: Callable[[Params], Rows]
    # Charts read the rows of reports of totals only: a few dozen rows.
    chart: Callable[[Params, Rows], BarChart | None] | None = None
    capabilities: tuple[Capability, ...] = (Capability.RUN_REPORTS,)
    # Extra choices: "school", "lost_pupils" (kind and "now downloaded").
    options: frozenset[str] = frozenset()
    is_cluster: bool = False
    has_dates: bool = True
    # Shows pupils' details: every run is audited.
    pupil_level: bool = False

    @property
    def keys(self) -> list[str]:
        return [column.key for column in self.columns]


def run_report(
    report: Report,
    params: Params,
    *,
    actor: Any,
    output: str,
    request: HttpRequest | None = None,
) -> Rows:
    """Return the report's rows; record the run if it shows pupils' details.

    The audit event counts every row the report holds, whatever the output
    shows of them.
    """
    rows = report.rows(params)
    if report.pupil_level:
        audit.record(
            "report.viewed",
            actor=actor,
            request=request,
            report=report.name,
            output=output,
            rows=rows.count(),
            las=",".join(params.la_codes)[:200],
            date_from=params.period.start.isoformat() if params.period.start else None,
            date_to=params.period.end.isoformat(),
            kind=params.lost_kind,
            downloaded_only=params.downloaded_only,
        )
    return rows


def export_value(value: Any, zone: datetime.tzinfo | None = None) -> ExportValue:
    """A cell as the CSV file and the JSON answer give it: ISO 8601 dates in
    Pontio's time zone (``zone``, looked up once by callers exporting many
    cells), numbers as numbers, nothing as None."""
    if isinstance(value, datetime.datetime):
        local = value.astimezone(zone or timezone.get_current_timezone())
        return local.isoformat(timespec="seconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if value is None or isinstance(value, int | str):
        return value
    return str(value)


def display_value(column: Column, value: Any) -> Any:
    """A cell as the page shows it, in the reader's language."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime.datetime):
        return formats.date_format(timezone.localtime(value), "j M Y H:i")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "j M Y")
    return column.choices.get(value, value)


# -- Charts ---------------------------------------------------------------------


def _monthly_chart(params: Params, rows: Rows) -> BarChart:
    months = queries.monthly_volumes(params)
    return BarChart(
        key="monthly",
        title=gettext("Files sent and received each month"),
        labels=tuple(formats.date_format(month, "M Y") for month, _s, _r in months),
        series=(
            Series(gettext("Sent"), tuple(sent for _m, sent, _r in months)),
            Series(gettext("Received"), tuple(got for _m, _s, got in months)),
        ),
    )


def _cluster_chart(params: Params, rows: Rows) -> BarChart:
    codes = params.la_codes
    sent = dict.fromkeys(codes, 0)
    received = dict.fromkeys(codes, 0)
    for from_la, _f, to_la, _t, files, *_rest in rows:
        if from_la != to_la:
            if from_la in sent:
                sent[from_la] += files
            if to_la in received:
                received[to_la] += files
    return BarChart(
        key="cluster",
        title=gettext("Common transfer files between local authorities"),
        labels=tuple(codes),
        series=(
            Series(gettext("Sent to other LAs"), tuple(sent.values())),
            Series(gettext("Received from other LAs"), tuple(received.values())),
        ),
    )


def _age_chart(params: Params, rows: Rows) -> BarChart:
    ages = sorted({row[0] for row in rows if row[0] is not None})
    uploaded = dict.fromkeys(ages, 0)
    downloaded = dict.fromkeys(ages, 0)
    for age, _sex, up, _missing, _left, down in rows:
        if age is not None:
            uploaded[age] += up
            downloaded[age] += down
    return BarChart(
        key="ages",
        title=gettext("Lost pupils by age"),
        labels=tuple(str(age) for age in ages),
        series=(
            Series(gettext("Uploaded"), tuple(uploaded.values())),
            Series(gettext("Downloaded"), tuple(downloaded.values())),
        ),
    )


# -- The reports ------------------------------------------------------------------

LOST_KIND = dict(LostPupilRecord.Kind.choices)
LOST_STATE = dict(LostPupilRecord.State.choices)

REPORTS: dict[str, Report] = {
    report.name: report
    for report in (
        Report(
            name="usage",
            title=_("General usage and volume"),
            summary=_(
                "Common transfer files uploaded, downloaded, awaiting download and "
                "rejected by each school, with the number of pupils in them."
            ),
            columns=(
                Column("la", _("LA")),
                Column("school", _("School number")),
                Column("name", _("Name")),
                _number("uploaded", _("Uploaded")),
                _number("pupils_uploaded", _("Pupils uploaded")),
                _number("downloaded", _("Downloaded")),
                _number("pupils_downloaded", _("Pupils downloaded")),
                _number("awaiting", _("Awaiting download")),
                _number("rejected", _("Rejected")),
            ),
            rows=queries.usage,
            chart=_monthly_chart,
            options=frozenset({"school"}),
        ),
        Report(
            name="school",
            title=_("School report"),
            summary=_(
                "Each common transfer file a school sent (with its destination) or "
                "received, by date, and whether it is still awaiting download."
            ),
            columns=(
                Column("uploaded_at", _("Date uploaded")),
                Column("school", _("School number")),
                Column("school_name", _("School")),
                Column("direction", _("Sent or received"), DIRECTION),
                Column("other", _("From or to")),
                Column("other_name", _("From or to (name)")),
                Column("status", _("Status"), STATUS),
                Column("collected_at", _("Date downloaded")),
                _number("pupils", _("Pupils")),
            ),
            rows=queries.school_transfers,
            chart=_monthly_chart,
            options=frozenset({"school"}),
        ),
        Report(
            name="la-cluster",
            title=_("LA cluster report"),
            summary=_(
                "Common transfer files between local authorities: your LA and up to "
                "9 others, or all of Wales."
            ),
            columns=(
                Column("from_la", _("From LA")),
                Column("from_la_name", _("From LA (name)")),
                Column("to_la", _("To LA")),
                Column("to_la_name", _("To LA (name)")),
                _number("files", _("Files")),
                _number("pupils", _("Pupils")),
                _number("collected", _("Downloaded")),
                _number("awaiting", _("Awaiting download")),
            ),
            rows=queries.la_cluster,
            chart=_cluster_chart,
            is_cluster=True,
        ),
        Report(
            name="lost-pupil-numbers",
            title=_("Lost pupil numbers"),
            summary=_(
                "Lost pupil files uploaded by or for your schools, and downloaded, "
                "by the pupil's age when uploaded and sex."
            ),
            columns=(
                _number("age", _("Age")),
                Column("sex", _("Sex")),
                _number("uploaded", _("Uploaded")),
                _number("missing", _("Destination unknown (XXXXXXX)")),
                _number("left_sector", _("Left the maintained sector (MMMMMMM)")),
                _number("downloaded", _("Downloaded")),
            ),
            rows=queries.lost_pupil_numbers,
            chart=_age_chart,
        ),
        Report(
            name="lost-pupil-details",
            title=_("Lost pupil details"),
            summary=_(
                "The pupils your schools uploaded to the Lost Pupil Database: "
                "missing pupils, pupils leaving the maintained sector, or both."
            ),
            columns=(
                Column("uploaded_at", _("Date uploaded")),
                Column("school", _("School number")),
                Column("school_name", _("School")),
                Column("kind", _("Sent to"), LOST_KIND),
                Column("upn", _("UPN")),
                Column("surname", _("Surname")),
                Column("forename", _("Forename")),
                Column("date_of_birth", _("Date of birth")),
                Column("sex", _("Sex")),
                Column("state", _("State"), LOST_STATE),
                Column("downloaded_at", _("Date downloaded")),
                Column("downloaded_by", _("Downloaded by LA")),
            ),
            rows=queries.lost_pupil_details,
            options=frozenset({"school", "lost_pupils"}),
            pupil_level=True,
        ),
        Report(
            name="file-movements",
            title=_("Generic and other file movements"),
            summary=_(
                "Generic zip files, PLASC and other files sent to or from local "
                "authority mailboxes, with their upload and download dates."
            ),
            columns=(
                Column("uploaded_at", _("Date uploaded")),
                Column("filename", _("File name")),
                Column("kind", _("Kind"), dict(Transfer.Kind.choices)),
                Column("from", _("From")),
                Column("to", _("To")),
                Column("status", _("Status"), STATUS),
                Column("collected_at", _("Date downloaded")),
            ),
            rows=queries.file_movements,
            options=frozenset({"school"}),
        ),
        Report(
            name="messages",
            title=_("Message report"),
            summary=_(
                "Which schools have unread secure messages, and how many. Never a "
                "message's content or sender. Messages are kept for 31 days, so the "
                "report shows what is held now."
            ),
            columns=(
                Column("la", _("LA")),
                Column("school", _("School number")),
                Column("name", _("Name")),
                _number("unread", _("Unread messages")),
                Column("oldest_unread", _("Oldest unread since")),
            ),
            rows=queries.unread_messages,
            capabilities=(Capability.RUN_REPORTS, Capability.MESSAGE_REPORT),
            has_dates=False,
        ),
    )
}
