"""Establishment numbers and s2s file names.

An s2s file name says who sends a file and to whom. Each end is a 7-character code:

- ``6812003``: a school, its LA number (681) then its school number (2003);
- ``681LLLL``: the LA itself; its PLASC and admissions officers use ``681PLAS`` and
  ``681ADMS`` (any of the three mailboxes may send or receive);
- ``XXXXXXX``: the lost pupils database, destination not known;
- ``MMMMMMM``: the lost pupils database, gone outside maintained schools.

The lost pupils codes are only ever a destination, and only of a CTF. The forms
(``SSSssss`` the source, ``DDDdddd`` the destination, ``NNN`` a 3-digit file number):

========================================  ====================================
``SSSssss_CTF_DDDdddd_NNN.XML``           CTF, school to school
``SSSssss_CTF_XXXXXXX_NNN.XML``           CTF to the lost pupils database
``SSSssss_CTF_MMMMMMM_NNN.XML``           CTF to the lost pupils database
``SSSssss_CTF_DDDLLLL_NNN.XML``           CTF, school to LA
``SSSLLLL_CTF_DDDdddd_NNN.XML``           CTF, LA to school
``SSSLLLL_CTFDDDdddd_NNN.XML``            the same, as the s2s guide prints it
``SSSssss_DDDdddd_Description.zip``       any other file, school to school
``SSSssss_DDDLLLL_Description.zip``       any other file, school to LA
``SSSLLLL_DDDdddd_Description.zip``       any other file, LA to school
========================================  ====================================

Parsing is structural: any source may be paired with any destination the forms
allow (LA to LA, for example), and whether a user may send it is the hub's rule.
Letters in the codes and the extension may be in either case (``.xml``, ``.XML``,
``681llll``); the parsed codes are upper-case and the extension is kept as given.

The description of a generic file is 1 to 15 ASCII letters, digits, ``-`` or
``_``: no spaces (the s2s rule), and no dots, slashes or other characters that
change a name's meaning on some computer. ``_`` is safe even though it separates
the parts, because the source and destination are always 7 characters: everything
after the second ``_`` is the description.

A name containing ``/`` or ``\\`` is refused (``filename_path``) rather than cut
down: browsers send bare names, and a caller holding a local path passes its last
part (``basename``). Every problem with a name is reported, each with its own code:
``CTFError.problems`` holds them all.
"""

from __future__ import annotations

import enum
import string
from dataclasses import dataclass

from pontio.ctf.problems import CTFError, Problem, gettext_noop

CODE_LENGTH = 7
LA_NUMBER_LENGTH = 3
SCHOOL_NUMBER_LENGTH = 4
SEQUENCE_DIGITS = 3
MAX_SEQUENCE = 999
MAX_LABEL_LENGTH = 15
MAX_FILENAME_LENGTH = 255
CTF_MARKER = "CTF"
CTF_EXTENSION = ".XML"
GENERIC_EXTENSION = ".zip"
# Parts of a name quoted in messages are cut to this length.
MAX_QUOTED_LENGTH = 20

_DIGITS = frozenset(string.digits)
_LABEL_CHARACTERS = frozenset(string.ascii_letters + string.digits + "-_")
_ASCII_UPPER = str.maketrans(string.ascii_lowercase, string.ascii_uppercase)
_PATH_SEPARATORS = ("/", "\\")


class EndpointKind(enum.StrEnum):
    SCHOOL = "school"
    LA = "la"
    # The lost pupils kinds are named by the codes that stand for them.
    LOST_UNKNOWN = "XXXXXXX"
    LOST_OUTSIDE = "MMMMMMM"


class Mailbox(enum.StrEnum):
    GENERAL = "LLLL"
    PLASC = "PLAS"
    ADMISSIONS = "ADMS"


_MAILBOX_CODES = frozenset(mailbox.value for mailbox in Mailbox)


class FileKind(enum.StrEnum):
    CTF = "ctf"
    GENERIC = "generic"


def _is_digits(text: str, length: int) -> bool:
    return len(text) == length and all(char in _DIGITS for char in text)


def _upper(text: str) -> str:
    return text.translate(_ASCII_UPPER)


def _visible(char: str) -> str:
    """A character as a message can show it: control characters as U+0000."""
    return char if char.isprintable() else f"U+{ord(char):04X}"


