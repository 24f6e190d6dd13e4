"""The words shown for the codes stored in Lost Pupil Database records and audits.

Records and audit details keep the short codes of the CTF and of the search
(``F``, ``M``, ``exact``, ``soundalike``); pages, forms and the search log show
these translated labels instead, from this one place.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import pgettext_lazy


class Sex(models.TextChoices):
    """A pupil's sex as the CTF records it."""

    FEMALE = "F", pgettext_lazy("sex", "Female")
    MALE = "M", pgettext_lazy("sex", "Male")


class Match(models.TextChoices):
    """How a search matched the surname, as its audit records it."""

    EXACT = "exact", pgettext_lazy("surname match", "Exact")
    SOUNDALIKE = "soundalike", pgettext_lazy("surname match", "Sounds alike")


SEX_NOT_KNOWN = pgettext_lazy("sex", "Not known")


def sex_label(code: object) -> str:
    """The translated word for a sex code; "Not known" for any other code.

    A blank code gives a blank label, so that pages show their usual dash.
    """
    text = str(code or "").strip().upper()
    if not text:
        return ""
    try:
        return str(Sex(text).label)
    except ValueError:
        return str(SEX_NOT_KNOWN)


def match_label(code: object) -> str:
    """The translated word for how a search matched surnames."""
    text = str(code or "")
    try:
        return str(Match(text).label)
    except ValueError:
        return text
