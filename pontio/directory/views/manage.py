"""Pages for LA database administrators and central administrators (seed 002 s. 3)."""

from __future__ import annotations

import csv
from typing import Any, Protocol
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pontio.audit import services as audit
from pontio.directory import access, queries
from pontio.directory.access import capability_required
from pontio.directory.forms import manage as forms
from pontio.directory.models import Organisation, User
from pontio.directory.roles import Capability, Role
from pontio.directory.services import organisations as organisation_services
from pontio.directory.services import users as user_services

ROWS_PER_PAGE = 50
# A spreadsheet would run a cell starting with one of these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
USER_LIST_HEADER = (
    gettext_lazy("LA"),
    gettext_lazy("Organisation code"),
    gettext_lazy("Organisation name"),
    gettext_lazy("Username"),
    gettext_lazy("Name"),
    gettext_lazy("E-mail"),
    gettext_lazy("Role"),
    gettext_lazy("Active"),
    gettext_lazy("Last sign-in"),
)

C = Capability


class UserAction(Protocol):
    """A service that acts on one account, such as ``delete_user``."""

    def __call__(self, user: User, *, actor: User) -> None: ...


def _user(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    return user


def _page(request: HttpRequest, rows: Any) -> Any:
    return Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))


def _posted(request: HttpRequest) -> QueryDict | None:
    """The submitted form data, or None when the form is first shown."""
    return request.POST if request.method == "POST" else None


# Users (seed 002 sections 3.2 to 3.7)


@capability_required(C.VIEW_USERS)
def users(request: HttpRequest) -> HttpResponse:
    actor = _user(request)
    organisation_code = request.GET.get("organisation", "").strip()
    organisations = access.organisations_visible_to(actor)
    context = {
        "page": _page(request, queries.users_for(actor, organisation_code)),
        "organisation_code": organisation_code,
        # LA administrators pick from a list; central administrators type a code.
        "organisations": [] if actor.organisation.is_central else organisations,
        "can_manage": actor.can(C.MANAGE_USERS),
    }
    return render(request, "manage/users.html", context)


@capability_required(C.MANAGE_USERS)
def user_add(request: HttpRequest) -> HttpResponse:
    actor = _user(request)
    if actor.organisation.is_central:
        # Central administrators add users from an LA's page.
        return redirect("directory:las")
    la = access.get_la_for(actor, actor.organisation.code)
    return _add_user(request, la)


@capability_required(C.MANAGE_LAS, C.MANAGE_USERS)
def la_user_add(request: HttpRequest, la_code: str) -> HttpResponse:
    la = access.get_la_for(_user(request), la_code)
    return _add_user(request, la)