def _quoted(text: str) -> str:
    """Part of a name as a message shows it: visible and at most 20 characters."""
    if len(text) > MAX_QUOTED_LENGTH:
        text = text[: MAX_QUOTED_LENGTH - 1] + "…"
    return "".join(_visible(char) for char in text)


@dataclass(frozen=True)
class Endpoint:
    """One end of a transfer: a school, an LA mailbox or the lost pupils database.

    Build one with ``Endpoint.for_school``, ``Endpoint.for_la`` or ``parse_endpoint``
    (``la`` and ``school`` are the fields, so the constructors cannot share those
    names). The fields must agree with ``kind``, or CTFError ``endpoint_invalid``.
    """

    kind: EndpointKind
    la: str | None
    school: str | None
    mailbox: Mailbox | None = None

    def __post_init__(self) -> None:
        if not self._is_consistent():
            raise CTFError(
                "endpoint_invalid",
                gettext_noop(
                    "A school needs a 3-digit LA number and a 4-digit school number, "
                    "an LA a 3-digit number and a mailbox, and the lost pupils "
                    "database neither."
                ),
            )

    def _is_consistent(self) -> bool:
        la_ok = self.la is not None and _is_digits(self.la, LA_NUMBER_LENGTH)
        if self.kind is EndpointKind.SCHOOL:
            school_ok = self.school is not None and _is_digits(
                self.school, SCHOOL_NUMBER_LENGTH
            )
            return la_ok and school_ok and self.mailbox is None
        if self.kind is EndpointKind.LA:
            return la_ok and self.school is None and self.mailbox is not None
        return self.la is None and self.school is None and self.mailbox is None

    @classmethod
    def for_school(cls, estab: str) -> Endpoint:
        """The school with this 7-digit establishment number, such as 6812003."""
        la, school = parse_establishment(estab)
        return cls(EndpointKind.SCHOOL, la, school)

    @classmethod
    def for_la(cls, la: str, mailbox: Mailbox = Mailbox.GENERAL) -> Endpoint:
        """The mailbox of the LA with this 3-digit number (CTFError ``la_invalid``)."""
        if not _is_digits(la, LA_NUMBER_LENGTH):
            raise CTFError(
                "la_invalid",
                gettext_noop(
                    "An LA number must be 3 digits, for example 681 (it is %(la)s)."
                ),
                {"la": _quoted(la)},
            )
        return cls(EndpointKind.LA, la, None, mailbox)

    @classmethod
    def lost_unknown(cls) -> Endpoint:
        return cls(EndpointKind.LOST_UNKNOWN, None, None)

    @classmethod
    def lost_outside(cls) -> Endpoint:
        return cls(EndpointKind.LOST_OUTSIDE, None, None)

    @property
    def code(self) -> str:
        """The 7 characters that stand for this end in a file name."""
        if self.kind is EndpointKind.SCHOOL:
            return f"{self.la}{self.school}"
        if self.kind is EndpointKind.LA:
            return f"{self.la}{self.mailbox}"
        return str(self.kind)

    @property
    def estab(self) -> str | None:
        """The 7-digit establishment number of a school, else None."""
        return self.code if self.kind is EndpointKind.SCHOOL else None

    @property
    def is_lost_pupils(self) -> bool:
        return self.kind in (EndpointKind.LOST_UNKNOWN, EndpointKind.LOST_OUTSIDE)

    def __str__(self) -> str:
        return self.code


def parse_establishment(value: str) -> tuple[str, str]:
    """Split a 7-digit establishment number into (LA number, school number).

    No trimming: anything but exactly 7 ASCII digits is CTFError
    ``establishment_invalid``.
    """
    if not _is_digits(value, CODE_LENGTH):
        raise CTFError(
            "establishment_invalid",
            gettext_noop(
                "An establishment number must be 7 digits: the 3-digit LA number "
                "then the 4-digit school number, for example 6812003 (it is "
                "%(value)s)."
            ),
            {"value": _quoted(value)},
        )
    return value[:LA_NUMBER_LENGTH], value[LA_NUMBER_LENGTH:]


def _endpoint_or_none(token: str) -> Endpoint | None:
    code = _upper(token)
    if len(code) != CODE_LENGTH:
        return None
    for kind in (EndpointKind.LOST_UNKNOWN, EndpointKind.LOST_OUTSIDE):
        if code == kind.value:
            return Endpoint(kind, None, None)
    la, rest = code[:LA_NUMBER_LENGTH], code[LA_NUMBER_LENGTH:]
    if not _is_digits(la, LA_NUMBER_LENGTH):
        return None
    if _is_digits(rest, SCHOOL_NUMBER_LENGTH):
        return Endpoint(EndpointKind.SCHOOL, la, rest)
    if rest in _MAILBOX_CODES:
        return Endpoint(EndpointKind.LA, la, None, Mailbox(rest))
    return None


