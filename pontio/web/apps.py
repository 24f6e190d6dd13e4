from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "pontio.web"
    label = "web"
