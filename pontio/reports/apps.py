from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "pontio.reports"
    label = "reports"
    verbose_name = "Reports"
