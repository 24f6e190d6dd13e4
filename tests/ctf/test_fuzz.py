"""Whatever bytes arrive, the reader raises CTFError or nothing, and validation never
raises at all."""

from __future__ import annotations

import contextlib
import io
from unittest import TestCase

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pontio.ctf.problems import CTFError
from pontio.ctf.reader import read_ctf
from pontio.ctf.validator import validate_ctf
from tests.ctf.fixtures import (
    CTF25_DAY,
    REFERENCE_FILES,
    data_file,
    reference_ctf,
)

SAMPLES = (
    *(reference_ctf(name).read_bytes() for name in REFERENCE_FILES),
    data_file("ctf25_sex.xml").read_bytes(),
)
# Fragments that upset XML parsers and schema checks.
NASTY = (
    b"<",
    b">",
    b"&",
    b"&amp;",
    b"&#0;",
    b"&#x1F600;",
    b"]]>",
    b"<![CDATA[",
    b"<!--",
    b"<!DOCTYPE x>",
    b"<?pi x?>",
    b"\x00",
    b"\xff\xfe",
    b"\xc3",
    b"</Pupil>",
    b"<Pupil>",
    b"<UPN>",
    b'xmlns="urn:x"',
    b"\r\n",
)

FUZZ = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@st.composite
def mutated_ctfs(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SAMPLES)))
    for _ in range(draw(st.integers(1, 4))):
        position = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(("cut", "insert", "flip", "delete")))
        if action == "cut":
            del data[position:]
        elif action == "insert":
            data[position:position] = draw(
                st.sampled_from(NASTY) | st.binary(max_size=8)
            )
        elif action == "flip" and position < len(data):
            data[position] = draw(st.integers(0, 255))
        else:
            del data[position : position + draw(st.integers(1, 64))]
    return bytes(data)


def read_or_refuse(data: bytes) -> None:
    with contextlib.suppress(CTFError):
        read_ctf(io.BytesIO(data))


class FuzzTests(TestCase):
    @FUZZ
    @given(st.binary(max_size=2048))
    def test_arbitrary_bytes_raise_only_ctf_error(self, data: bytes) -> None:
        read_or_refuse(data)
        validate_ctf(io.BytesIO(data), today=CTF25_DAY)

    @FUZZ
    @given(mutated_ctfs())
    def test_mutated_real_files_raise_only_ctf_error(self, data: bytes) -> None:
        read_or_refuse(data)
        report = validate_ctf(io.BytesIO(data), today=CTF25_DAY)
        for problem in report.errors + report.warnings:
            self.assertTrue(problem.code)
            self.assertTrue(problem.message)
