from django.apps import AppConfig


class LostPupilsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "pontio.lostpupils"
    label = "lostpupils"
