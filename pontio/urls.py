from django.urls import include, path

from pontio.api.health import healthz
from pontio.api.urls import api

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("account/", include("pontio.directory.urls_account")),
    path("manage/", include("pontio.directory.urls_manage")),
    path("messages/", include("pontio.messaging.urls")),
    path("transfers/", include("pontio.transfers.urls")),
    path("lost-pupils/", include("pontio.lostpupils.urls")),
    path("reports/", include("pontio.reports.urls")),
    path("", include("pontio.web.urls")),
]

handler400 = "pontio.web.views.bad_request"
handler403 = "pontio.web.views.permission_denied"
handler404 = "pontio.web.views.page_not_found"
handler500 = "pontio.web.views.server_error"
