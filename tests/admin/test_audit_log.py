"""The audit log page: filters by subject, actor, action and date (association time zone),
bad filter input as a message beside the filter (never a 500), staff only."""

from __future__ import annotations

import ast
import html
import importlib
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

import aljisr
from aljisr.audit import AuditEvent, wording
from aljisr.extensions import db as _db
from tests.support import factories
from tests.support.sql import queries_sent


def text(response) -> str:
    return response.get_data(as_text=True)


def event(actor, action, subject_type, subject_id, when, reason=None, details=None):
    row = AuditEvent(
        actor_id=actor.id if actor else None,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        occurred_at=when,
        reason=reason,
        details=details or {},
    )
    _db.session.add(row)
    _db.session.flush()
    return row


@pytest.fixture
def log(db):
    samira = factories.user(display_name="Samira Alaoui", email="samira@aljisr.example.org")
    karim = factories.user(display_name="Karim Tazi", email="karim@aljisr.example.org")
    placement = factories.placement()
    # 1 September 2026, 23:30 UTC is 2 September, 00:30 in Casablanca (UTC+1).
    late = datetime(2026, 9, 1, 23, 30, tzinfo=UTC)
    event(
        samira,
        "placement.propose",
        "placements",
        placement.id,
        datetime(2026, 9, 1, 9, 0, tzinfo=UTC),
    )
    event(
        karim,
        "placement.cancel",
        "placements",
        placement.id,
        late,
        reason="Visa refused",
        details={"from": "proposed", "to": "cancelled"},
    )
    event(
        samira,
        "site.create",
        "sites",
        placement.project.site_id,
        datetime(2026, 9, 3, 8, 0, tzinfo=UTC),
    )
    event(None, "demo.seed", "users", samira.id, datetime(2026, 8, 1, 8, 0, tzinfo=UTC))
    return {"samira": samira, "karim": karim, "placement": placement}


def rows(page: str) -> str:
    return page.split('id="audit-events"')[1].split("</table>")[0] if "audit-events" in page else ""


def titles(page: str) -> list[str]:
    """The action titles of the listed events, in order."""
    return re.findall(r'<a href="/audit/\?action=[^"]*"[^>]*>([^<]*)</a>', rows(page))


class TestAccess:
    @pytest.mark.parametrize(
        ("role", "expected"),
        [("admin", 200), ("coordinator", 200), ("volunteer", 403), ("sending", 403), ("host", 403)],
    )
    def test_staff_only(self, as_role, role, expected):
        client, _ = as_role(role)
        assert client.get("/audit/").status_code == expected


