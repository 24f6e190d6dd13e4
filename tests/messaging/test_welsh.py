"""Every messaging page renders in Welsh."""

from __future__ import annotations

import re

from django.urls import reverse

from pontio.messaging import services
from tests.messaging import MessagingTestCase


class WelshPagesTests(MessagingTestCase):
    def test_every_page_renders_with_welsh_active(self) -> None:
        reader = self.users["la_dba"]
        message = self.send(self.sender, [{"user": reader.username}])
        sent = self.send(reader, [{"user": "838dba"}])
        template = services.create_template(
            actor=reader, name="T", subject="S", text="X"
        )
        group = services.create_group(
            actor=reader, name="G", entries=[{"user": "838dba"}]
        )
        self.login(reader)
        self.client.post(reverse("set_language"), {"language": "cy", "next": "/"})
        pages = [
            reverse("messaging:inbox"),
            reverse("messaging:inbox") + "?order=-subject",
            reverse("messaging:message", args=[message.code]),
            reverse("messaging:reply", args=[message.code]),
            reverse("messaging:delete", args=[message.code]),
            reverse("messaging:sent"),
            reverse("messaging:sent_message", args=[sent.code]),
            reverse("messaging:sent_delete", args=[sent.code]),
            reverse("messaging:compose_start"),
            reverse("messaging:compose"),
            reverse("messaging:templates"),
            reverse("messaging:template_add"),
            reverse("messaging:template", args=[template.code]),
            reverse("messaging:template_edit", args=[template.code]),
            reverse("messaging:template_delete", args=[template.code]),
            reverse("messaging:groups"),
            reverse("messaging:group_add"),
            reverse("messaging:group_edit", args=[group.code]),
            reverse("messaging:group_delete", args=[group.code]),
            reverse("messaging:report"),
        ]
        for url in pages:
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                html = response.content.decode()
                self.assertEqual(re.search(r'<html lang="([a-z]+)"', html)[1], "cy")  # type: ignore[index]
                self.assertNotIn("style=", html)
