"""The Welsh catalogue is complete, well formed, up to date and used by the pages.

The catalogue is read with a small parser of the PO format, so that the tests need
nothing beyond GNU gettext, which Pontio needs anyway to compile its catalogues.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import django
from django.conf import settings
from django.test import SimpleTestCase, TestCase, override_settings
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "locale" / "cy" / "LC_MESSAGES" / "django.po"
DJANGO_CATALOGUE = (
    Path(django.__file__).parent
    / "conf"
    / "locale"
    / "cy"
    / "LC_MESSAGES"
    / "django.po"
)
NPLURALS = 4
PLACEHOLDER = re.compile(r"%\(\w+\)[sdrif]")
# The same command as `make makemessages`.
MAKEMESSAGES = [
    "makemessages",
    "--locale",
    "cy",
    "--no-obsolete",
    "--add-location",
    "file",
    "--ignore",
    ".venv/*",
    "--ignore",
    "pontio/web/frontend/*",
    "--ignore",
    "bench/*",
    "--ignore",
    "tests/*",
    "--symlinks",
]


@dataclass
class Entry:
    """One message of a PO file: its keywords, flags and where it starts."""

    line: int
    flags: set[str] = field(default_factory=set)
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str | None, str, str | None]:
        return (
            self.fields.get("msgctxt"),
            self.fields["msgid"],
            self.fields.get("msgid_plural"),
        )

    @property
    def translations(self) -> list[str]:
        if "msgid_plural" not in self.fields:
            return [self.fields.get("msgstr", "")]
        return [self.fields.get(f"msgstr[{n}]", "") for n in range(NPLURALS)]


def unquote(text: str) -> str:
    """Turn one quoted PO string into its text (PO uses C escapes)."""
    value = ast.literal_eval(text)
    assert isinstance(value, str)
    return value


def parse_po(path: Path) -> list[Entry]:
    """Read every live entry of a PO file, the header included (msgid "")."""
    entries: list[Entry] = []
    current: Entry | None = None
    keyword = ""
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line:
            current = None
        elif line.startswith("#,"):
            current = current or _start(entries, number)
            current.flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            current = current or _start(entries, number)
        elif line.startswith('"'):
            assert current is not None, f"{path}:{number}: a string outside an entry"
            current.fields[keyword] += unquote(line)
        else:
            keyword, _, text = line.partition(" ")
            current = current or _start(entries, number)
            if keyword == "msgctxt" and "msgid" in current.fields:
                current = _start(entries, number)
            current.fields[keyword] = unquote(text)
    return [entry for entry in entries if "msgid" in entry.fields]


def _start(entries: list[Entry], number: int) -> Entry:
    entries.append(Entry(line=number))
    return entries[-1]


def header(entries: list[Entry]) -> dict[str, str]:
    """Return the catalogue's header fields ("Language", "Plural-Forms"...)."""
    (head,) = [
        e for e in entries if e.fields["msgid"] == "" and "msgctxt" not in e.fields
    ]
    lines = head.fields["msgstr"].splitlines()
    return dict(line.split(": ", 1) for line in lines if ": " in line)


def messages(entries: list[Entry]) -> list[Entry]:
    return [e for e in entries if e.fields["msgid"] != "" or "msgctxt" in e.fields]