class TestFilters:
    def test_everything_newest_first_with_actor_reason_details(self, as_role, log):
        client, _ = as_role("coordinator")
        page = text(client.get("/audit/"))
        assert titles(page) == ["Site added", "Cancelled", "Proposed", "Demo data loaded"]
        table = rows(page)
        assert "Karim Tazi" in table and "Visa refused" in table
        assert "System" in table  # no actor
        assert f'/placements/{log["placement"].id}"' in table  # subject link

    def test_by_subject(self, as_role, log):
        client, _ = as_role("coordinator")
        p = log["placement"]
        page = text(client.get(f"/audit/?subject_type=placements&subject_id={p.id}"))
        assert titles(page) == ["Cancelled", "Proposed"]
        assert titles(text(client.get("/audit/?subject_type=sites"))) == ["Site added"]

    def test_by_actor_name_or_email(self, as_role, log):
        client, _ = as_role("coordinator")
        assert titles(text(client.get("/audit/?actor=karim"))) == ["Cancelled"]
        page = text(client.get("/audit/?actor=SAMIRA@aljisr"))
        assert titles(page) == ["Site added", "Proposed"]

    def test_by_action_exact_or_prefix(self, as_role, log):
        client, _ = as_role("coordinator")
        assert titles(text(client.get("/audit/?action=placement.cancel"))) == ["Cancelled"]
        page = text(client.get("/audit/?action=placement"))
        assert titles(page) == ["Cancelled", "Proposed"]
        # a prefix is a whole word: "place" is not "placement"
        assert rows(text(client.get("/audit/?action=place"))) == ""

    def test_by_date_in_the_association_time_zone(self, as_role, log):
        client, _ = as_role("coordinator")
        page = text(client.get("/audit/?date_from=2026-09-02&date_to=2026-09-02"))
        assert titles(page) == ["Cancelled"]  # 23:30 UTC on the 1st is the 2nd in Casablanca
        page = text(client.get("/audit/?date_from=2026-09-01&date_to=2026-09-01"))
        assert titles(page) == ["Proposed"]
        page = text(client.get("/audit/?date_from=2026-09-01"))
        assert titles(page) == ["Site added", "Cancelled", "Proposed"]

    def test_filters_combine(self, as_role, log):
        client, _ = as_role("coordinator")
        assert titles(text(client.get("/audit/?actor=samira&action=placement"))) == ["Proposed"]

    @pytest.mark.parametrize(
        ("query", "message"),
        [
            ("subject_type=placements&subject_id=abc", "Not a valid integer value"),
            ("subject_id=3", "Choose the record type too"),
            ("subject_type=nonsense", "not in the list; the filter was ignored"),
            ("date_from=2026-02-31", "Not a valid date value"),
            ("date_from=2026-09-10&date_to=2026-09-01", "cannot be before"),
            ("subject_type=placements&subject_id=-1", "1 or more"),
            # beyond PostgreSQL's integer: a message, not "integer out of range"
            ("subject_type=placements&subject_id=99999999999", "No record has a number above"),
        ],
    )
    def test_bad_input_is_a_message_beside_the_filter(self, as_role, log, query, message):
        client, _ = as_role("coordinator")
        response = client.get(f"/audit/?{query}")
        assert response.status_code == 200
        page = text(response)
        assert message in page
        assert "invalid-feedback" in page
        assert rows(page) == ""  # no half-filtered answer

    @pytest.mark.parametrize(("query", "shown"), [
        ("page=abc", ["Site added", "Cancelled", "Proposed", "Demo data loaded"]),  # page 1
        ("page=999", ["Site added", "Cancelled", "Proposed", "Demo data loaded"]),  # the last
        ("actor=%25", []),  # "%" and "_" are characters to find, not wildcards
        ("actor=_", []),
        ("action=_", []),
        ("action=%25", []),
    ])
    def test_odd_but_harmless_input(self, as_role, log, query, shown):
        client, _ = as_role("coordinator")
        response = client.get(f"/audit/?{query}")
        assert response.status_code == 200
        page = text(response)
        assert titles(page) == shown
        assert "invalid-feedback" not in page  # nothing to correct
        if shown:
            assert "1–4 of 4" in re.sub(r"<[^>]+>", "", page)
        else:
            assert "No event matches these filters." in page

    def test_paginated(self, as_role, app, db):
        client, user = as_role("coordinator")
        for n in range(app.config["PAGE_SIZE"] + 3):
            event(
                user,
                "placement.confirm",
                "placements",
                n + 1,
                datetime(2026, 9, 1, 9, n % 60, tzinfo=UTC),
            )
        size = app.config["PAGE_SIZE"]
        first = text(client.get("/audit/"))
        assert f" of {size + 3}</p>" in first
        assert rows(first).count("<tr>") == size + 1  # with the header row
        assert 'rel="next"' in first
        second = text(client.get("/audit/?page=2"))
        assert rows(second).count("<tr>") == 3 + 1

        # the log only grows: its count stops at LIST_COUNT_LIMIT (docs/architecture.md §6.25)
        app.config["LIST_COUNT_LIMIT"] = size
        capped = text(client.get("/audit/"))
        assert f" of more than {size}</p>" in capped
        assert 'rel="next"' in capped
        assert rows(text(client.get("/audit/?page=2"))).count("<tr>") == 3 + 1


def test_real_actions_land_in_the_log(as_role, db):
    """A status change made through the placement page shows up, with its reason."""
    client, user = as_role("coordinator")
    from aljisr.placements.models import PlacementStatus

    placement = factories.placement(status=PlacementStatus.CONFIRMED)
    client.post(
        f"/placements/{placement.id}/status",
        data={"status": "withdrawn", "reason": "Family emergency"},
    )
    page = text(client.get(f"/audit/?subject_type=placements&subject_id={placement.id}"))
    assert titles(page) == ["Withdrawn"]
    table = rows(page)
    assert "Family emergency" in table and user.display_name in table
    assert details_of(page) == ["Status: Confirmed → Withdrawn"]


# --- every recorded action has a title ---------------------------------------------------------

ALJISR = Path(aljisr.__file__).resolve().parent


def _is_record_call(node: ast.Call) -> bool:
    func = node.func
    return (
        isinstance(func, ast.Attribute)
        and func.attr == "record"
        and isinstance(func.value, ast.Name)
        and func.value.id == "audit"
    )


