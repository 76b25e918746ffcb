"""What a signed-in coordinator does all day, for ``bench/load.py`` (locust, headless).

Each simulated coordinator signs in through the form once (CSRF token and all), then walks the
registers with searches and filters, opens detail pages, the overview, the hours queue and
matching (for a project and for a volunteer) and the form that proposes a placement, with one to
three seconds of reading between pages (``LOAD_THINK``, "MIN,MAX" seconds, ``load.py
--think``). Record ids come from
``LOAD_IDS`` (JSON, written by ``bench/load.py`` from the generated data). A response other
than 200 is a failure.
"""

from __future__ import annotations

import html
import json
import os
import random
import re
from collections import Counter
from pathlib import Path

from locust import HttpUser, between, events, task

IDS = json.loads(os.environ.get("LOAD_IDS", "{}"))
EMAIL = os.environ.get("LOAD_EMAIL", "bench-coordinator@aljisr.example.org")
PASSWORD = os.environ.get("LOAD_PASSWORD", "bench-aljisr")
#: Seconds of reading between a coordinator's pages, drawn between these two.
THINK = tuple(float(x) for x in os.environ.get("LOAD_THINK", "1,3").split(","))
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
SEARCHES = ["lea", "mar", "ольга", "فاطمة", "müller", "yu"]
TITLE = re.compile(r"<title>\s*([^<]*?)\s*</title>", re.S)
#: A block of messages: beside a field (``_macros/forms.html``, ``_errors``), above a form,
#: or a flashed notice; each message in a ``<div>`` of its own, or the block's own text.
MESSAGES = re.compile(r'class="(?:invalid-feedback|alert)[^"]*"[^>]*>\s*'
                      r'((?:<div>[^<]*</div>\s*)+|[^<]+)')
ONE_MESSAGE = re.compile(r"<div>([^<]*)</div>")


def page_messages(text: str) -> list[str]:
    """The error messages and notices a page shows, unescaped, in page order."""
    found = []
    for block in MESSAGES.findall(text or ""):
        parts = ONE_MESSAGE.findall(block) if block.startswith("<div>") else [block]
        found += [html.unescape(part).strip() for part in parts if part.strip()]
    return found


def failure_text(response: object) -> str:
    """What a failed answer was, for locust's failures table: the status, the redirects
    followed (status and path), the path answered, the page's title and its first alert or
    field message. Ids in paths are kept, so the same failure on different records is told
    apart only by them."""
    from urllib.parse import urlsplit

    hops = " ".join(f"{r.status_code}→{urlsplit(r.headers.get('Location', '')).path}"
                    for r in response.history)  # type: ignore[attr-defined]
    text = response.text or ""  # type: ignore[attr-defined]
    title = TITLE.search(text)
    messages = page_messages(text)
    return " | ".join(part for part in (
        f"{response.status_code} at {urlsplit(response.url).path}",  # type: ignore[attr-defined]
        f"after {hops}" if hops else "",
        f"title {title.group(1)!r}" if title else "",
        f"says {' / '.join(messages)[:200]!r}" if messages else "",
    ) if part)


class Coordinator(HttpUser):
    """One coordinator's session."""

    wait_time = between(*THINK)
    weight = 2

    def on_start(self) -> None:
        page = self.client.get("/login", name="login.form")
        token = CSRF.search(page.text)
        self.client.post(
            "/login",
            data={"email": EMAIL, "password": PASSWORD,
                  "csrf_token": token.group(1) if token else ""},
            name="login.submit",
        )

    def _get(self, url: str, name: str) -> None:
        with self.client.get(url, name=name, catch_response=True) as response:
            if response.status_code != 200 or "/login" in response.url:
                response.failure(failure_text(response))

    @task(3)
    def volunteers_search(self) -> None:
        self._get(f"/volunteers/?q={random.choice(SEARCHES)}", "volunteers.search")

    @task(2)
    def volunteers_list(self) -> None:
        self._get(f"/volunteers/?page={random.randint(1, 20)}", "volunteers.list")

    @task(2)
    def projects_list(self) -> None:
        self._get("/projects/?status=open", "projects.filter")

    @task(2)
    def placements_list(self) -> None:
        self._get("/placements/?status=active", "placements.filter")

    @task(3)
    def volunteer_detail(self) -> None:
        self._get(f"/volunteers/{random.choice(IDS['volunteers'])}", "volunteers.detail")

    @task(2)
    def project_detail(self) -> None:
        self._get(f"/projects/{random.choice(IDS['projects'])}", "projects.detail")

    @task(2)
    def placement_detail(self) -> None:
        self._get(f"/placements/{random.choice(IDS['placements'])}", "placements.detail")

    @task(2)
    def overview(self) -> None:
        self._get("/home", "overview")

    @task(2)
    def hours_queue(self) -> None:
        self._get("/hours/", "hours.queue")

    @task(1)
    def matching(self) -> None:
        self._get(f"/placements/match/project/{random.choice(IDS['projects'])}",
                  "matching.project")

    @task(1)
    def matching_volunteer(self) -> None:
        self._get(f"/placements/match/volunteer/{random.choice(IDS['volunteers'])}",
                  "matching.volunteer")

    @task(1)
    def propose(self) -> None:
        self._get("/placements/new", "placements.new")


