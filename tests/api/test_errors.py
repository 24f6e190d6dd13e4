"""Every API failure answers ``{"error": {"code", "message"}}``."""

from django.core.validators import EmailValidator
from django.test import override_settings
from django.utils import translation

from tests.api.helpers import bearer, get, key_for
from tests.base import PontioTestCase


@override_settings(ROOT_URLCONF="tests.api.error_urls")
class ErrorShapeTests(PontioTestCase):
    def setUp(self) -> None:
        self.raw_key = key_for(self.users["la_user"])

    def assert_error(self, response, status: int, code: str) -> dict:
        self.assertEqual(response.status_code, status)
        self.assertEqual(response["Content-Type"], "application/json")
        body = response.json()
        self.assertEqual(set(body), {"error"})
        self.assertEqual(body["error"]["code"], code)
        self.assertIsInstance(body["error"]["message"], str)
        self.assertTrue(body["error"]["message"])
        return body["error"]

    def test_each_failure_has_its_status_and_code(self) -> None:
        cases = [
            ("/api/test/forbidden", 403, "forbidden"),
            ("/api/test/missing", 404, "not_found"),
            ("/api/test/duplicate", 409, "duplicate_file"),
            ("/api/test/rule", 400, "too_many_things"),
            ("/api/test/email", 400, "invalid"),
            ("/api/test/no-such-endpoint", 404, "not_found"),
            ("/api/v1/no/such/thing", 404, "not_found"),
        ]
        for path, status, code in cases:
            with self.subTest(path=path):
                self.assert_error(get(self.client, path, self.raw_key), status, code)

    def test_an_unexpected_failure_is_a_500_without_details(self) -> None:
        with self.assertLogs("pontio.api", "ERROR"):
            error = self.assert_error(
                get(self.client, "/api/test/crash", self.raw_key), 500, "server_error"
            )
        self.assertNotIn("unexpected failure", error["message"])

    def test_a_rule_message_carries_its_parameters(self) -> None:
        error = self.assert_error(
            get(self.client, "/api/test/rule", self.raw_key), 400, "too_many_things"
        )
        self.assertIn("pupils", error["message"])

    def test_a_rule_message_is_in_the_users_language(self) -> None:
        user = self.users["la_user"]
        user.language = "cy"
        user.save(update_fields=["language"])
        error = self.assert_error(
            get(self.client, "/api/test/email", self.raw_key), 400, "invalid"
        )
        with translation.override("cy"):
            welsh = str(EmailValidator.message)
        with translation.override("en"):
            english = str(EmailValidator.message)
        self.assertNotEqual(welsh, english)
        self.assertEqual(error["message"], welsh)

    def test_bad_input_is_a_400_naming_the_field(self) -> None:
        cases = [
            ('{"name": "x"}', "body.payload.count"),
            ('{"name": "x", "count": "many"}', "body.payload.count"),
            ("{not json", None),
            ("[]", None),
        ]
        for body, field in cases:
            with self.subTest(body=body):
                response = self.client.post(
                    "/api/test/things",
                    body,
                    content_type="application/json",
                    **bearer(self.raw_key),
                )
                error = self.assert_error(response, 400, "invalid_input")
                if field:
                    self.assertIn(field, [f["field"] for f in error["fields"]])

    @override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=64)
    def test_a_body_over_the_limit_is_a_413(self) -> None:
        body = '{"name": "%s", "count": 1}' % ("x" * 200)
        response = self.client.post(
            "/api/test/things",
            body,
            content_type="application/json",
            **bearer(self.raw_key),
        )
        self.assert_error(response, 413, "too_large")

    def test_a_wrong_method_is_a_405(self) -> None:
        response = self.client.delete("/api/v1/me", **bearer(self.raw_key))
        self.assert_error(response, 405, "method_not_allowed")
        self.assertIn("GET", response["Allow"])

    def test_without_a_key_every_endpoint_is_a_401_first(self) -> None:
        for path in ["/api/test/forbidden", "/api/test/missing", "/api/v1/me"]:
            with self.subTest(path=path):
                self.assert_error(self.client.get(path), 401, "unauthenticated")


class OpenApiTests(PontioTestCase):
    def test_serves_the_openapi_document(self) -> None:
        response = self.client.get("/api/v1/openapi.json")
        self.assertEqual(response.status_code, 200)
        document = response.json()
        self.assertIn("/api/v1/me", document["paths"])
        schemes = document["components"]["securitySchemes"]
        self.assertEqual([scheme["scheme"] for scheme in schemes.values()], ["bearer"])

    def test_the_docs_page_loads_nothing_from_elsewhere(self) -> None:
        response = self.client.get("/api/v1/docs")
        self.assertEqual(response.status_code, 200)
        page = response.content.decode()
        self.assertIn("/api/v1/me", page)
        self.assertIn("/api/v1/openapi.json", page)
        self.assertNotIn("<script", page)
        self.assertNotIn("http", page.replace("http-equiv", ""))
        self.assertIn("script-src 'self'", response["Content-Security-Policy"])