def _assigned(scope: ast.AST, name: str) -> list[ast.expr]:
    """Expressions assigned to ``name`` in ``scope`` (plain or tuple assignments)."""
    found: list[ast.expr] = []
    for node in ast.walk(scope):
        if not isinstance(node, ast.Assign):
            continue
        for target in node.targets:
            if isinstance(target, ast.Name) and target.id == name:
                found.append(node.value)
            elif isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple):
                for element, value in zip(target.elts, node.value.elts, strict=False):
                    if isinstance(element, ast.Name) and element.id == name:
                        found.append(value)
    return found


def _codes(expr: ast.expr, scope: ast.AST, module: str) -> list[str] | None:
    """The action codes ``expr`` can take, or None when this scanner cannot tell."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return [expr.value]
    if isinstance(expr, ast.IfExp):
        body, orelse = _codes(expr.body, scope, module), _codes(expr.orelse, scope, module)
        return None if body is None or orelse is None else body + orelse
    if isinstance(expr, ast.Name):
        values = _assigned(scope, expr.id)
        codes = [_codes(value, scope, module) for value in values]
        if not values or any(c is None for c in codes):
            return None
        return [code for group in codes for code in group]  # type: ignore[union-attr]
    if isinstance(expr, ast.JoinedStr):
        # f"placement.{TRANSITION_VERBS[status]}": one module-level dict of codes' endings
        parts = expr.values
        if (
            len(parts) == 2
            and isinstance(parts[0], ast.Constant)
            and isinstance(parts[1], ast.FormattedValue)
            and isinstance(parts[1].value, ast.Subscript)
            and isinstance(parts[1].value.value, ast.Name)
        ):
            table = getattr(importlib.import_module(module), parts[1].value.value.id)
            return [f"{parts[0].value}{ending}" for ending in table.values()]
    return None


def recorded_actions() -> tuple[dict[str, list[str]], list[str]]:
    """``({action: [where recorded]}, [calls whose action could not be worked out])`` for
    every ``audit.record(actor, action, ...)`` in the application's source."""
    actions: dict[str, list[str]] = {}
    unknown: list[str] = []
    for path in sorted(ALJISR.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        module = ".".join(path.relative_to(ALJISR.parent).with_suffix("").parts)
        scopes = [tree, *(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef))]
        for scope in scopes:
            body = ast.Module(body=list(getattr(scope, "body", [])), type_ignores=[])
            for node in _walk_without_functions(body):
                if not (isinstance(node, ast.Call) and _is_record_call(node)):
                    continue
                where = f"{path.relative_to(ALJISR.parent)}:{node.lineno}"
                expr = node.args[1] if len(node.args) > 1 else next(
                    (k.value for k in node.keywords if k.arg == "action"), None)
                codes = _codes(expr, scope, module) if expr is not None else None
                if codes is None:
                    unknown.append(where)
                for code in codes or []:
                    actions.setdefault(code, []).append(where)
    return actions, unknown


def _walk_without_functions(node: ast.AST):
    """``ast.walk`` that does not enter nested function definitions (each is its own scope)."""
    for child in ast.iter_child_nodes(node):
        yield child
        if not isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            yield from _walk_without_functions(child)


def test_every_recorded_action_has_a_title(app):
    actions, unknown = recorded_actions()
    assert not unknown, (
        f"audit.record() with an action this test cannot work out: {unknown}. Pass a string, "
        "or teach recorded_actions() the new form."
    )
    # the scanner sees actions chosen in variables, conditionals and f-strings too
    assert {"user.invite", "auth.password_reset_request", "auth.invitation_accept",
            "auth.password_reset", "placement.withdraw", "placement.confirm",
            "demo.seed"} <= set(actions)
    assert len(actions) >= 40
    titles = wording().action_titles
    missing = {code: where for code, where in actions.items() if code not in titles}
    assert not missing, (
        f"add a title to the WORDING in the audit.py of the action's area: {missing}")


def test_two_areas_cannot_declare_the_same_words():
    from aljisr.audit import AuditWording, RecordWording, Wording

    with pytest.raises(ValueError, match="action 'site.create' is declared twice"):
        Wording([AuditWording(actions={"site.create": "Site added"}),
                 AuditWording(actions={"site.create": "Site created"})])
    with pytest.raises(ValueError, match="record type 'sites'"):
        Wording([AuditWording(actions={}, records=(RecordWording("sites", "Site"),)),
                 AuditWording(actions={}, records=(RecordWording("sites", "Place"),))])


