"""Forms of secure messaging: recipients, composing, templates and groups.

The recipients part works without scripts, as the seed's pages do (section 6.3
to 6.5): the sender adds named users, an LA's roles, schools by number or from
an LA's list, and groups to the "message recipients" list, one step at a time or
all at once. Chosen entries travel in the form as checkboxes the sender may
untick. The forms only parse: the services check entries against the directory.
"""

from __future__ import annotations

import re
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from pontio.directory.models import Organisation, User
from pontio.messaging import access, recipients
from pontio.messaging.services.sending import MAX_BODY_CHARS, MAX_SUBJECT_CHARS

# "681 2003", "681/2003", "681-2003" or "6812003".
SCHOOL_NUMBER = re.compile(r"(\d{3})[\s/-]?(\d{4})")
SEPARATORS = re.compile(r"[,;\n]+")
CHECKBOXES = forms.CheckboxSelectMultiple


def _la_choices() -> list[tuple[str, Any]]:
    las = Organisation.objects.filter(kind=Organisation.Kind.LA, is_active=True)
    return [("", _("Choose a local authority"))] + [
        (la.code, f"{la.code} {la.name}") for la in las.order_by("code")
    ]


def entry_label(entry: recipients.Entry) -> str:
    """Return how an entry reads in the recipients list."""
    name = entry.get("name", "")
    if "user" in entry:
        return str(_("User %(username)s") % {"username": entry["user"]})
    if "organisation" in entry:
        return f"{entry['organisation']} {name}".strip()
    if "la" in entry:
        roles = ", ".join(recipients.role_label(role) for role in entry["roles"])
        return str(
            _("%(la)s %(name)s: %(roles)s")
            % {"la": entry["la"], "name": name, "roles": roles}
        )
    return str(_("Group %(name)s") % {"name": name})


