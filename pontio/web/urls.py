from django.urls import path

from pontio.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("privacy", views.privacy, name="privacy"),
    path("accessibility", views.accessibility, name="accessibility"),
]