def test_the_audit_page_knows_no_area():
    """Each area declares its words beside its code; the audit page only reads them."""
    source = (Path(aljisr.__file__).parent / "admin" / "audit_display.py").read_text()
    imported = set(re.findall(r"^\s*(?:from|import) (aljisr\.[\w.]+)", source, re.M))
    assert imported <= {"aljisr.audit", "aljisr.i18n", "aljisr.permissions", "aljisr.urls",
                        "aljisr.extensions"}, imported


def test_titles_are_translated_once_per_action_and_read_as_words(app):
    titles_by_code = wording().action_titles
    assert all(hasattr(title, "_func") for title in titles_by_code.values())  # lazy: translated
    english = [str(title) for title in titles_by_code.values()]
    placement = [str(t) for c, t in titles_by_code.items() if c.startswith("placement.")]
    others = [t for t in english if t not in placement]
    assert len(set(others)) == len(others)  # no two actions look alike
    assert not [t for t in english if "." in t or "_" in t]


# --- details in words --------------------------------------------------------------------------


def details_of(page: str) -> list[str]:
    """Each listed event's details as plain text ("Label: value | Label: value")."""
    cells = re.findall(r'<td class="small audit-details"[^>]*>(.*?)</td>', rows(page), re.S)
    return [" | ".join(
        html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", line))).strip()
        for line in re.findall(r"<div><dt.*?</dd></div>", cell, re.S)
    ) for cell in cells]


@pytest.fixture
def history(db):
    """Events recorded by the real services, as a coordinator's day would leave them."""
    from aljisr.auth.services import accounts as auth_services
    from aljisr.certificates import services as certificate_services
    from aljisr.hours import services as hours_services
    from aljisr.permissions import Role
    from aljisr.placements import services as placement_services
    from aljisr.placements.models import PlacementStatus
    from aljisr.projects import services as project_services
    from aljisr.projects.models import ProjectStatus
    from aljisr.volunteers import services as volunteer_services
    from tests.support.certificates import completed_placement

    coordinator = factories.user(display_name="Samira Alaoui")
    admin = factories.user(Role.ADMIN, display_name="Admin")
    own_login = factories.user(Role.VOLUNTEER)
    volunteer = factories.volunteer(full_name="Yasmine Haddad", user=own_login,
                                    email=own_login.email)
    volunteer_services.update_volunteer(
        volunteer, {"full_name": "Yasmine Haddad-Benali", "phone": "+33 6 12 34 56 78"},
        actor=coordinator)
    project = factories.project(capacity=5)
    project_services.update_project(
        project, {"capacity": 3, "status": ProjectStatus.IN_PROGRESS}, actor=coordinator)
    placement = factories.placement(volunteer, project, status=PlacementStatus.ACTIVE)
    hours_services.log_hours(placement, datetime(2026, 9, 3).date(), "7.5", "Painting",
                             actor=own_login,
                             today=datetime(2026, 9, 4).date())
    placement_services.change_dates(placement, datetime(2026, 9, 1).date(),
                                    datetime(2026, 10, 15).date(), actor=coordinator)
    certificate = certificate_services.issue_certificate(
        completed_placement(), actor=coordinator, language="fr", kind="participation")
    partner = factories.organisation()
    user = factories.user(Role.COORDINATOR, display_name="Omar")
    auth_services.update_user(user, display_name="Omar B.", role=Role.COORDINATOR,
                              organisation_id=None, active=False, actor=admin)
    _db.session.flush()
    return {"volunteer": volunteer, "project": project, "placement": placement,
            "certificate": certificate, "user": user, "partner": partner}


