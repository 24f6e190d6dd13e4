"""The toolkit's command line: ``pontio ctf ...`` and ``pontio upn ...``.

Commands::

    ctf validate FILE... [--json]     exit 0: no errors (warnings allowed); 1: errors
    ctf inspect FILE [--json]         the header and a summary of every pupil
    ctf fake --pupils N --from EST --to DEST [--seed S] [--ctf-version V]
                                      a synthetic CTF, as bytes on standard output
    upn check UPN...                  one line per UPN; exit 1 if any is invalid
    upn new --la LA --estab EST --year YY --serial N [--temporary]

Bad usage exits with 2. Bad input (a missing file, a broken CTF, an impossible
UPN request) never prints a traceback: a message goes to standard error and the
exit code says what happened.

JSON shapes (stable; new keys may be added, none removed):

``ctf validate --json`` prints one object per file, or a list of them when several
files are given::

    {"file": "8201234_CTF_8205678_001.XML", "valid": false,
     "errors": [PROBLEM...], "warnings": [PROBLEM...],
     "pupil_count": 3, "version": "25.0"}

where a PROBLEM is ``{"code", "severity", "message", "line", "path"}`` (``line``
and ``path`` may be null). ``pupil_count`` and ``version`` are null when the file
could not be read that far.

``ctf inspect --json`` prints ``{"file", "header": {...}, "pupils": [SUMMARY...]}``
where ``header`` holds the header's elements present in the file, by element name
(``DocumentName``, ``CTFversion``, ``DateTime``, ``DocumentQualifier``,
``DataQualifier``, ``DataDescriptor``, ``SupplierID``, and ``SourceSchool`` and
``DestSchool`` as objects of ``LEA``, ``Estab``, ``URN``, ``SchoolName``,
``AcademicYear``), and each SUMMARY is ``{"upn", "former_upn", "surname",
"forename", "middle_names", "former_surname", "preferred_surname", "dob", "sex",
"town", "postcode"}`` with null for what the file does not say. A file that cannot
be read at all gives a message on standard error and exit code 1.

The module runs on its own too: ``python -m pontio.ctf.cli ctf validate FILE``.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Sequence
from typing import Any, BinaryIO, TextIO

from pontio.ctf.problems import CTFError, Problem, gettext_noop

EXIT_OK = 0
EXIT_ERRORS = 1
EXIT_USAGE = 2
# What ``ctf inspect`` shows of each pupil without --json.
SUMMARY_COLUMNS = ("upn", "surname", "forename", "dob", "sex", "postcode")


def main(argv: list[str] | None = None) -> int:
    """Run one command; return the process exit code."""
    args = _parse(sys.argv[1:] if argv is None else argv)
    if isinstance(args, int):
        return args
    try:
        result: int = args.handler(args)
    except CTFError as error:
        _fail(error.message)
        return EXIT_ERRORS
    except BrokenPipeError:
        # The reader went away (``pontio ctf fake ... | head``): nothing to report.
        return EXIT_OK
    return result


def _parse(argv: Sequence[str]) -> argparse.Namespace | int:
    parser = _build_parser()
    try:
        args = parser.parse_args(list(argv))
    except SystemExit as exit_:
        # argparse has printed the usage or the help already.
        return exit_.code if isinstance(exit_.code, int) else EXIT_USAGE
    if getattr(args, "handler", None) is None:
        parser.print_usage(sys.stderr)
        return EXIT_USAGE
    return args


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pontio",
        description=gettext_noop("Check, inspect and make Common Transfer Files."),
    )
    commands = parser.add_subparsers(title="commands")
    _add_ctf_commands(commands.add_parser("ctf", help=gettext_noop("CTF files")))
    _add_upn_commands(
        commands.add_parser("upn", help=gettext_noop("Unique Pupil Numbers"))
    )
    return parser


def _add_ctf_commands(parser: argparse.ArgumentParser) -> None:
    commands = parser.add_subparsers(title="commands")
    validate = commands.add_parser(
        "validate", help=gettext_noop("check CTF files against the schema and rules")
    )
    validate.add_argument("files", nargs="+", metavar="FILE")
    validate.add_argument("--json", action="store_true")
    validate.set_defaults(handler=_ctf_validate)

    inspect = commands.add_parser(
        "inspect", help=gettext_noop("show the header and pupils of a CTF")
    )
    inspect.add_argument("file", metavar="FILE")
    inspect.add_argument("--json", action="store_true")
    inspect.set_defaults(handler=_ctf_inspect)

    fake = commands.add_parser(
        "fake", help=gettext_noop("write a realistic synthetic CTF to standard output")
    )
    fake.add_argument("--pupils", type=_natural, required=True, metavar="N")
    fake.add_argument("--from", dest="source", required=True, metavar="EST")
    fake.add_argument("--to", dest="destination", required=True, metavar="DEST")
    fake.add_argument("--seed", type=int, default=None, metavar="S")
    fake.add_argument("--ctf-version", type=int, default=25, metavar="V")
    fake.set_defaults(handler=_ctf_fake)


def _add_upn_commands(parser: argparse.ArgumentParser) -> None:
    commands = parser.add_subparsers(title="commands")
    check = commands.add_parser("check", help=gettext_noop("check UPNs"))
    check.add_argument("upns", nargs="+", metavar="UPN")
    check.set_defaults(handler=_upn_check)

    new = commands.add_parser("new", help=gettext_noop("make a UPN"))
    new.add_argument("--la", required=True, metavar="LA")
    new.add_argument("--estab", required=True, metavar="EST")
    new.add_argument("--year", type=int, required=True, metavar="YY")
    new.add_argument("--serial", type=int, required=True, metavar="N")
    new.add_argument("--temporary", action="store_true")
    new.set_defaults(handler=_upn_new)


def _natural(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 1:
        raise argparse.ArgumentTypeError(
            gettext_noop("'%(value)s' is not a whole number above 0") % {"value": text}
        )
    return value


def _fail(message: str) -> None:
    print(gettext_noop("pontio: %(message)s") % {"message": message}, file=sys.stderr)


# --- ctf validate -----------------------------------------------------------


def _ctf_validate(args: argparse.Namespace) -> int:
    results = [_validate_one(name) for name in args.files]
    if args.json:
        shape: object = results[0] if len(results) == 1 else results
        _print_json(shape, sys.stdout)
    else:
        for result in results:
            _print_validation(result, sys.stdout)
    return EXIT_OK if all(result["valid"] for result in results) else EXIT_ERRORS


def _validate_one(name: str) -> dict[str, Any]:
    # Imported here so that ``upn`` commands do not pay for lxml and the schema.
    from pontio.ctf.validator import validate_ctf

    try:
        with open(name, "rb") as handle:
            report = validate_ctf(handle)
    except OSError as error:
        return _unreadable(name, error)
    result = dict(report.as_dict())
    result["file"] = name
    return result


def _unreadable(name: str, error: OSError) -> dict[str, Any]:
    problem = Problem(
        "file_unreadable",
        gettext_noop("The file %(file)s cannot be read: %(reason)s."),
        {"file": name, "reason": error.strerror or str(error)},
    )
    return {
        "file": name,
        "valid": False,
        "errors": [problem.as_dict()],
        "warnings": [],
        "pupil_count": None,
        "version": None,
    }


def _print_validation(result: dict[str, Any], out: TextIO) -> None:
    errors, warnings = result["errors"], result["warnings"]
    params = {
        "file": result["file"],
        "errors": len(errors),
        "warnings": len(warnings),
        "pupils": result["pupil_count"] if result["pupil_count"] is not None else 0,
    }
    if result["valid"]:
        line = gettext_noop(
            "%(file)s: valid (pupils: %(pupils)s, warnings: %(warnings)s)"
        )
    else:
        line = gettext_noop(
            "%(file)s: NOT valid (errors: %(errors)s, warnings: %(warnings)s)"
        )
    print(line % params, file=out)
    for problem in [*errors, *warnings]:
        print("  " + _problem_line(problem), file=out)


def _problem_line(problem: dict[str, Any]) -> str:
    where = f"line {problem['line']}: " if problem.get("line") else ""
    return f"{problem['severity']} [{problem['code']}] {where}{problem['message']}"


def _print_json(shape: object, out: TextIO) -> None:
    json.dump(shape, out, indent=2, ensure_ascii=False, default=str)
    out.write("\n")


# --- ctf inspect ------------------------------------------------------------


def _ctf_inspect(args: argparse.Namespace) -> int:
    try:
        with open(args.file, "rb") as handle:
            description = {"file": args.file, **_describe(handle)}
    except OSError as error:
        _fail(_unreadable(args.file, error)["errors"][0]["message"])
        return EXIT_ERRORS
    if args.json:
        _print_json(description, sys.stdout)
    else:
        _print_description(description, sys.stdout)
    return EXIT_OK


def _describe(handle: BinaryIO) -> dict[str, Any]:
    from pontio.ctf.reader import iter_ctf
    from pontio.ctf.writer import (
        DEST_SCHOOL_FIELDS,
        HEADER_FIELDS,
        SOURCE_SCHOOL_FIELDS,
    )

    with iter_ctf(handle) as reader:
        header = reader.header
        described: dict[str, Any] = _by_element(header, HEADER_FIELDS)
        described["SourceSchool"] = _by_element(
            header.source_school, SOURCE_SCHOOL_FIELDS
        )
        described["DestSchool"] = _by_element(header.dest_school, DEST_SCHOOL_FIELDS)
        pupils = [dataclasses.asdict(pupil.summary()) for pupil in reader]
    return {"header": described, "pupils": pupils}


def _by_element(owner: object, fields: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    values = ((tag, getattr(owner, attribute)) for tag, attribute in fields)
    return {tag: value for tag, value in values if value is not None}


def _print_description(description: dict[str, Any], out: TextIO) -> None:
    print(description["file"], file=out)
    for key, value in description["header"].items():
        if isinstance(value, dict):
            value = " ".join(f"{k}={v}" for k, v in value.items())
        print(f"  {key}: {value}", file=out)
    pupils = description["pupils"]
    print(gettext_noop("Pupils: %(count)s") % {"count": len(pupils)}, file=out)
    for summary in pupils:
        shown = (summary.get(key) or "-" for key in SUMMARY_COLUMNS)
        print("  " + "  ".join(shown), file=out)


# --- ctf fake ---------------------------------------------------------------


def _ctf_fake(args: argparse.Namespace) -> int:
    from pontio.ctf.synthetic import fake_ctf
    from pontio.ctf.writer import write_ctf

    document = fake_ctf(
        pupils=args.pupils,
        source=args.source,
        destination=args.destination,
        seed=args.seed,
        version=args.ctf_version,
    )
    sys.stdout.flush()
    write_ctf(document, sys.stdout.buffer)
    sys.stdout.buffer.flush()
    return EXIT_OK


# --- upn check, upn new -----------------------------------------------------


def _upn_check(args: argparse.Namespace) -> int:
    from pontio.ctf.upn import validate_upn

    all_valid = True
    for upn in args.upns:
        problems = validate_upn(upn)
        all_valid = all_valid and not problems
        print(_upn_line(upn, problems), file=sys.stdout)
    return EXIT_OK if all_valid else EXIT_ERRORS


def _upn_line(upn: str, problems: list[Problem]) -> str:
    if not problems:
        return f"{upn}: valid"
    reasons = "; ".join(f"[{problem.code}] {problem.message}" for problem in problems)
    return f"{upn}: invalid {reasons}"


def _upn_new(args: argparse.Namespace) -> int:
    from pontio.ctf.upn import make_temporary_upn, make_upn

    make = make_temporary_upn if args.temporary else make_upn
    print(make(la=args.la, estab=args.estab, year=args.year, serial=args.serial))
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
