"""``GET /api/v1/me``."""

from pontio.directory.roles import ROLE_CAPABILITIES
from tests.api.helpers import get, key_for
from tests.base import PontioTestCase


class MeTests(PontioTestCase):
    def test_describes_each_roles_user_exactly_as_the_role_table(self) -> None:
        for role, user in self.users.items():
            with self.subTest(role=role):
                response = get(self.client, "/api/v1/me", key_for(user))
                self.assertEqual(response.status_code, 200)
                organisation = user.organisation
                self.assertEqual(
                    response.json(),
                    {
                        "username": user.username,
                        "role": role,
                        "organisation": {
                            "code": organisation.code,
                            "name": organisation.name,
                            "kind": organisation.kind,
                        },
                        "capabilities": sorted(ROLE_CAPABILITIES[role]),
                    },
                )

    def test_a_school_key_sees_its_school(self) -> None:
        response = get(self.client, "/api/v1/me", key_for(self.users["school"]))
        self.assertEqual(response.json()["organisation"]["kind"], "school")
        self.assertEqual(response.json()["organisation"]["code"], "6812003")
