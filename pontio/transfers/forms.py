"""Forms of the transfer hub's pages: parse and check input, never save."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from pontio.directory.models import Organisation, User
from pontio.transfers.access import mailbox_of
from pontio.transfers.models import Transfer
from pontio.transfers.services.collect import MAX_REASON_CHARS

# The most files one download may bundle into a zip.
MAX_FILES_PER_DOWNLOAD = 100
EXTENSIONS: dict[str, str] = {
    Transfer.Kind.CTF.value: ".xml",
    Transfer.Kind.GENERIC.value: ".zip",
}
# Service error codes that belong to a field rather than to the whole form.
FIELD_OF_ERROR_CODE = {
    "reason_required": "reason",
    "reason_too_long": "reason",
    "forward_not_own_school": "school",
    "forward_same_school": "school",
    "duplicate_file": "school",
}


def add_service_error(form: forms.Form, error: ValidationError) -> None:
    """Attach a service's refusal to the field it concerns, or to the form."""
    for item in error.error_list:
        field = FIELD_OF_ERROR_CODE.get(item.code or "")
        form.add_error(field if field in form.fields else None, item)


class UploadForm(forms.Form):
    """Choose one file to send; its name says where it goes."""

    file = forms.FileField(
        label=_("Choose the file"), allow_empty_file=True, max_length=255
    )

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.fields["file"].error_messages["required"] = _("Select a file to send")

    def clean_file(self) -> Any:
        uploaded = self.cleaned_data["file"]
        if not str(uploaded.name).lower().endswith(EXTENSIONS[self.kind]):
            if self.kind == Transfer.Kind.CTF:
                message = _(
                    "Choose a common transfer file: its name ends in .XML. To send "
                    "a zip file, use the page for other files."
                )
            else:
                message = _(
                    "Choose a zip file: its name ends in .zip. To send a common "
                    "transfer file, use the page for CTFs."
                )
            raise ValidationError(message, code="wrong_file_type")
        return uploaded

    def add_refusal(self, error: ValidationError) -> None:
        """Show each problem of a refused file, in the reader's language."""
        problems = getattr(error, "problems", ())
        if not problems:
            self.add_error("file", error)
            return
        for problem in problems:
            message = problem.render(gettext)
            if problem.line:
                message = gettext("Line %(line)s: %(message)s") % {
                    "line": problem.line,
                    "message": message,
                }
            self.add_error("file", ValidationError(message, code=problem.code))


class CodesField(forms.Field):
    """Several public file codes, as repeated ``file`` values."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "required": _("Select at least one file"),
        "invalid": _("Select files from the list"),
        "too_many": _("Select %(limit)s files or fewer at a time"),
    }

    def to_python(self, value: Any) -> list[UUID]:
        if not value:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        codes = []
        for item in values:
            try:
                codes.append(UUID(str(item)))
            except ValueError:
                raise ValidationError(
                    self.error_messages["invalid"], code="invalid"
                ) from None
        return list(dict.fromkeys(codes))

    def validate(self, value: Any) -> None:
        super().validate(value)
        if len(value) > MAX_FILES_PER_DOWNLOAD:
            raise ValidationError(
                self.error_messages["too_many"],
                code="too_many",
                params={"limit": MAX_FILES_PER_DOWNLOAD},
            )


class SelectFilesForm(forms.Form):
    """The files ticked in an inbox, to download together."""

    file = CodesField()


class DownloadedForm(forms.Form):
    """Was the file downloaded correctly? (seed 002 section 5.2)."""

    file = CodesField()
    downloaded = forms.ChoiceField(
        label=_("Was the file downloaded correctly?"),
        choices=[
            ("yes", pgettext_lazy("answer", "Yes")),
            ("no", pgettext_lazy("answer", "No")),
        ],
        widget=forms.RadioSelect,
        help_text=_("Choose no to go back and download it again."),
        error_messages={
            "required": _("Select yes if the file downloaded correctly"),
            "invalid_choice": _("Select yes if the file downloaded correctly"),
        },
    )


class RejectForm(forms.Form):
    """Why the recipient is rejecting a file; the sender is told."""

    reason = forms.CharField(
        label=_("Why are you rejecting this file?"),
        help_text=_(
            "The sender will see this, so they can send the right file. Do not "
            "include pupils' names."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=MAX_REASON_CHARS,
        error_messages={
            "required": _("Enter why you are rejecting the file"),
            "max_length": _("The reason must be %(limit_value)d characters or fewer"),
        },
    )


class ConfirmForm(forms.Form):
    """A confirmation with nothing to fill in (the button is the answer)."""


class SchoolChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} {obj.name}"


class LaSchoolForm(forms.Form):
    """A choice of one open school of the LA given as ``la``: subclasses declare
    ``school`` as a ``SchoolChoiceField``."""

    def __init__(self, *args: Any, la: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["school"]
        field.queryset = open_schools_of(la)


class ForwardForm(LaSchoolForm):
    """Choose the school of the LA that should receive an uncollected file."""

    school = SchoolChoiceField(
        queryset=Organisation.objects.none(),
        to_field_name="code",
        label=_("Which school should receive the file?"),
        empty_label=_("Choose a school"),
        error_messages={
            "required": _("Choose the school to send the file to"),
            "invalid_choice": _("Choose the school to send the file to"),
        },
    )


def open_schools_of(la: Organisation) -> QuerySet[Organisation]:
    return Organisation.objects.filter(
        kind=Organisation.Kind.SCHOOL, la=la, is_active=True
    ).order_by("code")


def filename_forms(user: User, kind: str) -> list[tuple[str, str]]:
    """The file-name forms (seed 002 Appendix 2) the user may send, as examples.

    Each is (where the file goes, the name's form) with the user's own code at
    the start: ``333`` stands for the destination LA, ``4444`` for its school.
    """
    organisation = user.organisation
    if organisation.is_la:
        source = f"{organisation.code}{mailbox_of(user) or 'LLLL'}"
    else:
        source = organisation.code
    if kind == Transfer.Kind.GENERIC:
        return _generic_forms(source, organisation.is_la)
    return _ctf_forms(source, organisation, organisation.is_la)


def _ctf_forms(
    source: str, organisation: Organisation, is_la: bool
) -> list[tuple[str, str]]:
    if is_la:
        return [
            (gettext("To a school"), f"{source}_CTF_3334444_NNN.XML"),
            (gettext("To another local authority"), f"{source}_CTF_333LLLL_NNN.XML"),
        ]
    own_la = organisation.la.code if organisation.la else "333"
    return [
        (gettext("To a school"), f"{source}_CTF_3334444_NNN.XML"),
        (gettext("To your local authority"), f"{source}_CTF_{own_la}LLLL_NNN.XML"),
        (
            gettext("To the Lost Pupil Database: destination unknown (one pupil)"),
            f"{source}_CTF_XXXXXXX_NNN.XML",
        ),
        (
            gettext(
                "To the Lost Pupil Database: left the maintained sector (one pupil)"
            ),
            f"{source}_CTF_MMMMMMM_NNN.XML",
        ),
    ]


def _generic_forms(source: str, is_la: bool) -> list[tuple[str, str]]:
    forms_ = [(gettext("To a school"), f"{source}_3334444_Description.zip")]
    if not is_la:
        forms_.append(
            (gettext("To a local authority"), f"{source}_333LLLL_Description.zip")
        )
    return forms_