def parse_endpoint(token: str) -> Endpoint:
    """The end of a transfer a 7-character code stands for (see the module).

    CTFError ``endpoint_length`` or ``endpoint_invalid`` if it stands for none.
    """
    endpoint = _endpoint_or_none(token)
    if endpoint is not None:
        return endpoint
    if len(token) != CODE_LENGTH:
        raise CTFError(
            "endpoint_length",
            gettext_noop(
                "A school or LA code must be 7 characters: 3 digits for the LA and "
                "4 for the school, or LLLL for the LA itself (it is %(found)s)."
            ),
            {"found": _quoted(token)},
        )
    raise CTFError(
        "endpoint_invalid",
        gettext_noop(
            "%(found)s is not a school or LA code: use a 7-digit establishment "
            "number, an LA's 3 digits followed by LLLL, PLAS or ADMS, XXXXXXX or "
            "MMMMMMM."
        ),
        {"found": _quoted(token)},
    )


def basename(path: str) -> str:
    """The last part of a path written with ``/`` or ``\\`` (Windows) separators."""
    for separator in _PATH_SEPARATORS:
        path = path.rpartition(separator)[2]
    return path


@dataclass(frozen=True)
class S2SFileName:
    """What an s2s file name says: the kind of file, who sends it and to whom.

    ``sequence`` is the file number of a CTF and ``label`` the description of a
    generic file (None for the other kind); ``extension`` is as given, with its dot.
    """

    kind: FileKind
    source: Endpoint
    destination: Endpoint
    sequence: int | None
    label: str | None
    extension: str

    @property
    def is_lost_pupil(self) -> bool:
        """Whether the file goes to the lost pupils database (XXXXXXX or MMMMMMM)."""
        return self.destination.is_lost_pupils


# Messages for the parts of a name. Each part has its own codes, and whole sentences
# (not "the %(part)s") so that translators can word each one naturally.
_NOT_S2S_FORM = gettext_noop(
    "The file name does not follow the s2s rules. Name a CTF like "
    "1112222_CTF_3334444_001.XML (to a school), 1112222_CTF_333LLLL_001.XML (to an "
    "LA) or 1112222_CTF_XXXXXXX_001.XML (destination not known), and any other file "
    "like 1112222_3334444_Description.zip. 1112222 is your LA and school number, "
    "3334444 the receiver's, and the description is up to 15 letters, digits, - "
    "or _."
)
_SOURCE_LENGTH = gettext_noop(
    "The source at the start of the name must be 7 characters: 3 digits for the LA "
    "and 4 for the school, or the LA's 3 digits and LLLL (it is %(found)s)."
)
_SOURCE_INVALID = gettext_noop(
    "The source at the start of the name must be your 7-digit establishment number, "
    "or your LA's 3 digits followed by LLLL, PLAS or ADMS (it is %(found)s)."
)
_SOURCE_LOST = gettext_noop(
    "XXXXXXX and MMMMMMM can only be a destination. Start the name with your "
    "7-digit establishment number or your LA's code."
)
_DESTINATION_LENGTH = gettext_noop(
    "The destination must be 7 characters: 3 digits for the LA and 4 for the "
    "school, or the LA's 3 digits and LLLL (it is %(found)s)."
)
_DESTINATION_INVALID = gettext_noop(
    "The destination must be a 7-digit establishment number, an LA's 3 digits "
    "followed by LLLL, PLAS or ADMS, or for a CTF XXXXXXX (destination not known) "
    "or MMMMMMM (gone outside maintained schools) (it is %(found)s)."
)
_GENERIC_LOST_PUPIL = gettext_noop(
    "Only a CTF can go to the lost pupils database. Send a .zip file to a school or "
    "an LA instead of %(found)s."
)


def parse_filename(name: str) -> S2SFileName:
    """Read an s2s file name (see the module for its forms).

    CTFError if it is not one, with every problem found in ``problems``.
    """
    _check_whole_name(name)
    dot = name.rfind(".")
    stem, extension = (name, "") if dot < 0 else (name[:dot], name[dot:])
    parts = stem.split("_")
    if not _looks_like_s2s(parts):
        raise _error([Problem("filename_not_s2s_form", _NOT_S2S_FORM)])
    if _upper(parts[1]).startswith(CTF_MARKER):
        return _parse_ctf(parts, extension)
    if _upper(extension) == _upper(GENERIC_EXTENSION):
        return _parse_generic(stem, extension)
    raise _error([_wrong_extension_problem(extension)])


