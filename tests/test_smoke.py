from tests.base import PontioTestCase


class CastTests(PontioTestCase):
    def test_the_cast_has_one_user_per_role(self):
        roles = {user.role for user in self.users.values()}
        self.assertEqual(len(roles), 10)

    def test_mail_reaches_the_smtp_server(self):
        from django.core.mail import send_mail

        send_mail("Hello", "Body", "pontio@localhost", ["someone@example.gov.uk"])
        self.assertEqual([m["To"] for m in self.mail()], ["someone@example.gov.uk"])
