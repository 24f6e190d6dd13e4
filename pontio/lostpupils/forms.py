"""Forms of the Lost Pupil Database's pages: parse and check input, never save."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pontio.directory.models import Organisation
from pontio.lostpupils.labels import Sex
from pontio.lostpupils.queries import SORT_ORDERS, LostPupilCriteria
from pontio.lostpupils.services.removal import MAX_NOTE_CHARS
from pontio.transfers.forms import LaSchoolForm, SchoolChoiceField

# Day first, as the pupil's school would write it; ISO for scripts and browsers.
DATE_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d %m %Y", "%Y-%m-%d"]
SORT_LABELS = {
    "surname": _("Surname"),
    "forename": _("Forename"),
    "date_of_birth": _("Date of birth"),
    "sex": _("Sex"),
    "town": _("Town"),
    "upn": _("UPN"),
    "uploaded_at": _("Date uploaded (newest first)"),
    "la": _("LA number"),
    "school": _("School number"),
}
SEX_CHOICES = [("", _("Any")), *Sex.choices]
# Service error codes that belong to a field rather than to the whole form.
FIELD_OF_ERROR_CODE = {
    "confirm_on_roll_required": "confirm_on_roll",
    "transfer_not_own_school": "school",
    "duplicate_file": "school",
    "note_required": "note",
    "note_too_long": "note",
}


class SearchForm(forms.Form):
    """What the school told the LA about the pupil (seed 002 section 4.1)."""

    upn = forms.CharField(
        label=_("UPN"),
        help_text=_("Also finds the pupil's former UPN."),
        required=False,
        max_length=20,
    )
    surname = forms.CharField(label=_("Surname"), required=False, max_length=100)
    surname_begins = forms.BooleanField(
        label=_("Surname begins"),
        help_text=_(
            "Tick to find surnames that begin with exactly these letters. Leave "
            "unticked to find names that sound alike."
        ),
        required=False,
    )
    forename = forms.CharField(label=_("Forename"), required=False, max_length=100)
    date_of_birth = forms.DateField(
        label=_("Date of birth"),
        help_text=_("For example, 27/03/2014"),
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "class": "govuk-input--width-10"}
        ),
        error_messages={"invalid": _("Date of birth must be a real date")},
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=SEX_CHOICES, required=False)
    town = forms.CharField(label=_("Town"), required=False, max_length=100)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        choices=[(key, SORT_LABELS.get(key, key)) for key in SORT_ORDERS],
        initial="surname",
        required=False,
    )
    include_resolved = forms.BooleanField(
        label=_("Include resolved pupils"),
        help_text=_("Pupils whose file a local authority has already downloaded."),
        required=False,
    )

    def clean_upn(self) -> str:
        return "".join(str(self.cleaned_data["upn"]).split()).upper()

    def criteria(self) -> LostPupilCriteria:
        """The cleaned form as search criteria."""
        data = self.cleaned_data
        return LostPupilCriteria(
            upn=data["upn"],
            surname=data["surname"],
            surname_begins=data["surname_begins"],
            forename=data["forename"],
            date_of_birth=data["date_of_birth"],
            sex=data["sex"],
            town=data["town"],
        )

    @property
    def sort_value(self) -> str:
        return str(self.cleaned_data.get("sort") or "surname")


class ConfirmOnRollForm(forms.Form):
    """Seed 002 section 4.1: the officer's confirmation before downloading."""

    confirm_on_roll = forms.BooleanField(
        label=_(
            "I have taken reasonable steps to ensure that this pupil is on roll at "
            "a school in my local authority"
        ),
        error_messages={
            "required": _(
                "Confirm that you have taken reasonable steps to ensure the pupil "
                "is on roll at a school in your local authority"
            )
        },
    )


class DownloadedForm(forms.Form):
    """Was the file downloaded correctly?"""

    downloaded = forms.ChoiceField(
        label=_("Was the file downloaded correctly?"),
        choices=[
            ("yes", pgettext_lazy("answer", "Yes")),
            ("no", pgettext_lazy("answer", "No")),
        ],
        widget=forms.RadioSelect,
        help_text=_("Yes marks the pupil as found by your local authority today."),
        error_messages={
            "required": _("Select yes if the file downloaded correctly"),
            "invalid_choice": _("Select yes if the file downloaded correctly"),
        },
    )


class TransferForm(LaSchoolForm):
    """Choose the school of the LA that the pupil is on roll at."""

    school = SchoolChoiceField(
        queryset=Organisation.objects.none(),
        to_field_name="code",
        label=_("Which school is the pupil on roll at?"),
        empty_label=_("Choose a school"),
        error_messages={
            "required": _("Choose the school to send the file to"),
            "invalid_choice": _("Choose a school of your local authority"),
        },
    )


class RemoveForm(forms.Form):
    """Why a record is removed: the pupil's destination is now known."""

    note = forms.CharField(
        label=_("Where did the pupil go?"),
        help_text=_(
            "For example, the school the pupil now attends, or how you found out. "
            "This is kept with the record."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=MAX_NOTE_CHARS,
        error_messages={
            "required": _("Enter where the pupil went, or how you know"),
            "max_length": _("The note must be %(limit_value)d characters or fewer"),
        },
    )


def add_service_error(form: forms.Form, error: Any) -> None:
    """Attach a service's refusal to the field it concerns, or to the form."""
    for item in error.error_list:
        field = FIELD_OF_ERROR_CODE.get(item.code or "")
        form.add_error(field if field in form.fields else None, item)
