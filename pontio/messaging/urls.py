from django.urls import path

from pontio.messaging.views import groups, messages, report, templates

app_name = "messaging"
urlpatterns = [
    path("", messages.inbox, name="inbox"),
    path("new/", messages.compose_start, name="compose_start"),
    path("new/write/", messages.compose, name="compose"),
    path("sent/", messages.sent, name="sent"),
    path("sent/<uuid:code>/", messages.sent_message, name="sent_message"),
    path("sent/<uuid:code>/delete/", messages.sent_delete, name="sent_delete"),
    path("templates/", templates.template_list, name="templates"),
    path("templates/new/", templates.template_add, name="template_add"),
    path("templates/<uuid:code>/", templates.template_detail, name="template"),
    path("templates/<uuid:code>/edit/", templates.template_edit, name="template_edit"),
    path("templates/<uuid:code>/copy/", templates.template_copy, name="template_copy"),
    path(
        "templates/<uuid:code>/delete/",
        templates.template_delete,
        name="template_delete",
    ),
    path("groups/", groups.group_list, name="groups"),
    path("groups/new/", groups.group_add, name="group_add"),
    path("groups/<uuid:code>/", groups.group_edit, name="group_edit"),
    path("groups/<uuid:code>/delete/", groups.group_delete, name="group_delete"),
    path("report/", report.report, name="report"),
    path("<uuid:code>/", messages.message, name="message"),
    path("<uuid:code>/reply/", messages.reply, name="reply"),
    path("<uuid:code>/delete/", messages.delete, name="delete"),
]