class TestDetailsInWords:
    def test_each_action_s_details_read_as_words(self, as_role, history):
        client, _ = as_role("coordinator")
        page = text(client.get("/audit/"))
        shown = dict(zip(titles(page), details_of(page), strict=True))
        assert shown["Volunteer updated"] == "Fields changed: Full name and Phone"
        assert shown["Project updated"] == (
            "Fields changed: Status and Capacity | Capacity: 5 → 3 | Status: Open → In progress")
        # ids in the details read by name, as the records do ("Placement: 32" before)
        placement_name = f"Yasmine Haddad-Benali · {history['project'].title}"
        assert shown["Hours logged"] == (
            f"Placement: {placement_name} | Date: Sep 3, 2026 | Hours: 7.5 "
            "| Status: Submitted")
        assert shown["Dates changed"] == (
            "Dates: Sep 1, 2026 – Dec 31, 2026 → Sep 1, 2026 – Oct 15, 2026")
        serial = history["certificate"].serial
        assert shown["Certificate issued"].startswith(
            f"Serial number: {serial} | Kind: Participation | Language of the certificate: "
            "French | Bilingual Arabic and French layout: No | Placement: ")
        assert not shown["Certificate issued"].split("Placement: ")[1].isdigit()
        assert shown["User updated"] == "Name: Omar → Omar B. | May sign in: Yes → No"

    def test_records_link_to_their_pages(self, as_role, history):
        client, _ = as_role("coordinator")
        table = rows(text(client.get("/audit/?action=hours.log")))
        assert f'<a href="/placements/{history["placement"].id}" ' in table
        table = rows(text(client.get("/audit/?action=certificate.issue")))
        assert f'href="/certificates/?q={history["certificate"].serial}"' in table

    def test_links_only_where_the_viewer_may_open_the_page(self, as_role, history):
        user = history["user"]
        admin_client, _ = as_role("admin")
        table = rows(text(admin_client.get("/audit/?action=user.update")))
        assert f'href="/admin/users/{user.id}"' in table
        client, _ = as_role("coordinator")  # no user administration: plain text
        table = rows(text(client.get("/audit/?action=user.update")))
        assert f"User {user.id}" in table and "/admin/users/" not in table

    def test_in_french(self, as_role, history):
        """Labels, dates, numbers and statuses follow the interface language (strings whose
        French is already in the catalogue; the rest waits for the translators)."""
        client, coordinator = as_role("coordinator")
        coordinator.locale = "fr"
        _db.session.commit()
        page = text(client.get("/audit/?action=placement"))
        assert titles(page) == ["Dates modifiées"]
        assert details_of(page)[0].startswith("Dates")
        assert details_of(page)[0].endswith(
            "1er sept. 2026 – 31 déc. 2026 → 1er sept. 2026 – 15 oct. 2026")
        shown = details_of(text(client.get("/audit/?action=hours.log")))[0]
        assert [part.split(":")[1].strip() for part in shown.split(" | ")] == [
            f"Yasmine Haddad-Benali · {history['project'].title}", "3 sept. 2026", "7,5",
            "Soumis"]
        assert shown.startswith("Affectation") and "Heures" in shown and "Statut" in shown
        shown = details_of(text(client.get("/audit/?action=volunteer.update")))[0]
        assert shown.endswith("Nom complet et Téléphone")

    def test_in_arabic_the_arrow_points_the_reading_way(self, as_role, history):
        client, coordinator = as_role("coordinator")
        coordinator.locale = "ar"
        _db.session.commit()
        page = text(client.get("/audit/?action=project.update"))
        assert "←" in details_of(page)[0] and "→" not in details_of(page)[0]

    @pytest.mark.parametrize(
        "details",
        [
            None,
            {},
            [],
            "a note",
            [1, "two", None],
            {"placement_id": None, "volunteer_id": "abc", "project_id": -3},
            {"placement_id": 10**12, "overlapping_placement_ids": [1, "x", None]},
            {"work_date": "2026-02-31", "start_date": "not a date", "end_date": 20260901},
            {"changed": "full_name", "from": None, "to": {"a": {"b": {"c": {"d": [1]}}}}},
            {"from": {"start_date": "2026-09-01"}, "to": "cancelled"},
            {"hours": "lots", "capacity": [1, 2, 3], "status": "no-such-status"},
            {"some_new_key": {"nested": [True, False, 1.5]}, "": "empty key", "x": "<b>"},
            {"changed": [None, 3, "unknown_field", ["nested"]], "by": None, "serial": 5},
            {"language": "zz", "kind": "nonsense", "bilingual": "maybe", "active": "True"},
        ],
    )
    def test_odd_stored_details_never_break_the_page(self, as_role, db, details):
        client, user = as_role("coordinator")
        for action, subject_type in (("placement.cancel", "placements"),
                                     ("certificate.issue", "certificates"),
                                     ("user.update", "users"), ("no.such", "no_such_table")):
            _db.session.add(AuditEvent(actor_id=user.id, action=action, subject_type=subject_type,
                                       subject_id=1, details=details))
        _db.session.commit()
        response = client.get("/audit/")
        assert response.status_code == 200
        page = text(response)
        assert len(titles(page)) == 4
        assert "<b>" not in rows(page)  # stored text is escaped
        if details == {"some_new_key": {"nested": [True, False, 1.5]}, "": "empty key",
                       "x": "<b>"}:
            assert details_of(page)[0] == (
                "Some new key: Nested: Yes, No, and 1.5 | —: empty key | X: <b>")

    def test_dates_and_timestamps_stored_as_text(self, as_role, db):
        client, user = as_role("coordinator")
        event(user, "placement.propose", "placements", 1, datetime(2026, 9, 5, tzinfo=UTC),
              details={"start_date": "2026-09-01", "sent_at": "2026-09-01T23:30:00+00:00",
                       "noted": "2026-09-01 08:00"})
        assert details_of(text(client.get("/audit/"))) == [
            "First day: Sep 1, 2026 | Sent at: 2 Sep 2026, 00:30 | Noted: 1 Sep 2026, 09:00"]

    def test_unknown_action_shows_its_code(self, as_role, log):
        client, user = as_role("coordinator")
        event(user, "robot.dance", "robots", 7, datetime(2026, 9, 5, tzinfo=UTC),
              details={"moves": 3})
        page = text(client.get("/audit/"))
        assert titles(page)[0] == "robot.dance"
        assert details_of(page)[0] == "Moves: 3"


