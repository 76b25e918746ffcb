"""The access matrix's table (docs/architecture.md §3.1): every endpoint × every role -> the
expected status, and the real records its URLs name.

``ROWS`` is an explicit table: method, URL template (filled with the ids of real records, own
and foreign) and the status expected for each role, in the order of ``ROLES``. Every endpoint
and method of ``app.url_map`` has at least one row (scoped endpoints one per own/foreign record);
``tests/core/test_access_matrix.py`` checks every row for every role and fails, naming them, on
an endpoint without one. There is no exception list: whoever adds an endpoint adds its row here.
``tests/core/test_no_template_queries.py`` renders the table's pages too.

Reading a row: ``LOGIN`` is a redirect to the sign-in page; 403 a role without the permission;
404 a record outside the caller's scope (docs/architecture.md §3.3); 200/302/4xx what the page
itself answers to the (empty or minimal) request made (422: a posted form shown again with its
errors).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from aljisr.applications.models import CONSENT_VERSION, Application, ApplicationProject
from aljisr.applications.services import LinkPurpose as ApplicationLinkPurpose
from aljisr.applications.services import link_token
from aljisr.arrivals.models import ArrivalDetails
from aljisr.auth.services.passwords import LinkPurpose, issue_token
from aljisr.backup.services import record_run
from aljisr.calendars.services import open_feed
from aljisr.certificates.services import (
    issue_certificate,
    reissue_certificate,
    revoke_certificate,
)
from aljisr.database import utcnow
from aljisr.dates import association_today
from aljisr.extensions import db as database
from aljisr.hours.models import HoursStatus
from aljisr.imports.models import COMMITTED, ImportBatch, ImportRecord
from aljisr.notifications.services import unsubscribe_token
from aljisr.organisations.models import OrganisationKind
from aljisr.permissions import Role
from aljisr.placements.models import PlacementStatus
from aljisr.planner.models import LeftOut, PlannedPlacement, PlanningRun
from aljisr.planner.solver import Why
from aljisr.projects.models import ProjectStatus
from aljisr.testimonials.models import Signature
from aljisr.testimonials.services import publish_testimonial, write_testimonial
from aljisr.volunteers.models import Volunteer
from tests.support import factories
from tests.support.clients import login_client

ROLES = ("anonymous", "volunteer", "sending", "host", "coordinator", "admin")
LOGIN = "login"  # a redirect to /login?next=...


@dataclass(frozen=True)
class Row:
    method: str
    #: A URL template; ``{name}`` is filled with ``MatrixWorld.ids[name]``.
    url: str
    #: Expected status per role, in the order of ROLES.
    expect: tuple[Any, ...]
    data: dict[str, Any] = field(default_factory=dict)


def row(method: str, url: str, *expect: Any, data: dict[str, Any] | None = None) -> Row:
    assert len(expect) == len(ROLES), url
    return Row(method, url, expect, data or {})


# Columns:                                          anon   vol   send  host  coord admin
ROWS: list[Row] = [
    # --- public ---------------------------------------------------------------------------
    row("GET", "/",                                 200,   302,  302,  302,  302,  302),
    row("GET", "/healthz",                          200,   200,  200,  200,  200,  200),
    # the public site: open to everyone, signed in or not; drafts are not public
    row("GET", "/volunteer-projects",               200,   200,  200,  200,  200,  200),
    row("GET", "/volunteer-projects?lang=ar&theme=nonsense",
                                                    200,   200,  200,  200,  200,  200),
    row("GET", "/volunteer-projects/{project_past}?lang=fr",
                                                    200,   200,  200,  200,  200,  200),
    row("GET", "/volunteer-projects/{project_spare}",
                                                    404,   404,  404,  404,  404,  404),
    row("GET", "/past-projects",                    200,   200,  200,  200,  200,  200),
    row("GET", "/sitemap.xml",                      200,   200,  200,  200,  200,  200),
    row("GET", "/robots.txt",                       200,   200,  200,  200,  200,  200),
    row("GET", "/static/css/app.css",               200,   200,  200,  200,  200,  200),
    row("GET", "/verify",                           200,   200,  200,  200,  200,  200),
    row("GET", "/verify/{code_a}",                  200,   200,  200,  200,  200,  200),
    row("GET", "/verify/NOT-A-CODE",                404,   404,  404,  404,  404,  404),
    # one-click unsubscribe (RFC 8058): the signed token is the permission
    row("GET", "/notifications/unsubscribe/{unsubscribe_token}",
                                                    200,   200,  200,  200,  200,  200),
    row("POST", "/notifications/unsubscribe/{unsubscribe_token}",
                                                    200,   200,  200,  200,  200,  200),
    row("GET", "/notifications/unsubscribe/forged.token",
                                                    404,   404,  404,  404,  404,  404),
    # applying without an account (an empty POST has no fill-time stamp: dropped as a script's,
    # answered as usual)
    row("GET", "/apply",                            200,   200,  200,  200,  200,  200),
    row("POST", "/apply",                           302,   302,  302,  302,  302,  302),
    row("GET", "/apply/sent",                       200,   200,  200,  200,  200,  200),
    row("GET", "/apply/privacy",                    200,   200,  200,  200,  200,  200),
    # the signed token is the permission; a button (POST) uses it
    row("GET", "/apply/confirm/{confirm_token}",    200,   200,  200,  200,  200,  200),
    row("POST", "/apply/confirm/forged.token",      410,   410,  410,  410,  410,  410),
    row("GET", "/apply/withdraw/{withdraw_token}",  200,   200,  200,  200,  200,  200),
    row("POST", "/apply/withdraw/forged.token",     410,   410,  410,  410,  410,  410),
    # calendars: a private feed per user (the secret address is the key), one file per placement
    row("GET", "/calendar/",                        LOGIN, 200,  200,  200,  200,  200),
    row("POST", "/calendar/",                       LOGIN, 302,  302,  302,  302,  302),
    row("GET", "/calendar/feed/not-a-token.ics",    404,   404,  404,  404,  404,  404),
    row("GET", "/calendar/placements/{placement_a}.ics",
                                                    LOGIN, 200,  200,  200,  200,  200),
    row("GET", "/calendar/placements/{placement_b}.ics",
                                                    LOGIN, 404,  404,  404,  200,  200),
    # --- sign-in, accounts, invitations ------------------------------------------------------
    row("GET", "/login",                            200,   302,  302,  302,  302,  302),
    row("POST", "/login",                           422,   302,  302,  302,  302,  302),
    row("POST", "/language",                        302,   302,  302,  302,  302,  302,
        data={"language": "en", "next": "/home"}),
    row("GET", "/password/forgot",                  200,   200,  200,  200,  200,  200),
    row("POST", "/password/forgot",                 422,   422,  422,  422,  422,  422),
    row("GET", "/password/reset/{reset_token}",     200,   200,  200,  200,  200,  200),
    row("POST", "/password/reset/{reset_token}",    422,   422,  422,  422,  422,  422),
    row("GET", "/password/reset/forged",            410,   410,  410,  410,  410,  410),
    row("GET", "/invitation/{invite_token}",        200,   200,  200,  200,  200,  200),
    row("POST", "/invitation/{invite_token}",       422,   422,  422,  422,  422,  422),
    row("GET", "/invitation/{reset_token}",         410,   410,  410,  410,  410,  410),
    row("GET", "/account/password",                 LOGIN, 200,  200,  200,  200,  200),
    row("POST", "/account/password",                LOGIN, 422,  422,  422,  422,  422),
    row("GET", "/invitations",                      LOGIN, 403,  403,  403,  200,  200),
    row("GET", "/invitations/volunteer/{volunteer_c}",
                                                    LOGIN, 403,  403,  403,  200,  200),
    row("POST", "/invitations/volunteer/{volunteer_c}",
                                                    LOGIN, 403,  403,  403,  422,  422),
    row("GET", "/invitations/volunteer/999999",     LOGIN, 403,  403,  403,  404,  404),
    row("GET", "/invitations/partner",              LOGIN, 403,  403,  403,  200,  200),
    row("POST", "/invitations/partner",             LOGIN, 403,  403,  403,  422,  422),
    row("POST", "/invitations/{pending_user}/resend",
                                                    LOGIN, 403,  403,  403,  302,  302),
    row("POST", "/invitations/{coordinator_user}/resend",
                                                    LOGIN, 403,  403,  403,  404,  404),
    # --- landing page, administration, audit -------------------------------------------------
    row("GET", "/home",                             LOGIN, 200,  200,  200,  200,  200),
    row("GET", "/admin/users",                      LOGIN, 403,  403,  403,  403,  200),
    row("GET", "/admin/users/new",                  LOGIN, 403,  403,  403,  403,  200),
    row("POST", "/admin/users/new",                 LOGIN, 403,  403,  403,  403,  422),
    row("GET", "/admin/outbox",                     LOGIN, 403,  403,  403,  403,  200),
    row("GET", "/admin/backups",                    LOGIN, 403,  403,  403,  403,  200),
    row("GET", "/admin/users/{coordinator_user}",   LOGIN, 403,  403,  403,  403,  200),
    row("POST", "/admin/users/{coordinator_user}",  LOGIN, 403,  403,  403,  403,  302),
    row("GET", "/audit/",                           LOGIN, 403,  403,  403,  200,  200),
    # --- registers -------------------------------------------------------------------------
    row("GET", "/volunteers/",                      LOGIN, 403,  403,  403,  200,  200),
    row("GET", "/volunteers/new",                   LOGIN, 403,  403,  403,  200,  200),
    row("GET", "/volunteers/export.csv",            LOGIN, 403,  403,  403,  200,  200),
    row("GET", "/volunteers/export.xlsx",           LOGIN, 403,  403,  403,  200,  200),
    row("POST", "/volunteers/new",                  LOGIN, 403,  403,  403,  422,  422),
    row("GET", "/volunteers/{volunteer_a}",         LOGIN, 403,  403,  403,  200,  200),
    row("GET", "/volunteers/999999",                LOGIN, 403,  403,  403,  404,  404),
    row("GET", "/volunteers/{volunteer_a}/edit",    LOGIN, 403,  403,  403,  200,  200),
    row("GET", "/volunteers/{volunteer_a}/data.json",
                                                    LOGIN, 403,  403,  403,  200,  200),
    row("GET", "/volunteers/999999/data.json",      LOGIN, 403,  403,  403,  404,  404),
    # an empty POST leaves every field as it was (Flask-WTF then reads the record): saved
    row("POST", "/volunteers/{volunteer_a}/edit",   LOGIN, 403,  403,  403,  302,  302),
    row("GET", "/volunteers/{volunteer_a}/anonymise",
                                                    LOGIN, 403,  403,  403,  200,  200),
    # without the reason and the ticked box: the form again, nothing erased
    row("POST", "/volunteers/{volunteer_a}/anonymise",
                                                    LOGIN, 403,  403,  403,  422,  422),
    row("GET", "/volunteers/999999/anonymise",      LOGIN, 403,  403,  403,  404,  404),
    # --- applications inbox (staff) ---------------------------------------------------------
    row("GET", "/applications/",                    LOGIN, 403,  403,  403,  200,  200),
    row("GET", "/applications/{application_a}",     LOGIN, 403,  403,  403,  200,  200),
    row("GET", "/applications/{application_unconfirmed}",
                                                    LOGIN, 403,  403,  403,  404,  404),
    row("GET", "/applications/999999",              LOGIN, 403,  403,  403,  404,  404),
    row("POST", "/applications/{application_a}/review",
                                                    LOGIN, 403,  403,  403,  302,  302),
    row("GET", "/applications/{application_a}/decline",
                                                    LOGIN, 403,  403,  403,  200,  200),
    row("POST", "/applications/{application_a}/decline",
                                                    LOGIN, 403,  403,  403,  422,  422),
    row("GET", "/applications/{application_a}/accept",
                                                    LOGIN, 403,  403,  403,  200,  200),
    # nothing ticked and no "without a placement": refused beside that box
    row("POST", "/applications/{application_a}/accept",
                                                    LOGIN, 403,  403,  403,  422,  422),
    # "without a placement" ticked: the volunteer is made, without placement or invitation
    row("POST", "/applications/{application_a}/accept",
                                                    LOGIN, 403,  403,  403,  302,  302,
        data={"without_placement": "y"}),
    # --- volunteer imports (staff) ---------------------------------------------------------
    row("GET", "/imports/",                         LOGIN, 403,  403,  403,  200,  200),
    row("POST", "/imports/",                        LOGIN, 403,  403,  403,  422,  422),
    row("GET", "/imports/{batch_pending}/options",  LOGIN, 403,  403,  403,  200,  200),
    row("POST", "/imports/{batch_pending}/options", LOGIN, 403,  403,  403,  302,  302,
        data={"encoding": "utf-8", "delimiter": ",", "targets-0": "full_name",
              "targets-1": "email"}),
    row("GET", "/imports/{batch_pending}/preview",  LOGIN, 403,  403,  403,  200,  200),
    row("GET", "/imports/999999/preview",           LOGIN, 403,  403,  403,  404,  404),
    row("POST", "/imports/{batch_pending}/preview", LOGIN, 403,  403,  403,  302,  302),
    row("GET", "/imports/{batch_pending}",          LOGIN, 403,  403,  403,  200,  200),
    row("GET", "/imports/999999",                   LOGIN, 403,  403,  403,  404,  404),
    row("GET", "/imports/{batch_committed}",        LOGIN, 403,  403,  403,  200,  200),
    row("POST", "/imports/{batch_pending}/undo",    LOGIN, 403,  403,  403,  302,  302),
    row("POST", "/imports/{batch_spare}/discard",   LOGIN, 403,  403,  403,  302,  302),
    row("POST", "/volunteers/{volunteer_c}/archive",LOGIN, 403,  403,  403,  302,  302),
    row("POST", "/volunteers/{volunteer_c}/unarchive",
                                                    LOGIN, 403,  403,  403,  302,  302),
    row("GET", "/organisations/",                   LOGIN, 403,  403,  403,  200,  200),
    row("GET", "/organisations/new",                LOGIN, 403,  403,  403,  200,  200),
    row("POST", "/organisations/new",               LOGIN, 403,  403,  403,  422,  422),
    row("GET", "/organisations/{org_s}",            LOGIN, 403,  403,  403,  200,  200),
    row("GET", "/organisations/{org_s}/edit",       LOGIN, 403,  403,  403,  200,  200),
    row("POST", "/organisations/{org_s}/edit",      LOGIN, 403,  403,  403,  302,  302),
    row("POST", "/organisations/{org_spare}/archive",
                                                    LOGIN, 403,  403,  403,  302,  302),
    row("POST", "/organisations/{org_spare}/unarchive",
                                                    LOGIN, 403,  403,  403,  302,  302),
    row("GET", "/sites/",                           LOGIN, 403,  403,  403,  200,  200),
    row("GET", "/sites/new",                        LOGIN, 403,  403,  403,  200,  200),
    row("POST", "/sites/new",                       LOGIN, 403,  403,  403,  422,  422),
    row("GET", "/sites/{site_h}",                   LOGIN, 403,  403,  403,  200,  200),
    row("GET", "/sites/{site_h}/edit",              LOGIN, 403,  403,  403,  200,  200),
    row("POST", "/sites/{site_h}/edit",             LOGIN, 403,  403,  403,  302,  302),
    row("POST", "/sites/{site_spare}/archive",      LOGIN, 403,  403,  403,  302,  302),
    row("POST", "/sites/{site_spare}/unarchive",    LOGIN, 403,  403,  403,  302,  302),
    row("GET", "/projects/",                        LOGIN, 403,  403,  403,  200,  200),
    row("GET", "/projects/new",                     LOGIN, 403,  403,  403,  200,  200),
    row("POST", "/projects/new",                    LOGIN, 403,  403,  403,  422,  422),
    row("GET", "/projects/{project_h}",             LOGIN, 403,  403,  403,  200,  200),
    row("GET", "/projects/{project_h}/edit",        LOGIN, 403,  403,  403,  200,  200),
    row("POST", "/projects/{project_h}/edit",       LOGIN, 403,  403,  403,  422,  422),
    row("POST", "/projects/{project_spare}/archive",LOGIN, 403,  403,  403,  302,  302),
    row("POST", "/projects/{project_spare}/unarchive",
                                                    LOGIN, 403,  403,  403,  302,  302),
    # --- placements ------------------------------------------------------------------------
    row("GET", "/placements/",                      LOGIN, 403,  403,  403,  200,  200),
    row("GET", "/placements/new",                   LOGIN, 403,  403,  403,  200,  200),
    row("POST", "/placements/new",                  LOGIN, 403,  403,  403,  422,  422),
    row("GET", "/placements/new/volunteers",        LOGIN, 403,  403,  403,  200,  200),
    row("GET", "/placements/new/projects",          LOGIN, 403,  403,  403,  200,  200),
    row("GET", "/placements/{placement_a}",         LOGIN, 403,  403,  403,  200,  200),
    row("GET", "/placements/999999",                LOGIN, 403,  403,  403,  404,  404),
    row("GET", "/placements/{placement_a}/dates",   LOGIN, 403,  403,  403,  200,  200),
    row("POST", "/placements/{placement_a}/dates",  LOGIN, 403,  403,  403,  422,  422),
    row("POST", "/placements/{placement_a}/status", LOGIN, 403,  403,  403,  422,  422),
    # --- season planner ---------------------------------------------------------------------
    row("GET", "/planner/",                         LOGIN, 403,  403,  403,  200,  200),
    row("POST", "/planner/",                        LOGIN, 403,  403,  403,  422,  422),
    row("GET", "/planner/runs/{planning_run}",      LOGIN, 403,  403,  403,  200,  200),
    row("GET", "/planner/runs/999999",              LOGIN, 403,  403,  403,  404,  404),
    row("POST", "/planner/runs/{planning_run}/accept",
                                                    LOGIN, 403,  403,  403,  422,  422),
    row("GET", "/planner/runs/{planning_run}/accept",
                                                    LOGIN, 403,  403,  403,  302,  302),
    row("GET", "/planner/wishes/{volunteer_a}",     LOGIN, 403,  403,  403,  200,  200),
    row("GET", "/planner/wishes/999999",            LOGIN, 403,  403,  403,  404,  404),
    # a project chosen twice: refused beside the second choice
    row("POST", "/planner/wishes/{volunteer_a}",    LOGIN, 403,  403,  403,  422,  422,
        data={"own_1": "{project_h}", "own_2": "{project_h}"}),
    row("GET", "/placements/match/project/{project_h}",
                                                    LOGIN, 403,  403,  403,  200,  200),
    row("GET", "/placements/match/volunteer/{volunteer_a}",
                                                    LOGIN, 403,  403,  403,  200,  200),
    # --- hours (staff) -----------------------------------------------------------------------
    row("GET", "/hours/",                           LOGIN, 403,  403,  403,  200,  200),
    row("POST", "/hours/",                          LOGIN, 403,  403,  403,  422,  422),
    row("POST", "/hours/{entry_a}/review",          LOGIN, 403,  403,  403,  422,  422),
    row("POST", "/hours/999999/review",             LOGIN, 403,  403,  403,  404,  404),
    # GET (a reload of a failed review's page) goes back to the queue, whatever the entry
    row("GET", "/hours/{entry_a}/review",           LOGIN, 403,  403,  403,  302,  302),
    row("GET", "/hours/999999/review",              LOGIN, 403,  403,  403,  302,  302),
    row("GET", "/hours/placement/{placement_a}/log",LOGIN, 403,  403,  403,  200,  200),
    row("POST", "/hours/placement/{placement_a}/log",
                                                    LOGIN, 403,  403,  403,  422,  422),
    # --- certificates ----------------------------------------------------------------------
    row("GET", "/certificates/",                    LOGIN, 403,  403,  403,  200,  200),
    row("GET", "/certificates/{cert_a}",            LOGIN, 403,  403,  403,  200,  200),
    row("GET", "/certificates/{cert_a}/download",   LOGIN, 200,  200,  404,  200,  200),
    row("GET", "/certificates/{cert_b}/download",   LOGIN, 404,  404,  404,  200,  200),
    row("GET", "/certificates/issue/{placement_c_past}",
                                                    LOGIN, 403,  403,  403,  200,  200),
    row("POST", "/certificates/issue/{placement_c_past}",
                                                    LOGIN, 403,  403,  403,  422,  422),
    row("GET", "/certificates/{cert_a}/reissue",    LOGIN, 403,  403,  403,  200,  200),
    row("POST", "/certificates/{cert_a}/reissue",   LOGIN, 403,  403,  403,  422,  422),
    row("GET", "/certificates/{cert_a}/revoke",     LOGIN, 403,  403,  403,  200,  200),
    row("POST", "/certificates/{cert_a}/revoke",    LOGIN, 403,  403,  403,  422,  422),
    row("GET", "/certificates/batch/{project_past}",LOGIN, 403,  403,  403,  200,  200),
    row("POST", "/certificates/batch/{project_past}",
                                                    LOGIN, 403,  403,  403,  422,  422),
    # --- reports ---------------------------------------------------------------------------
    row("GET", "/reports/",                         LOGIN, 403,  403,  403,  200,  200),
    row("GET", "/reports/annual/{year}",            LOGIN, 403,  403,  403,  200,  200),
    row("GET", "/reports/mine",                     LOGIN, 403,  200,  200,  302,  302),
    row("GET", "/reports/organisations/{org_s}",    LOGIN, 403,  200,  404,  200,  200),
    row("GET", "/reports/organisations/{org_h}",    LOGIN, 403,  404,  200,  200,  200),
    # --- volunteer portal --------------------------------------------------------------------
    row("GET", "/me/hours",                         LOGIN, 200,  403,  403,  403,  403),
    row("POST", "/me/hours",                        LOGIN, 422,  403,  403,  403,  403),
    row("POST", "/me/hours",                        LOGIN, 404,  403,  403,  403,  403,
        data={"placement": "{placement_b}", "work_date": "{today}", "hours": "2",
              "activity": "Not mine"}),
    row("GET", "/me/hours/{entry_a}",               LOGIN, 200,  403,  403,  403,  403),
    row("GET", "/me/hours/{entry_b}",               LOGIN, 404,  403,  403,  403,  403),
    row("POST", "/me/hours/{entry_a}/withdraw",     LOGIN, 302,  403,  403,  403,  403),
    row("POST", "/me/hours/{entry_b}/withdraw",     LOGIN, 404,  403,  403,  403,  403),
    row("GET", "/me/placements/{placement_a}",      LOGIN, 200,  403,  403,  403,  403),
    row("GET", "/me/placements/{placement_b}",      LOGIN, 404,  403,  403,  403,  403),
    row("POST", "/me/placements/{placement_a}",     LOGIN, 422,  403,  403,  403,  403),
    row("POST", "/me/placements/{placement_b}",     LOGIN, 404,  403,  403,  403,  403),
    # arrival details and the infosheet of my placements (a date outside the placement: 422)
    row("GET", "/me/placements/{placement_a}/arrival",
                                                    LOGIN, 200,  403,  403,  403,  403),
    row("GET", "/me/placements/{placement_b}/arrival",
                                                    LOGIN, 404,  403,  403,  403,  403),
    row("POST", "/me/placements/{placement_a}/arrival",
                                                    LOGIN, 422,  403,  403,  403,  403,
        data={"arrival_date": "2000-01-01"}),
    row("POST", "/me/placements/{placement_b}/arrival",
                                                    LOGIN, 404,  403,  403,  403,  403,
        data={"arrival_date": "2000-01-01"}),
    row("GET", "/me/placements/{placement_a}/infosheet.pdf",
                                                    LOGIN, 200,  403,  403,  403,  403),
    row("GET", "/me/placements/{placement_b}/infosheet.pdf",
                                                    LOGIN, 404,  403,  403,  403,  403),
    row("GET", "/me/certificates",                  LOGIN, 200,  403,  403,  403,  403),
    row("GET", "/me/profile",                       LOGIN, 200,  403,  403,  403,  403),
    row("POST", "/me/profile",                      LOGIN, 302,  403,  403,  403,  403),
    row("GET", "/me/export",                        LOGIN, 200,  403,  403,  403,  403),
    row("GET", "/me/testimonials",                  LOGIN, 200,  403,  403,  403,  403),
    row("POST", "/me/testimonials",                 LOGIN, 422,  403,  403,  403,  403),
    # another volunteer's placement: refused beside the field, like any other not offered
    row("POST", "/me/testimonials",                 LOGIN, 422,  403,  403,  403,  403,
        data={"placement": "{past_b}", "language": "en", "signature": "anonymous",
              "body": "Not my placement, so this must never be stored anywhere."}),
    row("POST", "/me/testimonials/{testimonial_b}/withdraw",
                                                    LOGIN, 404,  403,  403,  403,  403),
    row("POST", "/me/testimonials/{testimonial_a}/withdraw",
                                                    LOGIN, 302,  403,  403,  403,  403),
    # --- testimonials (coordinators publish or decline what volunteers wrote) ----------------
    row("GET", "/testimonials/",                    LOGIN, 403,  403,  403,  200,  200),
    row("GET", "/testimonials/?status=all",         LOGIN, 403,  403,  403,  200,  200),
    row("POST", "/testimonials/{testimonial_b}/publish",
                                                    LOGIN, 403,  403,  403,  302,  302),
    row("POST", "/testimonials/{testimonial_b}/decline",
                                                    LOGIN, 403,  403,  403,  422,  422),
    row("POST", "/testimonials/{testimonial_b}/decline",
                                                    LOGIN, 403,  403,  403,  302,  302,
        data={"reason": "Names of pupils."}),
    row("POST", "/testimonials/999999/publish",     LOGIN, 403,  403,  403,  404,  404),
    # --- partner portal --------------------------------------------------------------------
    row("GET", "/partner/volunteers",               LOGIN, 403,  200,  200,  403,  403),
    row("GET", "/partner/imports",                  LOGIN, 403,  200,  403,  403,  403),
    row("POST", "/partner/imports",                 LOGIN, 403,  422,  403,  403,  403),
    row("GET", "/partner/volunteers/{volunteer_a}", LOGIN, 403,  200,  200,  403,  403),
    row("GET", "/partner/volunteers/{volunteer_b}", LOGIN, 403,  404,  404,  403,  403),
    row("GET", "/partner/volunteers/{volunteer_past}",
                                                    LOGIN, 403,  200,  404,  403,  403),
    row("GET", "/partner/hours",                    LOGIN, 403,  403,  200,  403,  403),
    # the infosheet of a volunteer coming to our sites (hosts only; staff use /arrivals/)
    row("GET", "/partner/placements/{placement_a}/infosheet.pdf",
                                                    LOGIN, 403,  403,  200,  404,  404),
    row("GET", "/partner/placements/{placement_b}/infosheet.pdf",
                                                    LOGIN, 403,  403,  404,  404,  404),
    # --- arrivals board (staff; host organisations for their sites) -----------------------
    row("GET", "/arrivals/",                        LOGIN, 403,  403,  200,  200,  200),
    row("GET", "/arrivals/board.csv",               LOGIN, 403,  403,  200,  200,  200),
    row("GET", "/arrivals/board.xlsx",              LOGIN, 403,  403,  200,  200,  200),
    row("GET", "/arrivals/placements/{placement_a}",
                                                    LOGIN, 403,  403,  403,  200,  200),
    row("POST", "/arrivals/placements/{placement_a}",
                                                    LOGIN, 403,  403,  403,  422,  422,
        data={"arrival_date": "2000-01-01"}),
    row("GET", "/arrivals/placements/{placement_a}/infosheet.pdf",
                                                    LOGIN, 403,  403,  403,  200,  200),
    row("GET", "/partner/hours/{entry_a}/query",    LOGIN, 403,  403,  200,  403,  403),
    row("GET", "/partner/hours/{entry_b}/query",    LOGIN, 403,  403,  404,  403,  403),
    row("POST", "/partner/hours/{entry_a}/query",   LOGIN, 403,  403,  422,  403,  403),
    row("POST", "/partner/hours/{entry_b}/query",   LOGIN, 403,  403,  404,  403,  403,
        data={"message": "Not ours"}),
    row("POST", "/partner/hours/confirm",           LOGIN, 403,  403,  302,  403,  403,
        data={"only": "{entry_a}"}),
    row("POST", "/partner/hours/confirm",           LOGIN, 403,  403,  404,  403,  403,
        data={"entry_ids": ["{entry_a}", "{entry_b}"]}),
    # --- last: signing out ends the session --------------------------------------------------
    row("POST", "/logout",                          LOGIN, 302,  302,  302,  302,  302),
]


class MatrixWorld:
    """Real records for the table: for each scoped kind, one the role owns and one it does not.

    - ``volunteer_a`` (the volunteer role's own record) was sent by ``org_s`` (the sending
      role's organisation) and is placed now at ``site_h`` of ``org_h`` (the host role's);
    - ``volunteer_b`` was sent by another organisation and is placed elsewhere;
    - ``volunteer_past`` was sent by ``org_s`` and placed at ``site_h`` in the past only;
    - ``volunteer_c`` has an e-mail and no login (to invite); ``placement_c_past`` is a
      completed placement with approved hours and no certificate yet.

    Beside them, every kind of record a page may show, so that each page draws each of its
    sections (``tests/core/test_no_template_queries.py`` needs every lazy path exercised): a
    funder named on the public site, project phases, a published testimonial, reviewed,
    rejected and queried hours, a superseded and a revoked certificate, an application's
    chosen projects, a committed import, a planner run's proposals and left-out volunteers,
    arrival details, a calendar feed and a backup run.
    """

    def __init__(self, app: Any) -> None:
        today = association_today()
        self.app = app
        org_s = factories.organisation(OrganisationKind.SENDING, name="Sender S")
        org_o = factories.organisation(OrganisationKind.SENDING, name="Sender O")
        org_h = factories.organisation(OrganisationKind.HOST, name="Host H")
        org_h2 = factories.organisation(OrganisationKind.HOST, name="Host H2")
        org_spare = factories.organisation(OrganisationKind.FUNDER, name="Spare foundation")
        site_h = factories.site(org_h, name="Site H")
        site_o = factories.site(org_h2, name="Site O")
        site_spare = factories.site(None, name="Spare site")
        live = {"start_date": today - timedelta(days=30), "end_date": today + timedelta(days=30),
                "status": ProjectStatus.IN_PROGRESS}
        past = {"start_date": date(2025, 3, 3), "end_date": date(2025, 3, 28),
                "status": ProjectStatus.COMPLETED}
        project_h = factories.project(site_h, title="Project H", **live)
        project_o = factories.project(site_o, title="Project O", **live)
        project_past = factories.project(site_h, title="Project past", **past)
        project_past_o = factories.project(site_o, title="Project past O", **past)
        project_spare = factories.project(site_spare, title="Spare project",
                                          status=ProjectStatus.DRAFT)
        self.users = {
            "volunteer": factories.user(Role.VOLUNTEER, email="a@example.org"),
            "sending": factories.user(Role.PARTNER, organisation=org_s),
            "host": factories.user(Role.PARTNER, organisation=org_h),
            "coordinator": factories.user(Role.COORDINATOR),
            "admin": factories.user(Role.ADMIN),
        }
        user_b = factories.user(Role.VOLUNTEER, email="b@example.org")
        volunteer_a = factories.volunteer(org_s, {"fr": "B2"}, full_name="Volunteer A",
                                          email="a@example.org", user=self.users["volunteer"])
        volunteer_b = factories.volunteer(org_o, full_name="Volunteer B", email="b@example.org",
                                          user=user_b)
        volunteer_past = factories.volunteer(org_s, full_name="Volunteer Past")
        volunteer_c = factories.volunteer(org_s, full_name="Volunteer C", email="c@example.org")
        coordinator = self.users["coordinator"]
        placement_a = factories.placement(volunteer_a, project_h, coordinator=coordinator)
        placement_b = factories.placement(volunteer_b, project_o, coordinator=coordinator)
        placement_past = factories.placement(volunteer_past, project_past,
                                             status=PlacementStatus.COMPLETED)
        past_a = self._completed(volunteer_a, project_past)
        past_b = self._completed(volunteer_b, project_past_o)
        placement_c_past = self._completed(volunteer_c, project_past)
        entry_a = factories.hours(placement_a, today - timedelta(days=2), "3",
                                  HoursStatus.SUBMITTED)
        entry_b = factories.hours(placement_b, today - timedelta(days=2), "3",
                                  HoursStatus.SUBMITTED)
        testimonial_a, testimonial_b = (
            write_testimonial(placement, body="What I learnt there, in a few sentences.",
                              language="en", signature=Signature.ANONYMOUS, actor=None)
            for placement in (past_a, past_b))
        cert_a = issue_certificate(past_a, actor=coordinator)
        cert_b = issue_certificate(past_b, actor=coordinator)
        pending = factories.user(Role.VOLUNTEER, email="pending@example.org")
        pending.password_hash = None
        resetting = factories.user(Role.PARTNER, organisation=org_o, email="reset@example.org")
        run = factories._add(PlanningRun(outcome="optimal", params={}))
        batches = [ImportBatch(file_name="list.csv", sha256="0" * 64, content=data,
                               options={"encoding": "utf-8", "delimiter": ",",
                                        "targets": ["full_name", "email"]})
                   for data in (b"Name,Email\nNew Person,new@example.org\n",) * 2]
        database.session.add_all(batches)
        applications = [Application(full_name=name, email=email, open_email=email,
                                    consent_version=CONSENT_VERSION, consent_at=utcnow(),
                                    confirmed_at=confirmed, languages={}, skills=[],
                                    interests=[], link_version=1)
                        for name, email, confirmed in (
                            ("Applicant A", "applicant@example.org", utcnow()),
                            ("Applicant U", "unconfirmed@example.org", None))]
        database.session.add_all(applications)
        database.session.flush()
        batch_committed = self._richer(
            today, coordinator=coordinator, org_s=org_s, site_h=site_h, project_h=project_h,
            project_past=project_past, placement_a=placement_a, placement_past=placement_past,
            volunteer_b=volunteer_b, volunteer_c=volunteer_c, run=run,
            application=applications[0])
        self.ids = {
            "planning_run": run.id,
            "org_s": org_s.id, "org_h": org_h.id, "org_spare": org_spare.id,
            "site_h": site_h.id, "site_spare": site_spare.id,
            "project_h": project_h.id, "project_past": project_past.id,
            "project_spare": project_spare.id,
            "volunteer_a": volunteer_a.id, "volunteer_b": volunteer_b.id,
            "volunteer_past": volunteer_past.id, "volunteer_c": volunteer_c.id,
            "placement_a": placement_a.id, "placement_b": placement_b.id,
            "placement_c_past": placement_c_past.id, "past_b": past_b.id,
            "testimonial_a": testimonial_a.id, "testimonial_b": testimonial_b.id,
            "entry_a": entry_a.id, "entry_b": entry_b.id,
            "cert_a": cert_a.id, "cert_b": cert_b.id, "code_a": cert_a.verification_code,
            "pending_user": pending.id, "coordinator_user": coordinator.id,
            "invite_token": issue_token(pending, LinkPurpose.INVITATION),
            "reset_token": issue_token(resetting, LinkPurpose.RESET),
            "unsubscribe_token": unsubscribe_token("v@example.org", "hours.rejected"),
            "year": today.year, "today": today.isoformat(),
            "batch_pending": batches[0].id, "batch_spare": batches[1].id,
            "batch_committed": batch_committed.id,
            "application_a": applications[0].id, "application_unconfirmed": applications[1].id,
            "confirm_token": link_token(applications[1], ApplicationLinkPurpose.CONFIRM),
            "withdraw_token": link_token(applications[0], ApplicationLinkPurpose.WITHDRAW),
        }
        self.volunteer_b = volunteer_b
        self.user_b = user_b

    def _richer(self, today: date, *, coordinator: Any, org_s: Any, site_h: Any,
                project_h: Any, project_past: Any, placement_a: Any, placement_past: Any,
                volunteer_b: Any, volunteer_c: Any, run: Any, application: Any) -> Any:
        """The records that make every section of every page show (see the class); returns
        the committed import batch."""
        funder = factories.organisation(OrganisationKind.FUNDER, name="Funder F")
        project_h.funder = funder
        project_past.funder, project_past.funder_public = funder, True
        factories.project(site_h, title="Project past, phase 2", parent=project_past,
                          phase_number=2, start_date=date(2025, 4, 1),
                          end_date=date(2025, 4, 20), status=ProjectStatus.COMPLETED)
        published = write_testimonial(placement_past, language="fr",
                                      body="We painted the school; the pupils chose colours.",
                                      signature=Signature.FIRST_NAME_COUNTRY,
                                      actor=None)
        publish_testimonial(published, actor=coordinator)
        volunteer_user = self.users["volunteer"]
        for days, status, extra in (
                (3, HoursStatus.APPROVED, {"reviewed_by": coordinator}),
                (4, HoursStatus.REJECTED, {"reviewed_by": coordinator,
                                           "rejection_reason": "Not on site that day"}),
                (5, HoursStatus.SUBMITTED, {"host_query": "Was she with us that day?"})):
            factories.hours(placement_a, today - timedelta(days=days), "2", status,
                            submitted_by=volunteer_user, reviewed_at=utcnow()
                            if "reviewed_by" in extra else None, **extra)
        old = issue_certificate(placement_past, actor=coordinator, kind="participation")
        revoke_certificate(reissue_certificate(old, actor=coordinator), "Issued by mistake",
                           actor=coordinator)
        application.sending_organisation = org_s
        application.preferences.append(ApplicationProject(rank=1, project=project_h))
        batch = ImportBatch(file_name="sent.csv", sha256="1" * 64, content=None,
                            status=COMMITTED, organisation=org_s,
                            created_by=self.users["sending"],
                            counts={"created": 1, "updated": 0, "skipped": 1, "invalid": 0,
                                    "left_out": [[3, "chosen", None]]},
                            options={"encoding": "utf-8", "delimiter": ",",
                                     "targets": ["full_name", "email"]})
        batch.records.append(ImportRecord(volunteer_id=volunteer_c.id, row_number=2,
                                          action="created"))
        database.session.add(batch)
        run.params = {"project_ids": [project_h.id]}
        run.assignments.append(PlannedPlacement(
            volunteer_id=volunteer_c.id, project_id=project_h.id, start_date=today,
            end_date=project_h.end_date, score=70, points=70))
        run.left_out.append(LeftOut(volunteer_id=volunteer_b.id, why=Why.OVERLAP.value,
                                    project_id=project_h.id, counts={"overlap": 1}))
        database.session.add(ArrivalDetails(
            placement_id=placement_a.id, arrival_date=placement_a.start_date,
            arrival_point="Agadir Al Massira airport (AGA)", pickup_needed=True,
            insurance_provider="Assur", insurance_policy="P-1",
            insurance_valid_until=placement_a.end_date))
        open_feed(volunteer_user)
        record_run(utcnow(), path="/backups/aljisr.tar", size_bytes=1234)
        database.session.flush()
        return batch

    @staticmethod
    def _completed(volunteer: Volunteer, project: Any) -> Any:
        placement = factories.placement(volunteer, project, status=PlacementStatus.COMPLETED)
        factories.hours(placement, project.start_date, "4")
        return placement

    def client(self, role: str) -> Any:
        if role == "anonymous":
            return self.app.test_client()
        return login_client(self.app, self.users[role])

    def fill(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.fill(v) for v in value]
        return value.format(**self.ids) if isinstance(value, str) else value


def endpoint_of(app: Any, entry: Row) -> str:
    """The endpoint ``entry``'s URL is routed to (ids replaced by samples)."""
    url = entry.url.format_map(_Sample()).split("?")[0]  # the query string routes nowhere
    endpoint, _args = app.url_map.bind("localhost").match(url, method=entry.method)
    return endpoint


class _Sample(dict):  # type: ignore[type-arg]
    """Fills any ``{name}`` of a URL template with a routable sample value."""

    def __missing__(self, key: str) -> str:
        return "1"
