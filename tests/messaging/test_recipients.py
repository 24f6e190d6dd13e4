"""Each kind of recipient names the right people, and nobody else."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from pontio.directory.roles import Role
from pontio.messaging import services
from tests.base import make_user
from tests.messaging import MessagingTestCase


class RecipientTests(MessagingTestCase):
    def test_a_named_user_alone_receives_it(self) -> None:
        message = self.send(self.users["la_user"], [{"user": "6812003office"}])
        self.assertEqual(self.recipients_of(message), {"6812003office"})

    def test_a_school_reaches_all_its_users_and_nobody_else(self) -> None:
        colleague = make_user("6812003head", self.school, Role.SCHOOL)
        message = self.send(self.users["la_user"], [{"organisation": "6812003"}])
        self.assertEqual(
            self.recipients_of(message), {"6812003office", colleague.username}
        )

    def test_an_las_roles_reach_only_the_users_holding_them(self) -> None:
        to = [{"la": "681", "roles": ["la_user", "la_lost_pupil"]}]
        message = self.send(self.sender, to)
        self.assertEqual(
            self.recipients_of(message), {"681la_user", "681la_lost_pupil"}
        )

    def test_a_whole_la_leaves_out_the_view_only_administrator(self) -> None:
        message = self.send(self.sender, [{"organisation": "681"}])
        expected = {
            f"681{role}"
            for role in Role.values
            if role.startswith("la_") and role != Role.LA_DBA_VIEW_ONLY
        }
        self.assertEqual(self.recipients_of(message), expected)

    def test_the_view_only_role_cannot_be_addressed(self) -> None:
        to = [{"la": "681", "roles": ["la_dba_view_only"]}]
        with self.assertRaises(ValidationError) as raised:
            self.send(self.sender, to)
        self.assertEqual(raised.exception.code, "unknown_role")

    def test_a_view_only_user_cannot_be_named(self) -> None:
        with self.assertRaises(ValidationError) as raised:
            self.send(self.sender, [{"user": "681la_dba_view_only"}])
        self.assertEqual(raised.exception.code, "unknown_user")

    def test_a_group_reaches_its_members_as_they_are_when_sent(self) -> None:
        group = services.create_group(
            actor=self.users["la_user"],
            name="Dorset schools",
            entries=[{"organisation": "8383321"}, {"organisation": "8384512"}],
        )
        message = self.send(self.users["la_user"], [{"group": str(group.code)}])
        self.assertEqual(
            self.recipients_of(message), {"8383321office", "8384512office"}
        )

    def test_another_organisations_group_cannot_be_used(self) -> None:
        group = services.create_group(
            actor=self.users["la_user"], name="Mine", entries=[{"user": "838dba"}]
        )
        with self.assertRaises(ValidationError) as raised:
            self.send(self.sender, [{"group": str(group.code)}])
        self.assertEqual(raised.exception.code, "unknown_group")

    def test_a_mix_counts_each_person_once_and_leaves_out_the_sender(self) -> None:
        to = [
            {"user": "838dba"},
            {"organisation": "838"},
            {"la": "681", "roles": ["la_user"]},
            {"organisation": "6812003"},
            {"user": "8383321office"},
        ]
        message = self.send(self.sender, to)
        self.assertEqual(
            self.recipients_of(message), {"838dba", "681la_user", "6812003office"}
        )
        self.assertEqual(len(message.addressed_to), 5)

    def test_people_who_join_later_do_not_receive_an_earlier_message(self) -> None:
        message = self.send(self.users["la_user"], [{"organisation": "6812003"}])
        make_user("6812003head", self.school, Role.SCHOOL)
        self.assertEqual(self.recipients_of(message), {"6812003office"})

    def test_disabled_users_and_organisations_receive_nothing(self) -> None:
        self.receiver.is_active = False
        self.receiver.save(update_fields=["is_active"])
        self.school.is_active = False
        self.school.save(update_fields=["is_active"])
        to = [{"user": "8384512office"}, {"user": "838dba"}]
        message = self.send(self.sender, to[1:])
        self.assertEqual(self.recipients_of(message), {"838dba"})
        for entry, code in [
            ({"user": "8384512office"}, "unknown_user"),
            ({"organisation": "6812003"}, "unknown_organisation"),
        ]:
            with (
                self.subTest(entry=entry),
                self.assertRaises(ValidationError) as raised,
            ):
                self.send(self.sender, [entry])
            self.assertEqual(raised.exception.code, code)

    def test_refuses_malformed_entries(self) -> None:
        hostile = [
            {},
            {"user": "838dba", "organisation": "838"},
            {"la": "681"},
            {"la": "681", "roles": "la_user"},
            {"la": "6812003", "roles": ["la_user"]},
            {"group": "'; DROP TABLE messaging_message; --"},
            {"organisation": ["838"]},
            {"user": {"$ne": ""}},
            "838dba",
        ]
        for entry in hostile:
            with self.subTest(entry=entry), self.assertRaises(ValidationError):
                self.send(self.sender, [entry])  # type: ignore[list-item]

    def test_a_message_to_nobody_is_refused(self) -> None:
        with self.assertRaises(ValidationError) as raised:
            self.send(self.users["la_user"], [{"organisation": "6812004"}])
        self.assertEqual(raised.exception.code, "no_recipients")

    def test_a_view_only_administrator_cannot_send(self) -> None:
        from django.core.exceptions import PermissionDenied

        with self.assertRaises(PermissionDenied):
            self.send(self.users["la_dba_view_only"], [{"user": "838dba"}])
