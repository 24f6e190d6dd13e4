"""The choices above every report: a date range and, for some, more."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pontio.directory.models import User
from pontio.reports.access import MAX_CLUSTER_LAS, MAX_OTHER_LAS, welsh_las
from pontio.reports.catalogue import Report
from pontio.reports.params import today
from pontio.web.forms import GovukDateInput

DATE_ERRORS = {"invalid": _("Enter a real date, for example 27 3 2025")}
# Which field a rule broken in ``access.build_params`` belongs to.
ERROR_FIELDS = {
    "from_after_to": "start",
    "too_many_las": "las",
    "unknown_la": "las",
    "unknown_school": "school",
}


class ReportForm(forms.Form):
    """Parse a report's choices; ``access.build_params`` checks them for the user."""

    start = forms.DateField(
        label=_("From"),
        help_text=_("For example, 1 9 2024. Leave blank to start from the beginning."),
        required=False,
        widget=GovukDateInput,
        error_messages=DATE_ERRORS,
    )
    end = forms.DateField(
        label=_("To"),
        help_text=_("Leave blank for today."),
        required=False,
        widget=GovukDateInput,
        error_messages=DATE_ERRORS,
    )
    la = forms.ChoiceField(label=_("Local authority"), required=False)
    school = forms.CharField(
        label=_("School (optional)"),
        help_text=_("The school's 7-digit number. Leave blank for every school."),
        required=False,
        max_length=7,
    )
    las = forms.CharField(
        label=_("Other local authorities"),
        required=False,
        max_length=200,
    )
    all_wales = forms.BooleanField(
        label=_("All of Wales (download as a CSV file)"), required=False
    )
    lost_kind = forms.ChoiceField(
        label=_("Pupils to include"),
        choices=[
            ("both", _("Both")),
            ("missing", _("Missing pupils (XXXXXXX)")),
            ("left_sector", _("Pupils leaving the maintained sector (MMMMMMM)")),
        ],
        initial="both",
        required=False,
        widget=forms.RadioSelect,
    )
    downloaded_only = forms.BooleanField(
        label=_("Only pupils now downloaded by a local authority"), required=False
    )

    def __init__(self, report: Report, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["end"].initial = today()
        for name in self._unused(report, user):
            del self.fields[name]
        if "las" in self.fields:
            limit = MAX_OTHER_LAS if user.organisation.is_la else MAX_CLUSTER_LAS
            self.fields["las"].help_text = gettext(
                "Up to %(limit)s LA numbers, separated by commas, for example 662, 669"
            ) % {"limit": limit}
        la_field = self.fields.get("la")
        if isinstance(la_field, forms.ChoiceField):
            la_field.choices = [("", _("All of Wales"))] + [
                (la.code, f"{la.code} {la.name}") for la in welsh_las()
            ]

    @staticmethod
    def _unused(report: Report, user: User) -> set[str]:
        unused = set()
        if not report.has_dates:
            unused |= {"start", "end"}
        if report.is_cluster or not user.organisation.is_central:
            unused.add("la")
        if "school" not in report.options:
            unused.add("school")
        if not report.is_cluster:
            unused |= {"las", "all_wales"}
        if "lost_pupils" not in report.options:
            unused |= {"lost_kind", "downloaded_only"}
        return unused

    def choices(self) -> dict[str, Any]:
        """The cleaned choices, as ``access.build_params`` takes them."""
        data = dict(self.cleaned_data)
        data["lost_kind"] = data.get("lost_kind") or "both"
        return data
