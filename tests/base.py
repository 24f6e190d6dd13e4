"""The cast every test shares, and small builders.

Two local authorities, one Welsh (681 Cardiff) and one English (838 Dorset), with
schools in each; one user for every role in the Welsh LA; a DBA in the English LA;
central administrators; and ``outsider``, a school user of another LA who must see
nothing of the others' data. The English schools are those of the reference CTF
files (838/3321 sends to 838/4512).
"""

from __future__ import annotations

from email.message import EmailMessage

from django.test import Client, TestCase
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from pontio.directory.models import CENTRAL_CODE, Organisation, User
from pontio.directory.roles import Role
from tests import smtp

PASSWORD = "a long enough test passphrase"


def make_organisation(
    kind: str, code: str, name: str, **fields: object
) -> Organisation:
    la = None
    if kind == Organisation.Kind.SCHOOL:
        la = Organisation.objects.get(code=code[:3], kind=Organisation.Kind.LA)
    return Organisation.objects.create(
        kind=kind,
        code=code,
        name=name,
        la=la,
        email=fields.pop("email", f"office@{code}.example.sch.uk"),
        **fields,
    )


def make_user(
    username: str, organisation: Organisation, role: str, **fields: object
) -> User:
    """Create an active user who has set a password and enrolled MFA."""
    user = User.objects.create_user(
        username=username,
        password=PASSWORD,
        email=fields.pop("email", f"{username}@{organisation.code}.example.gov.uk"),
        organisation=organisation,
        role=role,
        must_change_password=False,
        **fields,
    )
    TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    return user


def run_tasks() -> int:
    """Run every task waiting in the database queue, as ``pontio worker`` would."""
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="tests",
        excluded_queue_names=[],
    )
    count = 0
    while result := DBTaskResult.objects.ready().order_by("enqueued_at").first():
        result.claim("tests")
        worker.run_task(result)
        count += 1
    return count


class PontioTestCase(TestCase):
    cardiff: Organisation
    dorset: Organisation
    central: Organisation
    school: Organisation  # 6812003, in Cardiff
    school2: Organisation  # 6812004, in Cardiff
    sending_school: Organisation  # 8383321, in Dorset
    receiving_school: Organisation  # 8384512, in Dorset
    users: dict[str, User]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.central = make_organisation(
            Organisation.Kind.CENTRAL, CENTRAL_CODE, "Welsh Government s2s"
        )
        cls.cardiff = make_organisation(
            Organisation.Kind.LA, "681", "Cardiff", email="cts@cardiff.example.gov.uk"
        )
        cls.dorset = make_organisation(
            Organisation.Kind.LA, "838", "Dorset", email="cts@dorset.example.gov.uk"
        )
        cls.school = make_organisation(
            Organisation.Kind.SCHOOL, "6812003", "Ysgol Pen y Bryn", town="Cardiff"
        )
        cls.school2 = make_organisation(
            Organisation.Kind.SCHOOL, "6812004", "Ysgol y Wern", town="Cardiff"
        )
        cls.sending_school = make_organisation(
            Organisation.Kind.SCHOOL, "8383321", "Stickland's CE VA Primary"
        )
        cls.receiving_school = make_organisation(
            Organisation.Kind.SCHOOL, "8384512", "Dorchester Middle School"
        )
        cls.users = {"school": make_user("6812003office", cls.school, Role.SCHOOL)}
        for role in Role:
            if role.value.startswith("la_"):
                cls.users[role.value] = make_user(f"681{role.value}", cls.cardiff, role)
        cls.users["central_admin"] = make_user(
            "wgadmin", cls.central, Role.CENTRAL_ADMIN
        )
        cls.other_dba = make_user("838dba", cls.dorset, Role.LA_DBA)
        cls.sender = make_user("8383321office", cls.sending_school, Role.SCHOOL)
        cls.receiver = make_user("8384512office", cls.receiving_school, Role.SCHOOL)
        # A school user of another LA: must see nothing of Cardiff's.
        cls.outsider = cls.receiver

    def login(self, user: User, client: Client | None = None) -> Client:
        """Sign ``user`` in with a verified second factor, as after the MFA step."""
        client = client or self.client
        client.force_login(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = user.totpdevice_set.get().persistent_id
        session.save()
        return client

    def mail(self) -> list[EmailMessage]:
        """Every e-mail the SMTP server has received during this test."""
        return smtp.server.messages()

    def run_tasks(self) -> int:
        return run_tasks()
