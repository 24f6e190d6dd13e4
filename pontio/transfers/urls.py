from django.urls import path

from pontio.transfers.views import boxes, la, send

app_name = "transfers"
urlpatterns = [
    path("", boxes.inbox, name="inbox"),
    path("inbox/<str:kind>/", boxes.inbox, name="inbox_kind"),
    path("download/", boxes.download, name="download"),
    path("download/done/", boxes.downloaded, name="downloaded"),
    path("sent/", boxes.outbox, name="outbox"),
    path("send/ctf/", send.upload_ctf, name="upload_ctf"),
    path("send/zip/", send.upload_generic, name="upload_generic"),
    path("files/<uuid:code>/", send.transfer, name="transfer"),
    path("files/<uuid:code>/reject/", boxes.reject, name="reject"),
    path("la/", la.monitoring, name="la_monitoring"),
    path("la/not-collected/", la.not_collected, name="la_not_collected"),
    path("la/not-collected/<uuid:code>/delete/", la.delete, name="la_delete"),
    path("la/not-collected/<uuid:code>/forward/", la.forward, name="la_forward"),
    path("la/copies/", la.copies, name="la_copies"),
    path("la/destruction-log/", la.destruction_log, name="destruction_log"),
    path("la/destruction-log.csv", la.destruction_log_csv, name="destruction_log_csv"),
]
