"""Directory administration pages, under ``/manage/``."""

from django.urls import path

from pontio.directory.views import manage

app_name = "directory"
urlpatterns = [
    path("users/", manage.users, name="users"),
    path("users/add/", manage.user_add, name="user_add"),
    path("users/<uuid:code>/", manage.user_detail, name="user_detail"),
    path("users/<uuid:code>/role/", manage.user_role, name="user_role"),
    path("users/<uuid:code>/delete/", manage.user_delete, name="user_delete"),
    path(
        "users/<uuid:code>/reset-password/",
        manage.user_reset_password,
        name="user_reset_password",
    ),
    path("users.csv", manage.user_list_csv, name="user_list_csv"),
    path("schools/", manage.schools, name="schools"),
    path("schools/<str:estab>/", manage.school_detail, name="school_detail"),
    path("schools/<str:estab>/update/", manage.school_update, name="school_update"),
    path("la/", manage.la_details, name="la"),
    path("las/", manage.las, name="las"),
    path("las/add/", manage.la_add, name="la_add"),
    path("las/<str:la_code>/", manage.la_detail, name="la_detail"),
    path("las/<str:la_code>/update/", manage.la_update, name="la_update"),
    path("las/<str:la_code>/users/add/", manage.la_user_add, name="la_user_add"),
]
