"""Roles and what each may do: the one table every page, endpoint and menu asks.

The eight local authority roles and their functions are those of the s2s user notes
for local authorities (section 1.6), plus the school role and Pontio's central
administrators (the Welsh Government's s2s administrators). ``tests/directory/
test_roles.py`` holds this table against section 1.6 line by line.
"""

from __future__ import annotations

import enum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SCHOOL = "school", _("School user")
    LA_DBA = "la_dba", _("LA database administrator")
    LA_USER = "la_user", _("LA user")
    LA_SCHOOL = "la_school", _("LA school")
    LA_LOST_PUPIL = "la_lost_pupil", _("LA lost pupil")
    LA_LOST_PUPIL_TRANSFER = "la_lost_pupil_transfer", _("LA lost pupil transfer")
    LA_DBA_VIEW_ONLY = "la_dba_view_only", _("LA database administrator (view only)")
    LA_PLASC = "la_plasc", _("LA PLASC")
    LA_ADMISSIONS = "la_admissions", _("LA admissions")
    CENTRAL_ADMIN = "central_admin", _("Central administrator")


class Capability(enum.StrEnum):
    # Directory administration (seed 002 sections 3.1 to 3.9).
    MANAGE_USERS = "manage_users"  # add, update role, delete, reset passwords
    VIEW_USERS = "view_users"
    MANAGE_SCHOOLS = "manage_schools"  # view and update own schools
    VIEW_SCHOOLS = "view_schools"
    MANAGE_OWN_LA = "manage_own_la"  # name, e-mail, "receive copies" setting
    MANAGE_LAS = "manage_las"  # central: every LA and its DBA
    EXPORT_USER_LIST = "export_user_list"  # central: annual confirmation list
    # Files (seed 002 sections 1.6 and 5).
    TRANSFER_CTF = "transfer_ctf"  # upload, download, re-download CTFs
    TRANSFER_GENERIC = "transfer_generic"  # upload, download generic zip files
    MONITOR_LA_TRANSFERS = "monitor_la_transfers"  # LA monitoring views (5.3)
    # Lost Pupil Database (seed 002 section 4).
    SEARCH_LOST_PUPILS = "search_lost_pupils"
    DOWNLOAD_LOST_PUPILS = "download_lost_pupils"
    TRANSFER_LOST_PUPILS = "transfer_lost_pupils"  # send on to a school (4.2)
    # Messaging and reports (seed 002 sections 6 and 7).
    MESSAGING = "messaging"
    RUN_REPORTS = "run_reports"
    MESSAGE_REPORT = "message_report"  # 7.7, LEA Administrator only
    AUDIT_SEARCHES = "audit_searches"  # list the LA officers' lost pupil searches


C = Capability

# "Can send and receive messages", "Can generate reports on system usage": every LA
# role but the view-only administrator, who may only run reports.
_LA_COMMON = frozenset({C.MESSAGING, C.RUN_REPORTS})

ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.SCHOOL: frozenset({C.TRANSFER_CTF, C.TRANSFER_GENERIC, C.MESSAGING}),
    # Sets up, amends and deletes users; uploads and downloads files, but never
    # generic ones ("except for those logged in as LEA Administrators", 5.5).
    Role.LA_DBA: _LA_COMMON
    | {
        C.MANAGE_USERS,
        C.VIEW_USERS,
        C.MANAGE_SCHOOLS,
        C.VIEW_SCHOOLS,
        C.MANAGE_OWN_LA,
        C.TRANSFER_CTF,
        C.MONITOR_LA_TRANSFERS,
        C.MESSAGE_REPORT,
        C.AUDIT_SEARCHES,
    },
    Role.LA_USER: _LA_COMMON
    | {C.TRANSFER_CTF, C.TRANSFER_GENERIC, C.MONITOR_LA_TRANSFERS},
    # School-level facilities for the LA: one such account per LA.
    Role.LA_SCHOOL: _LA_COMMON
    | {C.TRANSFER_CTF, C.TRANSFER_GENERIC, C.MONITOR_LA_TRANSFERS},
    # Searches the Lost Pupil Database; generic files only.
    Role.LA_LOST_PUPIL: _LA_COMMON
    | {C.SEARCH_LOST_PUPILS, C.DOWNLOAD_LOST_PUPILS, C.TRANSFER_GENERIC},
    # Searches, and has "more download options": sends the file on to a school.
    Role.LA_LOST_PUPIL_TRANSFER: _LA_COMMON
    | {
        C.SEARCH_LOST_PUPILS,
        C.DOWNLOAD_LOST_PUPILS,
        C.TRANSFER_LOST_PUPILS,
        C.TRANSFER_CTF,
        C.TRANSFER_GENERIC,
    },
    # Sees users and schools, changes nothing, runs reports; no messaging.
    Role.LA_DBA_VIEW_ONLY: frozenset({C.VIEW_USERS, C.VIEW_SCHOOLS, C.RUN_REPORTS}),
    Role.LA_PLASC: _LA_COMMON | {C.TRANSFER_CTF, C.TRANSFER_GENERIC},
    Role.LA_ADMISSIONS: _LA_COMMON | {C.TRANSFER_CTF, C.TRANSFER_GENERIC},
    Role.CENTRAL_ADMIN: frozenset(
        {
            C.MANAGE_LAS,
            C.MANAGE_USERS,
            C.VIEW_USERS,
            C.VIEW_SCHOOLS,
            C.MANAGE_SCHOOLS,
            C.EXPORT_USER_LIST,
            C.MESSAGING,
            C.RUN_REPORTS,
            C.MESSAGE_REPORT,
            C.AUDIT_SEARCHES,
        }
    ),
}

# The LA code each LA role sends and receives files under (seed 002 section 1.6:
# LEALLLL, LEAPLAS, LEAADMS). The view-only administrator handles no files.
ROLE_MAILBOX: dict[str, str | None] = {
    Role.LA_DBA: "LLLL",
    Role.LA_USER: "LLLL",
    Role.LA_SCHOOL: "LLLL",
    Role.LA_LOST_PUPIL: "LLLL",
    Role.LA_LOST_PUPIL_TRANSFER: "LLLL",
    Role.LA_DBA_VIEW_ONLY: None,
    Role.LA_PLASC: "PLAS",
    Role.LA_ADMISSIONS: "ADMS",
}

LA_ROLES = frozenset(ROLE_MAILBOX)
# Roles whose grant is e-mailed to the LA's DBA and to central administrators.
ADMINISTRATIVE_ROLES = frozenset(
    {Role.LA_DBA, Role.LA_DBA_VIEW_ONLY, Role.CENTRAL_ADMIN}
)
# Roles of which an LA may have one account only (seed 002 section 1.6).
ONE_PER_LA_ROLES = frozenset({Role.LA_SCHOOL})


def capabilities_of(role: str) -> frozenset[Capability]:
    """Return what a role may do; an unknown role may do nothing."""
    return ROLE_CAPABILITIES.get(role, frozenset())


def has_capability(role: str, capability: Capability) -> bool:
    """Tell whether a role has a capability."""
    return capability in capabilities_of(role)