def _looks_like_s2s(parts: list[str]) -> bool:
    """Whether a name is close enough to an s2s form to say what to fix in it."""
    if len(parts) < 2:
        return False
    return (
        _upper(parts[1]).startswith(CTF_MARKER)
        or _endpoint_or_none(parts[0]) is not None
        or _endpoint_or_none(parts[1]) is not None
    )


def _check_whole_name(name: str) -> None:
    if not name.strip():
        raise _error([Problem("filename_empty", gettext_noop("The file has no name."))])
    if len(name) > MAX_FILENAME_LENGTH:
        raise _error(
            [
                Problem(
                    "filename_too_long",
                    gettext_noop(
                        "The file name is %(length)s characters long; an s2s name "
                        "has at most 35."
                    ),
                    {"length": len(name)},
                )
            ]
        )
    if any(separator in name for separator in _PATH_SEPARATORS):
        raise _error(
            [
                Problem(
                    "filename_path",
                    gettext_noop(
                        "The file name must not include a folder (it contains / or "
                        "\\). Give just the name, for example "
                        "1112222_CTF_3334444_001.XML."
                    ),
                )
            ]
        )


def _wrong_extension_problem(extension: str) -> Problem:
    if _upper(extension) == CTF_EXTENSION:
        return Problem(
            "filename_ctf_marker",
            gettext_noop(
                "A CTF's name must have _CTF_ after the source, for example "
                "1112222_CTF_3334444_001.XML. Any other file must be a .zip file."
            ),
        )
    return Problem(
        "filename_extension",
        gettext_noop(
            "The file name must end in .XML for a CTF or .zip for any other file."
        ),
    )


def _error(problems: list[Problem]) -> CTFError:
    first = problems[0]
    return CTFError(first.code, first.template, first.params, problems=tuple(problems))


def _parse_ctf(parts: list[str], extension: str) -> S2SFileName:
    # The file number ends at the first dot: "..._001.XML.gpg" has the extension
    # ".XML.gpg", which is wrong, and the file number 001, which is right.
    number, dot, rest = parts[-1].partition(".")
    if dot:
        parts, extension = [*parts[:-1], number], dot + rest + extension
    problems: list[Problem] = []
    if _upper(extension) != CTF_EXTENSION:
        problems.append(
            Problem(
                "filename_ctf_extension",
                gettext_noop(
                    "A CTF's name must end in .XML, for example "
                    "1112222_CTF_3334444_001.XML."
                ),
            )
        )
    destination_token, sequence_token, joined = _ctf_tokens(parts)
    source = _read_source(parts[0], problems)
    destination = _read_destination(destination_token, problems, lost_allowed=True)
    sequence = _read_sequence(sequence_token, problems)
    if joined and source is not None and source.kind is not EndpointKind.LA:
        problems.append(
            Problem(
                "filename_ctf_separator",
                gettext_noop(
                    "Put an underscore between CTF and the destination, for "
                    "example 1112222_CTF_3334444_001.XML."
                ),
            )
        )
    if problems or source is None or destination is None or sequence is None:
        raise _error(problems)
    return S2SFileName(FileKind.CTF, source, destination, sequence, None, extension)


def _ctf_tokens(parts: list[str]) -> tuple[str, str, bool]:
    """Destination, file number and whether CTF and the destination were joined."""
    marker = _upper(parts[1])
    if marker == CTF_MARKER and len(parts) in (3, 4):
        # A missing file number ("..._CTF_3334444.XML") is reported as such.
        return parts[2], parts[3] if len(parts) == 4 else "", False
    if marker != CTF_MARKER and len(parts) == 3:
        return parts[1][len(CTF_MARKER) :], parts[2], True
    raise _error(
        [
            Problem(
                "filename_ctf_parts",
                gettext_noop(
                    "A CTF's name has four parts joined by underscores: the source, "
                    "CTF, the destination and a 3-digit file number, for example "
                    "1112222_CTF_3334444_001.XML."
                ),
            )
        ]
    )


