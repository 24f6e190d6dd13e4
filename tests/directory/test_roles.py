"""The role table against the s2s user notes, section 1.6, line by line.

Each assertion quotes the bullet it checks. Seed 002 is the LA user notes of the
service Pontio replaces; "LEA" there is "LA" here.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.test import SimpleTestCase

from pontio.directory.models import User
from pontio.directory.roles import (
    ADMINISTRATIVE_ROLES,
    LA_ROLES,
    ONE_PER_LA_ROLES,
    ROLE_CAPABILITIES,
    ROLE_MAILBOX,
    Capability,
    Role,
    capabilities_of,
)
from pontio.directory.services import users
from tests.base import PontioTestCase, make_user

C = Capability
FILES = C.TRANSFER_CTF
GENERIC = C.TRANSFER_GENERIC
# Everything that changes something: a view-only role must hold none of these.
CHANGING = frozenset(
    {
        C.MANAGE_USERS,
        C.MANAGE_SCHOOLS,
        C.MANAGE_OWN_LA,
        C.MANAGE_LAS,
        C.TRANSFER_CTF,
        C.TRANSFER_GENERIC,
        C.TRANSFER_LOST_PUPILS,
        C.DOWNLOAD_LOST_PUPILS,
        C.MESSAGING,
    }
)


class RoleTableTests(SimpleTestCase):
    def check(self, role: str, bullets: dict[str, tuple[set[C], set[C]]]) -> None:
        """Each bullet: (capabilities it grants, capabilities it rules out)."""
        capabilities = ROLE_CAPABILITIES[role]
        for bullet, (granted, refused) in bullets.items():
            with self.subTest(role=role, bullet=bullet):
                self.assertLessEqual(granted, capabilities)
                self.assertFalse(refused & capabilities)

    def test_there_are_eight_la_roles(self) -> None:
        # "There are 8 different s2s user roles"
        self.assertEqual(len(LA_ROLES), 8)
        self.assertEqual(set(ROLE_CAPABILITIES), set(Role.values))

    def test_lea_dba(self) -> None:
        self.check(
            Role.LA_DBA,
            {
                "Can set-up, amend and delete users within the LEA or schools.": (
                    {C.MANAGE_USERS, C.VIEW_USERS},
                    set(),
                ),
                "Can upload/download/re-download files.": ({FILES}, set()),
                "Can generate reports on system usage.": ({C.RUN_REPORTS}, set()),
                "Can send and receive messages.": ({C.MESSAGING}, set()),
                # 3.1: "School Maintenance", "Maintain LEA Details".
                "3.1 DBA menu: School Maintenance, Maintain LEA Details": (
                    {C.MANAGE_SCHOOLS, C.VIEW_SCHOOLS, C.MANAGE_OWN_LA},
                    {C.MANAGE_LAS},
                ),
            },
        )
        self.assertEqual(ROLE_MAILBOX[Role.LA_DBA], "LLLL")  # "LEALLLL"

    def test_lea_user(self) -> None:
        self.check(
            Role.LA_USER,
            {
                "Can upload/download/re-download files.": ({FILES}, set()),
                "Can generate reports on system usage.": ({C.RUN_REPORTS}, set()),
                "Can send and receive messages.": ({C.MESSAGING}, set()),
                "(not an administrator)": (
                    set(),
                    {C.MANAGE_USERS, C.VIEW_USERS, C.MANAGE_SCHOOLS},
                ),
            },
        )
        self.assertEqual(ROLE_MAILBOX[Role.LA_USER], "LLLL")  # "LEALLLL"

    def test_lea_school(self) -> None:
        school_facilities = set(capabilities_of(Role.SCHOOL))
        self.check(
            Role.LA_SCHOOL,
            {
                "Provides the LEA user with s2s school-level facilities.": (
                    school_facilities,
                    set(),
                ),
                "Can upload/download/re-download files.": ({FILES}, set()),
                "Can generate reports on system usage.": ({C.RUN_REPORTS}, set()),
                "Can send and receive messages.": ({C.MESSAGING}, set()),
            },
        )
        self.assertEqual(ROLE_MAILBOX[Role.LA_SCHOOL], "LLLL")  # "LEALLLL"
        # "Each Local Authority may only have one LEA School user account."
        self.assertEqual(ONE_PER_LA_ROLES, {Role.LA_SCHOOL})

    def test_lea_lost_pupil(self) -> None:
        self.check(
            Role.LA_LOST_PUPIL,
            {
                'Can search "lost pupils database".': ({C.SEARCH_LOST_PUPILS}, set()),
                "Can upload/download/re-download generic files.": (
                    {GENERIC},
                    {FILES},
                ),
                "Can generate reports on system usage.": ({C.RUN_REPORTS}, set()),
                "Can send and receive messages.": ({C.MESSAGING}, set()),
                # Section 4: "The Lost Pupil Transfer log in has access to more
                # download options."
                "(fewer download options than Lost Pupil Transfer)": (
                    set(),
                    {C.TRANSFER_LOST_PUPILS},
                ),
            },
        )
        self.assertEqual(ROLE_MAILBOX[Role.LA_LOST_PUPIL], "LLLL")  # "LEALLLL"

    def test_lea_lost_pupil_transfer(self) -> None:
        self.check(
            Role.LA_LOST_PUPIL_TRANSFER,
            {
                'Can search "lost pupils database".': ({C.SEARCH_LOST_PUPILS}, set()),
                "Can upload/download/re-download files.": ({FILES, GENERIC}, set()),
                "Can generate reports on system usage.": ({C.RUN_REPORTS}, set()),
                "Can send and receive messages.": ({C.MESSAGING}, set()),
                "(section 4: more download options)": (
                    {C.DOWNLOAD_LOST_PUPILS, C.TRANSFER_LOST_PUPILS},
                    set(),
                ),
            },
        )
        self.assertEqual(ROLE_MAILBOX[Role.LA_LOST_PUPIL_TRANSFER], "LLLL")

    def test_lea_dba_view_only(self) -> None:
        self.check(
            Role.LA_DBA_VIEW_ONLY,
            {
                "Can view LEA user's details (username, contact details and role "
                "type), but cannot amend or delete details or view passwords.": (
                    {C.VIEW_USERS},
                    {C.MANAGE_USERS},
                ),
                # Pontio stores only password hashes, so nobody can view a
                # password: "(including password)" is deliberately not kept.
                "Can view school user's details (including password), but cannot "
                "amend or delete details.": ({C.VIEW_USERS}, {C.MANAGE_USERS}),
                "Can run reports on system usage.": ({C.RUN_REPORTS}, set()),
                "(view only: changes nothing)": ({C.VIEW_SCHOOLS}, set(CHANGING)),
            },
        )
        # No source/destination code is listed for the view-only role.
        self.assertIsNone(ROLE_MAILBOX[Role.LA_DBA_VIEW_ONLY])

    def test_lea_plasc(self) -> None:
        self.check(
            Role.LA_PLASC,
            {
                "Can upload/download/re-download files.": ({FILES}, set()),
                "Can generate reports on system usage.": ({C.RUN_REPORTS}, set()),
                "Can send and receive messages.": ({C.MESSAGING}, set()),
            },
        )
        self.assertEqual(ROLE_MAILBOX[Role.LA_PLASC], "PLAS")  # "LEAPLAS"

    def test_lea_admissions(self) -> None:
        self.check(
            Role.LA_ADMISSIONS,
            {
                "Can upload/download/re-download admissions and generic files.": (
                    {FILES, GENERIC},
                    set(),
                ),
                "Can generate reports on system usage.": ({C.RUN_REPORTS}, set()),
                "Can send and receive messages.": ({C.MESSAGING}, set()),
            },
        )
        self.assertEqual(ROLE_MAILBOX[Role.LA_ADMISSIONS], "ADMS")  # "LEAADMS"

    def test_lea_administrators_cannot_use_generic_files(self) -> None:
        # 5.5: "All user types can exchange files using generic zip options,
        # except for those logged in as LEA Administrators."
        for role in (Role.LA_DBA, Role.LA_DBA_VIEW_ONLY):
            with self.subTest(role=role):
                self.assertNotIn(GENERIC, ROLE_CAPABILITIES[role])
        for role in set(Role) - {
            Role.LA_DBA,
            Role.LA_DBA_VIEW_ONLY,
            Role.CENTRAL_ADMIN,
        }:
            with self.subTest(role=role):
                self.assertIn(GENERIC, ROLE_CAPABILITIES[role])

    def test_only_administrators_see_users_and_schools(self) -> None:
        administrators = {Role.LA_DBA, Role.LA_DBA_VIEW_ONLY, Role.CENTRAL_ADMIN}
        for role in Role:
            with self.subTest(role=role):
                self.assertEqual(
                    C.VIEW_USERS in ROLE_CAPABILITIES[role], role in administrators
                )
        self.assertEqual(ADMINISTRATIVE_ROLES, administrators)

    def test_an_unknown_role_may_do_nothing(self) -> None:
        self.assertEqual(capabilities_of("superuser"), frozenset())


class RoleRulesTests(PontioTestCase):
    def test_one_lea_school_account_per_la_is_a_database_constraint(self) -> None:
        with self.assertRaises(IntegrityError), transaction.atomic():
            make_user("681laschool2", self.cardiff, Role.LA_SCHOOL)
        # Another LA may have its own.
        make_user("838laschool", self.dorset, Role.LA_SCHOOL)
        self.assertEqual(User.objects.filter(role=Role.LA_SCHOOL).count(), 2)

    def test_only_the_welsh_government_sets_up_an_las_dba(self) -> None:
        # 3.1: "This user will need to be set up by the Welsh Government's s2s
        # Administrator."
        dba_may_grant = users.roles_grantable_by(self.users["la_dba"], self.cardiff)
        self.assertNotIn(Role.LA_DBA, dba_may_grant)
        central_may_grant = users.roles_grantable_by(
            self.users["central_admin"], self.cardiff
        )
        self.assertIn(Role.LA_DBA, central_may_grant)
        self.assertEqual(set(central_may_grant), set(LA_ROLES))

    def test_a_schools_users_hold_the_school_role_only(self) -> None:
        granted = users.roles_grantable_by(self.users["central_admin"], self.school)
        self.assertEqual(granted, [Role.SCHOOL])