class WelshCatalogueTests(SimpleTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.entries = parse_po(CATALOGUE)
        cls.messages = messages(cls.entries)

    def test_the_catalogue_has_messages(self):
        self.assertGreater(len(self.messages), 100)

    def test_the_header_names_welsh_and_djangos_plural_rule(self):
        ours = header(self.entries)
        django_cy = header(parse_po(DJANGO_CATALOGUE))
        self.assertEqual(ours["Language"], "cy")
        self.assertEqual(ours["Content-Type"], "text/plain; charset=UTF-8")
        self.assertEqual(ours["Plural-Forms"], django_cy["Plural-Forms"])
        self.assertIn(f"nplurals={NPLURALS};", ours["Plural-Forms"])

    def test_every_message_is_translated(self):
        missing = [
            f"{CATALOGUE.name}:{e.line} {e.fields['msgid']!r}"
            for e in self.messages
            if not all(text.strip() for text in e.translations)
        ]
        self.assertEqual(missing, [])

    def test_no_entry_is_fuzzy(self):
        fuzzy = [
            f"{CATALOGUE.name}:{e.line}" for e in self.entries if "fuzzy" in e.flags
        ]
        self.assertEqual(fuzzy, [])

    def test_every_translation_keeps_the_named_placeholders(self):
        for entry in self.messages:
            sources = [entry.fields["msgid"]] + [
                entry.fields.get("msgid_plural", "")
            ] * 3
            for source, text in zip(sources, entry.translations, strict=False):
                with self.subTest(line=entry.line, msgid=source):
                    self.assertEqual(
                        set(PLACEHOLDER.findall(text)), set(PLACEHOLDER.findall(source))
                    )

    def test_every_translation_keeps_the_html_tags_and_outer_whitespace(self):
        tag = re.compile(r"</?[a-z]+")
        for entry in self.messages:
            source = entry.fields["msgid"]
            for text in entry.translations:
                with self.subTest(line=entry.line, msgid=source):
                    self.assertEqual(
                        sorted(tag.findall(text)), sorted(tag.findall(source))
                    )
                    self.assertEqual(
                        text[: len(text) - len(text.lstrip())],
                        source[: len(source) - len(source.lstrip())],
                    )
                    self.assertEqual(
                        text[len(text.rstrip()) :], source[len(source.rstrip()) :]
                    )

    def test_msgfmt_accepts_the_catalogue(self):
        with tempfile.TemporaryDirectory() as folder:
            result = subprocess.run(
                [
                    "msgfmt",
                    "--check",
                    "--statistics",
                    "-o",
                    f"{folder}/django.mo",
                    CATALOGUE,
                ],
                capture_output=True,
                text=True,
                check=False,
            )
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertNotIn("untranslated", result.stderr)
        self.assertNotIn("fuzzy", result.stderr)

    def test_makemessages_finds_no_message_missing_from_the_catalogue(self):
        """Run `make makemessages` on a copy of locale/ and compare the messages.

        The copy sits in a temporary folder beside symlinks to the rest of the
        repository, so makemessages walks the same sources but writes to the copy.
        """
        with tempfile.TemporaryDirectory() as folder:
            tree = Path(folder)
            for item in ROOT.iterdir():
                if not item.name.startswith(".") and item.name not in {"locale", "var"}:
                    (tree / item.name).symlink_to(item)
            shutil.copytree(ROOT / "locale", tree / "locale")
            env = {**os.environ, "DJANGO_SETTINGS_MODULE": "pontio.settings"}
            subprocess.run(
                [sys.executable, "-m", "pontio.cli", *MAKEMESSAGES],
                cwd=tree,
                env=env,
                capture_output=True,
                check=True,
            )
            fresh = messages(
                parse_po(tree / "locale" / "cy" / "LC_MESSAGES" / "django.po")
            )
        ours = {e.key for e in self.messages}
        found = {e.key for e in fresh}
        self.assertEqual(sorted(found - ours, key=str), [], "run make makemessages")
        self.assertEqual(sorted(ours - found, key=str), [], "run make makemessages")


class WelshPagesTests(TestCase):
    """The pages speak Welsh from the catalogue as it is now, compiled afresh."""

    @classmethod
    def setUpClass(cls) -> None:
        cls.compiled = tempfile.TemporaryDirectory()
        target = Path(cls.compiled.name) / "cy" / "LC_MESSAGES"
        target.mkdir(parents=True)
        subprocess.run(["msgfmt", "-o", target / "django.mo", CATALOGUE], check=True)
        cls.enterClassContext(override_settings(LOCALE_PATHS=[cls.compiled.name]))
        super().setUpClass()

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        cls.compiled.cleanup()

    def test_the_sign_in_page_is_in_welsh_when_the_language_cookie_says_cy(self):
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
        response = self.client.get(reverse("account:sign_in"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'lang="cy"')
        self.assertContains(response, "Mewngofnodi i Pontio")
        self.assertContains(response, "Cyfrinair")
        self.assertNotContains(response, "Sign in to Pontio")

    def test_the_sign_in_page_stays_in_english_by_default(self):
        response = self.client.get(reverse("account:sign_in"))
        self.assertContains(response, "Sign in to Pontio")