def _read_source(token: str, problems: list[Problem]) -> Endpoint | None:
    endpoint = _endpoint_or_none(token)
    params = {"found": _quoted(token)}
    if endpoint is None:
        if len(token) != CODE_LENGTH:
            problems.append(Problem("filename_source_length", _SOURCE_LENGTH, params))
        else:
            problems.append(Problem("filename_source_invalid", _SOURCE_INVALID, params))
        return None
    if endpoint.is_lost_pupils:
        problems.append(Problem("filename_source_lost", _SOURCE_LOST))
        return None
    return endpoint


def _read_destination(
    token: str, problems: list[Problem], *, lost_allowed: bool
) -> Endpoint | None:
    endpoint = _endpoint_or_none(token)
    params = {"found": _quoted(token)}
    if endpoint is None:
        if len(token) != CODE_LENGTH:
            problems.append(
                Problem("filename_destination_length", _DESTINATION_LENGTH, params)
            )
        else:
            problems.append(
                Problem("filename_destination_invalid", _DESTINATION_INVALID, params)
            )
        return None
    if endpoint.is_lost_pupils and not lost_allowed:
        problems.append(
            Problem("filename_generic_lost_pupil", _GENERIC_LOST_PUPIL, params)
        )
        return None
    return endpoint


def _read_sequence(token: str, problems: list[Problem]) -> int | None:
    if _is_digits(token, SEQUENCE_DIGITS):
        return int(token)
    problems.append(
        Problem(
            "filename_sequence",
            gettext_noop(
                "The file number at the end must be 3 digits, for example _001."
            ),
        )
    )
    return None


def _parse_generic(stem: str, extension: str) -> S2SFileName:
    problems: list[Problem] = []
    parts = stem.split("_", 2)
    source = _read_source(parts[0], problems)
    destination = _read_destination(parts[1], problems, lost_allowed=False)
    label = _read_label(parts[2] if len(parts) == 3 else "", problems)
    if problems or source is None or destination is None or label is None:
        raise _error(problems)
    return S2SFileName(FileKind.GENERIC, source, destination, None, label, extension)


def label_problems(label: str) -> list[Problem]:
    """What is wrong with ``label`` as the description of a generic file."""
    if not label:
        return [
            Problem(
                "filename_label_missing",
                gettext_noop(
                    "Add a short description after the destination, for example "
                    "1112222_3334444_Reports.zip."
                ),
            )
        ]
    problems = []
    if len(label) > MAX_LABEL_LENGTH:
        problems.append(
            Problem(
                "filename_label_too_long",
                gettext_noop(
                    "The description after the destination must be at most 15 "
                    "characters; it has %(length)s."
                ),
                {"length": len(label)},
            )
        )
    if any(char.isspace() for char in label):
        problems.append(
            Problem(
                "filename_label_spaces",
                gettext_noop(
                    "The description after the destination must not contain spaces: "
                    "use - or _ instead."
                ),
            )
        )
    others = sorted(
        {c for c in label if c not in _LABEL_CHARACTERS and not c.isspace()}
    )
    if others:
        problems.append(
            Problem(
                "filename_label_characters",
                gettext_noop(
                    "The description after the destination may use only the letters "
                    "A to Z, digits, - and _ (it contains %(found)s)."
                ),
                {"found": _quoted(" ".join(others))},
            )
        )
    return problems


def _read_label(label: str, problems: list[Problem]) -> str | None:
    found = label_problems(label)
    problems.extend(found)
    return None if found else label


def build_ctf_filename(source: Endpoint, destination: Endpoint, sequence: int) -> str:
    """The s2s name of a CTF, in the ``SSSssss_CTF_DDDdddd_NNN.XML`` form."""
    problems: list[Problem] = []
    _read_source(source.code, problems)
    if type(sequence) is not int or not 0 <= sequence <= MAX_SEQUENCE:
        _read_sequence("", problems)
    if problems:
        raise _error(problems)
    return f"{source}_{CTF_MARKER}_{destination}_{sequence:03d}{CTF_EXTENSION}"


def build_generic_filename(source: Endpoint, destination: Endpoint, label: str) -> str:
    """The s2s name of any other file: ``SSSssss_DDDdddd_Description.zip``."""
    problems: list[Problem] = []
    _read_source(source.code, problems)
    _read_destination(destination.code, problems, lost_allowed=False)
    _read_label(label, problems)
    if problems:
        raise _error(problems)
    return f"{source}_{destination}_{label}{GENERIC_EXTENSION}"
