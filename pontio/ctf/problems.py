"""Problems found in a CTF or a file name, and the toolkit's one error type.

The toolkit is pure Python and does not know the user's language. Every message is an
English template with named placeholders, marked with ``gettext_noop`` so that Django's
``makemessages`` collects it into Pontio's catalogues; the web layer renders a problem
in the user's language with ``problem.render(gettext)``.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

ParamValue = str | int


def gettext_noop(message: str) -> str:
    """Mark a message for translation without translating it (see the module doc)."""
    return message


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file: a stable code, a message template and its place."""

    code: str
    template: str
    params: Mapping[str, ParamValue] = field(default_factory=dict)
    severity: Severity = Severity.ERROR
    line: int | None = None
    path: str | None = None

    @property
    def message(self) -> str:
        return self.render()

    def render(self, translate: Callable[[str], str] | None = None) -> str:
        """The message in the language ``translate`` gives (English without one)."""
        template = translate(self.template) if translate else self.template
        return template % dict(self.params) if self.params else template

    def as_dict(self) -> dict[str, str | int | None]:
        return {
            "code": self.code,
            "severity": str(self.severity),
            "message": self.message,
            "line": self.line,
            "path": self.path,
        }


class CTFError(Exception):
    """The toolkit's one error type: the input cannot be used, and why."""

    def __init__(
        self,
        code: str,
        template: str,
        params: Mapping[str, ParamValue] | None = None,
        *,
        line: int | None = None,
        path: str | None = None,
        problems: tuple[Problem, ...] = (),
    ) -> None:
        self.problem = Problem(
            code, template, dict(params or {}), Severity.ERROR, line, path
        )
        # Every problem found, the first being ``problem`` itself.
        self.problems = problems or (self.problem,)
        super().__init__(self.problem.message)

    @property
    def code(self) -> str:
        return self.problem.code

    @property
    def message(self) -> str:
        return self.problem.message

    @property
    def line(self) -> int | None:
        return self.problem.line

    @property
    def path(self) -> str | None:
        return self.problem.path

    def render(self, translate: Callable[[str], str] | None = None) -> str:
        return self.problem.render(translate)