def _add_user(request: HttpRequest, la: Organisation) -> HttpResponse:
    actor = _user(request)
    organisations = [la, *Organisation.objects.filter(la=la).order_by("code")]
    initial = {
        "organisation": request.GET.get("organisation", la.code),
        "role": request.GET.get("role", ""),
    }
    data = _posted(request)
    form = forms.UserAddForm(
        data, initial=initial, actor=actor, organisations=organisations
    )
    if form.is_valid():
        try:
            user = user_services.create_user(actor=actor, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The account has been added"))
            return redirect("directory:user_detail", code=user.code)
    context = {"form": form, "la": la}
    return render(request, "manage/user_add.html", context)


@capability_required(C.VIEW_USERS)
def user_detail(request: HttpRequest, code: UUID) -> HttpResponse:
    actor = _user(request)
    user = access.get_user_for(actor, code)
    context = {"account": user, "can_manage": _can_manage(actor, user)}
    return render(request, "manage/user_detail.html", context)


def _can_manage(actor: User, user: User) -> bool:
    try:
        access.check_can_manage_user(actor, user)
    except PermissionDenied:
        return False
    return bool(user.pk != actor.pk)


@capability_required(C.MANAGE_USERS)
def user_role(request: HttpRequest, code: UUID) -> HttpResponse:
    actor, user = _managed_user(request, code)
    form = forms.RoleForm(_posted(request), actor=actor, user=user)
    if form.is_valid():
        try:
            user_services.change_user_role(
                user, actor=actor, role=form.cleaned_data["role"]
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The role has been changed"))
            return redirect("directory:user_detail", code=user.code)
    context = {"form": form, "account": user}
    return render(request, "manage/user_role.html", context)


@capability_required(C.MANAGE_USERS)
def user_delete(request: HttpRequest, code: UUID) -> HttpResponse:
    return _confirm_user_action(
        request,
        code,
        user_services.delete_user,
        template="manage/user_delete.html",
        done=_("The account has been deleted"),
        next_url=reverse("directory:users"),
    )


@capability_required(C.MANAGE_USERS)
def user_reset_password(request: HttpRequest, code: UUID) -> HttpResponse:
    return _confirm_user_action(
        request,
        code,
        user_services.reset_user_password,
        template="manage/user_reset_password.html",
        done=_("A link to set a new password has been sent"),
        next_url=reverse("directory:user_detail", kwargs={"code": code}),
    )


def _managed_user(request: HttpRequest, code: UUID) -> tuple[User, User]:
    """The administrator signed in, and the account they may manage (else 403)."""
    actor = _user(request)
    user = access.get_user_for(actor, code)
    access.check_can_manage_user(actor, user)
    return actor, user


def _confirm_user_action(
    request: HttpRequest,
    code: UUID,
    action: UserAction,
    *,
    template: str,
    done: str,
    next_url: str,
) -> HttpResponse:
    """Ask the administrator to confirm, then apply ``action`` to the account."""
    actor, user = _managed_user(request, code)
    form = forms.ConfirmForm(_posted(request))
    if form.is_valid():
        try:
            action(user, actor=actor)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, done)
            return redirect(next_url)
    context = {"form": form, "account": user}
    return render(request, template, context)


# Schools (seed 002 section 3.8)


@capability_required(C.VIEW_SCHOOLS)
def schools(request: HttpRequest) -> HttpResponse:
    actor = _user(request)
    context = {
        "page": _page(request, queries.schools_for(actor)),
        "can_manage": actor.can(C.MANAGE_SCHOOLS),
    }
    return render(request, "manage/schools.html", context)


@capability_required(C.VIEW_SCHOOLS)
def school_detail(request: HttpRequest, estab: str) -> HttpResponse:
    actor = _user(request)
    school = access.get_school_for(actor, estab)
    context = {
        "school": school,
        "school_users": queries.users_for(actor, school.code),
        "can_manage": actor.can(C.MANAGE_SCHOOLS),
    }
    return render(request, "manage/school_detail.html", context)


@capability_required(C.MANAGE_SCHOOLS)
def school_update(request: HttpRequest, estab: str) -> HttpResponse:
    actor = _user(request)
    school = access.get_school_for(actor, estab)
    data = _posted(request)
    form = forms.SchoolForm.for_school(school, data)
    if form.is_valid():
        organisation_services.update_school(school, actor=actor, **form.cleaned_data)
        messages.success(request, _("The school's details have been updated"))
        return redirect("directory:school_detail", estab=school.code)
    context = {"form": form, "school": school}
    return render(request, "manage/school_update.html", context)


# LAs (seed 002 section 3.9, and central administration)


@capability_required(C.MANAGE_OWN_LA)
def la_details(request: HttpRequest) -> HttpResponse:
    actor = _user(request)
    la = access.get_la_for(actor, actor.organisation.code)
    return _update_la(request, la, success_url=reverse("directory:la"))


@capability_required(C.MANAGE_LAS)
def la_update(request: HttpRequest, la_code: str) -> HttpResponse:
    la = access.get_la_for(_user(request), la_code)
    success_url = reverse("directory:la_detail", kwargs={"la_code": la.code})
    return _update_la(request, la, success_url=success_url)


def _update_la(
    request: HttpRequest, la: Organisation, success_url: str
) -> HttpResponse:
    form = forms.LaForm.for_la(la, _posted(request))
    if form.is_valid():
        organisation_services.update_la(la, actor=_user(request), **form.cleaned_data)
        messages.success(request, _("The LA's details have been updated"))
        return redirect(success_url)
    return render(request, "manage/la_form.html", {"form": form, "la": la})


@capability_required(C.MANAGE_LAS)
def las(request: HttpRequest) -> HttpResponse:
    context = {"page": _page(request, queries.las_with_user_counts())}
    return render(request, "manage/las.html", context)


@capability_required(C.MANAGE_LAS)
def la_add(request: HttpRequest) -> HttpResponse:
    form = forms.LaAddForm(_posted(request))
    if form.is_valid():
        try:
            la = organisation_services.create_la(
                actor=_user(request), **form.cleaned_data
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The LA has been set up"))
            return redirect("directory:la_detail", la_code=la.code)
    return render(request, "manage/la_add.html", {"form": form})


@capability_required(C.MANAGE_LAS)
def la_detail(request: HttpRequest, la_code: str) -> HttpResponse:
    la = access.get_la_for(_user(request), la_code)
    context = {
        "la": la,
        "administrators": queries.dbas_of(la),
        "school_count": Organisation.objects.filter(la=la).count(),
        "dba_role": Role.LA_DBA.value,
    }
    return render(request, "manage/la_detail.html", context)


@capability_required(C.EXPORT_USER_LIST)
def user_list_csv(request: HttpRequest) -> HttpResponse:
    filename = f"pontio-users-{timezone.localdate():%Y-%m-%d}.csv"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([str(title) for title in USER_LIST_HEADER])
    rows = list(queries.user_list_rows())
    writer.writerows([_safe_cell(cell) for cell in row] for row in rows)
    # Every user's name and e-mail leave Pontio in this file.
    audit.record(
        "user.list_exported", actor=request.user, request=request, rows=len(rows)
    )
    return response


def _safe_cell(value: str) -> str:
    """Neutralise a cell a spreadsheet would otherwise run as a formula."""
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value