# --- the action filter offers titles -----------------------------------------------------------


class TestActionFilterByTitle:
    def test_the_list_offers_titles_with_codes(self, as_role, log):
        client, _ = as_role("coordinator")
        page = text(client.get("/audit/"))
        assert '<option value="placement.cancel">Cancelled</option>' in page
        assert '<option value="demo.seed">Demo data loaded</option>' in page

    def test_a_typed_title_filters_like_its_code(self, as_role, log):
        client, _ = as_role("coordinator")
        assert titles(text(client.get("/audit/?action=cancelled"))) == ["Cancelled"]
        assert titles(text(client.get("/audit/?action=+Site+added+"))) == ["Site added"]

    def test_a_title_in_the_interface_language(self, as_role, log):
        client, user = as_role("coordinator")
        user.locale = "fr"
        _db.session.commit()
        assert titles(text(client.get("/audit/?action=annulé"))) == ["Annulé"]


# --- query count -------------------------------------------------------------------------------


def test_query_count_does_not_grow_with_the_events(app, as_role, db):
    app.config["PAGE_SIZE"] = 25
    client, user = as_role("admin")
    others = [factories.user(display_name=f"Person {n}") for n in range(3)]

    def add(n: int) -> None:
        for i in range(n):
            actor = others[i % 3]
            event(actor, "hours.log", "hours_entries", i + 1,
                  datetime(2026, 9, 1, 9, i % 60, tzinfo=UTC),
                  details={"placement_id": i + 1, "work_date": "2026-09-01", "hours": "3"})
            event(actor, "user.update", "users", actor.id,
                  datetime(2026, 9, 1, 10, i % 60, tzinfo=UTC),
                  details={"organisation_id": ["None", str(i + 1)], "active": ["True", "False"]})
            event(None, "volunteer.update", "volunteers", i + 1,
                  datetime(2026, 9, 1, 11, i % 60, tzinfo=UTC),
                  details={"changed": ["full_name"], "duplicates_confirmed": [i + 2, i + 3]})
        _db.session.commit()

    add(1)
    with queries_sent() as small:
        assert client.get("/audit/").status_code == 200
    add(30)
    with queries_sent() as large:
        page = text(client.get("/audit/"))
    assert len(titles(page)) == 25
    assert len(large) == len(small), large
    # 5, and the navigation's count of new applications (docs/architecture.md §6.15)
    assert len(large) <= 6


def test_records_are_named_not_numbered(as_role, db):
    """Records read "Volunteer: Léa Fontaine", "Placement: Léa Fontaine · Peinture", a site by its
    name: one more query for the page whatever the number of events."""
    from aljisr import audit

    client, user = as_role("coordinator")
    volunteer = factories.volunteer(full_name="Léa Fontaine")
    placement = factories.placement(volunteer, factories.project(title="Peinture"))
    site = factories.site(name="École Maggamane")
    audit.record(user, "volunteer.create", volunteer)
    audit.record(user, "placement.propose", placement)
    audit.record(user, "site.create", site)
    db.session.commit()
    page = rows(text(client.get("/audit/")))
    assert "<bdi>Léa Fontaine</bdi>" in page
    assert "<bdi>Léa Fontaine · Peinture</bdi>" in page
    assert "<bdi>École Maggamane</bdi>" in page
    assert f"Volunteer {volunteer.id}<" not in page
