from django.urls import path

from pontio.lostpupils import views

app_name = "lostpupils"
urlpatterns = [
    path("", views.search, name="search"),
    path("pupils/<uuid:code>/", views.record, name="record"),
    path("pupils/<uuid:code>/download/", views.download, name="download"),
    path("pupils/<uuid:code>/downloaded/", views.downloaded, name="downloaded"),
    path("pupils/<uuid:code>/transfer/", views.transfer, name="transfer"),
    path("pupils/<uuid:code>/remove/", views.remove, name="remove"),
    path("searches/", views.searches, name="searches"),
]
