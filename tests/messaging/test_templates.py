"""Message templates: add, view, copy, update, delete; shared per organisation."""

from __future__ import annotations

from django.urls import reverse

from pontio.messaging.models import MessageTemplate
from tests.messaging import MessagingTestCase


class TemplateTests(MessagingTestCase):
    def add(self, name: str = "Request a CTF") -> MessageTemplate:
        response = self.client.post(
            reverse("messaging:template_add"),
            {"name": name, "subject": "CTF request", "text": "Please send the CTF."},
        )
        template = MessageTemplate.objects.get(name=name)
        self.assertRedirects(
            response, reverse("messaging:template", args=[template.code])
        )
        return template

    def test_the_template_life_cycle(self) -> None:
        self.login(self.users["la_user"])
        template = self.add()
        self.assertEqual(template.organisation, self.cardiff)
        detail = reverse("messaging:template", args=[template.code])
        self.assertContains(self.client.get(detail), "Please send the CTF.")

        response = self.client.post(
            reverse("messaging:template_copy", args=[template.code])
        )
        copy = MessageTemplate.objects.exclude(pk=template.pk).get()
        self.assertRedirects(
            response, reverse("messaging:template_edit", args=[copy.code])
        )
        self.assertEqual((copy.subject, copy.text), (template.subject, template.text))

        response = self.client.post(
            reverse("messaging:template_edit", args=[copy.code]),
            {"name": "Chase a CTF", "subject": "CTF reminder", "text": "Reminder."},
        )
        copy.refresh_from_db()
        self.assertEqual((copy.name, copy.text), ("Chase a CTF", "Reminder."))

        delete = reverse("messaging:template_delete", args=[copy.code])
        response = self.client.get(delete)
        self.assertContains(response, 'id="cannot-be-restored"')
        self.assertRedirects(self.client.post(delete), reverse("messaging:templates"))
        self.assertFalse(MessageTemplate.objects.filter(pk=copy.pk).exists())
        self.assertEqual(
            [a for a in self.actions() if a.startswith("message_template.")],
            [
                "message_template.created",
                "message_template.copied",
                "message_template.updated",
                "message_template.deleted",
            ],
        )

    def test_copying_twice_gives_distinct_names(self) -> None:
        self.login(self.users["la_user"])
        template = self.add()
        url = reverse("messaging:template_copy", args=[template.code])
        self.client.post(url)
        self.client.post(url)
        self.assertEqual(MessageTemplate.objects.values("name").distinct().count(), 3)

    def test_a_duplicate_name_is_refused_with_its_code(self) -> None:
        self.login(self.users["la_user"])
        self.add()
        response = self.client.post(
            reverse("messaging:template_add"),
            {"name": "Request a CTF", "subject": "", "text": "Other."},
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.context["form"].errors.as_data()["name"][0].code,
            "duplicate_template_name",
        )

    def test_an_las_templates_are_shared_within_the_la_only(self) -> None:
        self.login(self.users["la_user"])
        template = self.add()
        self.login(self.users["la_plasc"])
        self.assertContains(
            self.client.get(reverse("messaging:templates")), str(template.code)
        )
        for user in (self.other_dba, self.users["school"]):
            self.login(user)
            self.assertNotContains(
                self.client.get(reverse("messaging:templates")), str(template.code)
            )
            for name in ("template", "template_edit", "template_delete"):
                with self.subTest(user=user.username, page=name):
                    url = reverse(f"messaging:{name}", args=[template.code])
                    self.assertEqual(self.client.get(url).status_code, 404)
            url = reverse("messaging:template_copy", args=[template.code])
            self.assertEqual(self.client.post(url).status_code, 404)
            compose = reverse("messaging:compose") + f"?template={template.code}"
            self.assertEqual(self.client.get(compose).status_code, 404)
        self.assertEqual(MessageTemplate.objects.count(), 1)

    def test_a_message_starts_from_a_template_or_blank(self) -> None:
        self.login(self.users["school"])
        template = self.add()
        start = self.client.get(reverse("messaging:compose_start"))
        self.assertContains(start, str(template.code))
        response = self.client.get(
            reverse("messaging:compose") + f"?template={template.code}"
        )
        self.assertEqual(
            response.context["form"].initial["body"], "Please send the CTF."
        )
        blank = self.client.get(reverse("messaging:compose") + "?template=")
        self.assertEqual(blank.context["form"].initial, {})