#: The app's refusals of a volunteer's hours that the soak expects (its own random dates and
#: amounts run into them), by name: the English message beside the field.
EXPECTED_REFUSALS = {
    "day cap (24 hours)": re.compile(r"^At most 24 hours per day"),
    "same hours already logged": re.compile(r"^\S+ hours on .* are already logged"),
    "date outside the placement": re.compile(r"^The date must be within the placement"),
}
#: Expected refusals seen, by name (written to ``LOAD_REFUSALS`` when the run stops).
REFUSALS: Counter[str] = Counter()


def refusal_reason(response: object) -> str | None:
    """The name of an expected refusal (:data:`EXPECTED_REFUSALS`) when every message the 422
    page shows is one; None otherwise (a failure then)."""
    messages = page_messages(response.text)  # type: ignore[attr-defined]
    names = {next((name for name, pattern in EXPECTED_REFUSALS.items()
                   if pattern.search(message)), None) for message in messages}
    if not messages or None in names:
        return None
    return " + ".join(sorted(names))  # type: ignore[arg-type]


@events.quitting.add_listener
def _write_refusals(environment: object, **_kwargs: object) -> None:
    if os.environ.get("LOAD_REFUSALS"):
        Path(os.environ["LOAD_REFUSALS"]).write_text(json.dumps(dict(REFUSALS)))


HIDDEN = re.compile(r'name="(csrf_token|once)" type="hidden" value="([^"]*)"')
PLACEMENT = re.compile(r'<option[^>]*value="(\d+)"')
VOLUNTEER_PASSWORD = os.environ.get("LOAD_VOLUNTEER_PASSWORD", "soak-volunteer")
VOLUNTEERS = json.loads(os.environ.get("LOAD_VOLUNTEERS", "[]"))


class Volunteer(HttpUser):
    """A volunteer (used by the soak, ``bench/load.py --soak``): signs in, reads the portal and
    logs hours on a current placement now and then. A refusal shown again (422) for one of
    :data:`EXPECTED_REFUSALS` (the day's 24-hour cap, the same hours already logged, a date
    before the placement began) is the app's answer, counted apart, not an error; a 422 for
    anything else (a CSRF or one-time token refused, say) is a failure."""

    wait_time = between(5, 15)


    def on_start(self) -> None:
        if not VOLUNTEERS:  # no volunteer with a placement running today in this dataset
            self.stop()
            return
        email = random.choice(VOLUNTEERS)
        page = self.client.get("/login", name="login.form")
        token = CSRF.search(page.text)
        self.client.post("/login", name="login.submit", data={
            "email": email, "password": VOLUNTEER_PASSWORD,
            "csrf_token": token.group(1) if token else ""})

    @task(3)
    def portal(self) -> None:
        with self.client.get("/me/hours", name="portal.hours", catch_response=True) as response:
            if response.status_code != 200 or "/login" in response.url:
                response.failure(failure_text(response))

    @task(1)
    def log_hours(self) -> None:
        page = self.client.get("/me/hours", name="portal.hours")
        fields = dict(HIDDEN.findall(page.text))
        placements = PLACEMENT.findall(page.text)
        if not placements:
            return
        import datetime

        day = datetime.date.today() - datetime.timedelta(days=random.randint(0, 6))
        with self.client.post("/me/hours", name="portal.log_hours", catch_response=True, data={
            **fields, "placement": random.choice(placements), "work_date": day.isoformat(),
            "hours": f"{random.randint(1, 4)}.{random.choice(['0', '5'])}",
            "activity": "Soak: painting the courtyard wall",
        }) as response:
            refusal = refusal_reason(response) if response.status_code == 422 else None
            if refusal:
                # locust counts any status >= 400 as a failure unless told otherwise: the
                # first soak's 459 "errors" were these 422 refusals
                response.success()
                REFUSALS[refusal] += 1
            elif response.status_code != 200 or "/login" in response.url:
                response.failure(failure_text(response))