class RecipientsForm(forms.Form):
    """Choose recipients: the list so far, and ways to add to it."""

    chosen = forms.MultipleChoiceField(
        label=_("Message recipients"),
        required=False,
        widget=CHECKBOXES,
        help_text=_("Untick a recipient to remove them."),
    )
    groups = forms.MultipleChoiceField(
        label=_("Message groups"), required=False, widget=CHECKBOXES
    )
    la = forms.ChoiceField(label=_("Local authority"), required=False)
    roles = forms.MultipleChoiceField(
        label=_("Roles in that local authority"),
        required=False,
        widget=CHECKBOXES,
        help_text=_(
            "Local arrangements for reading messages differ: we advise choosing "
            "both LA user and LA lost pupil."
        ),
    )
    school_numbers = forms.CharField(
        label=_("Schools by LA and establishment number"),
        required=False,
        help_text=_("For example, 681 2003. Separate several schools with commas."),
    )
    school_list_la = forms.ChoiceField(
        label=_("Or choose a local authority to list its schools"), required=False
    )
    schools = forms.MultipleChoiceField(
        label=_("Schools"), required=False, widget=CHECKBOXES
    )
    usernames = forms.CharField(
        label=_("Named users"),
        required=False,
        help_text=_("Usernames, separated by commas."),
    )

    def __init__(
        self, *args: Any, user: User, allow_groups: bool = True, **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        self.user = user
        las = _la_choices()
        self._set_choices("la", las)
        self._set_choices("school_list_la", las)
        roles = [
            (role, recipients.role_label(role))
            for role in recipients.LA_MESSAGING_ROLES
        ]
        self._set_choices("roles", roles)
        self._set_choices("chosen", self._chosen_choices())
        self._set_choices("schools", self._school_choices())
        groups = access.groups_visible_to(user) if allow_groups else []
        self._set_choices("groups", [(str(g.code), g.name) for g in groups])
        if not groups:
            del self.fields["groups"]

    def _set_choices(self, name: str, choices: list[tuple[str, Any]]) -> None:
        cast(forms.ChoiceField, self.fields[name]).choices = choices

    def _posted(self, name: str) -> list[str]:
        data = cast(QueryDict, self.data)
        return data.getlist(self.add_prefix(name))

    def _chosen_choices(self) -> list[tuple[str, str]]:
        if self.is_bound:
            values = self._posted("chosen")
        else:
            values = self.initial.get("chosen", [])
        choices = []
        for value in values:
            try:
                choices.append((value, entry_label(recipients.decode(value))))
            except (ValidationError, KeyError, TypeError):
                continue
        return choices

    def _school_choices(self) -> list[tuple[str, str]]:
        code = self.data.get(self.add_prefix("school_list_la")) if self.is_bound else ""
        if not code:
            return []
        schools = Organisation.objects.filter(
            la__code=code, kind=Organisation.Kind.SCHOOL, is_active=True
        )
        return [(school.code, f"{school.code} {school.name}") for school in schools]

    @property
    def school_list_shown(self) -> bool:
        return bool(cast(forms.ChoiceField, self.fields["schools"]).choices)

    def clean_school_numbers(self) -> list[str]:
        numbers = []
        for part in SEPARATORS.split(self.cleaned_data["school_numbers"]):
            if not part.strip():
                continue
            match = SCHOOL_NUMBER.fullmatch(part.strip())
            if match is None:
                raise ValidationError(
                    _("Enter each school as its LA and school number, like 681 2003"),
                    code="invalid_school_number",
                )
            numbers.append(match.group(1) + match.group(2))
        return numbers

    def clean_usernames(self) -> list[str]:
        names = SEPARATORS.split(self.cleaned_data["usernames"].replace(" ", ","))
        return [name.strip() for name in names if name.strip()]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("roles") and not data.get("la"):
            self.add_error(
                "la", ValidationError(_("Choose a local authority"), code="la_required")
            )
        return data

    def new_entries(self) -> list[recipients.Entry]:
        """Return the entries the sender is adding now."""
        data = self.cleaned_data
        entries: list[recipients.Entry] = []
        entries += [{"group": code} for code in data.get("groups", [])]
        if data.get("la") and data.get("roles"):
            entries.append({"la": data["la"], "roles": data["roles"]})
        codes = [*data.get("school_numbers", []), *data.get("schools", [])]
        entries += [{"organisation": code} for code in dict.fromkeys(codes)]
        entries += [{"user": name} for name in data.get("usernames", [])]
        return entries

    def entries(self) -> list[recipients.Entry]:
        """Return the chosen entries and those being added."""
        chosen = [recipients.decode(value) for value in self.cleaned_data["chosen"]]
        return chosen + self.new_entries()


def rebound(form: RecipientsForm, entries: list[recipients.Entry]) -> QueryDict:
    """Return the form's data with ``entries`` chosen and the "add" fields empty."""
    posted = cast(QueryDict, form.data)
    data = QueryDict(mutable=True)
    for key in posted:
        if key not in RecipientsForm.base_fields:
            data.setlist(key, posted.getlist(key))
    data.setlist("chosen", [recipients.encode(entry) for entry in entries])
    return data


class ComposeForm(RecipientsForm):
    """A message: its recipients, subject and text."""

    subject = forms.CharField(
        label=_("Subject"), required=False, max_length=MAX_SUBJECT_CHARS
    )
    body = forms.CharField(
        label=_("Message"),
        required=False,
        max_length=MAX_BODY_CHARS,
        widget=forms.Textarea(attrs={"rows": 12}),
    )


class TemplateForm(forms.Form):
    """A message template's name, subject and text."""

    name = forms.CharField(label=_("Template name"), max_length=100)
    subject = forms.CharField(
        label=_("Subject"), required=False, max_length=MAX_SUBJECT_CHARS
    )
    text = forms.CharField(
        label=_("Text"),
        max_length=MAX_BODY_CHARS,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("The text you send each time, for example a request for a CTF."),
    )


class GroupForm(RecipientsForm):
    """A message group: its name and recipients (no groups within groups)."""

    name = forms.CharField(label=_("Group name"), max_length=100)

    field_order = ["name"]

    def __init__(self, *args: Any, user: User, **kwargs: Any):
        super().__init__(*args, user=user, allow_groups=False, **kwargs)
