"""What a signed-in coordinator does all day, for ``bench/load.py`` (locust, headless).

Each simulated coordinator signs in through the form once (CSRF token and all), then walks the
registers with searches and filters, opens detail pages, the overview, the hours queue and
matching (for a project and for a volunteer) and the form that proposes a placement, with one to
three seconds of reading between pages. Record ids come from
``LOAD_IDS`` (JSON, written by ``bench/load.py`` from the generated data). A response other
than 200 is a failure.
"""

from __future__ import annotations

import json
import os
import random
import re

from locust import HttpUser, between, task

IDS = json.loads(os.environ.get("LOAD_IDS", "{}"))
EMAIL = os.environ.get("LOAD_EMAIL", "bench-coordinator@aljisr.example.org")
PASSWORD = os.environ.get("LOAD_PASSWORD", "bench-aljisr")
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
SEARCHES = ["lea", "mar", "ольга", "فاطمة", "müller", "yu"]


class Coordinator(HttpUser):
    """One coordinator's session."""

    wait_time = between(1, 3)
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
                response.failure(f"{response.status_code} at {response.url}")

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


HIDDEN = re.compile(r'name="(csrf_token|once)" type="hidden" value="([^"]*)"')
PLACEMENT = re.compile(r'<option[^>]*value="(\d+)"')
VOLUNTEER_PASSWORD = os.environ.get("LOAD_VOLUNTEER_PASSWORD", "soak-volunteer")
VOLUNTEERS = json.loads(os.environ.get("LOAD_VOLUNTEERS", "[]"))


class Volunteer(HttpUser):
    """A volunteer (used by the soak, ``bench/load.py --soak``): signs in, reads the portal and
    logs hours on a current placement now and then. A refusal shown again (422: the day's
    24-hour cap, the same hours already logged) is the app's answer, not an error."""

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
                response.failure(f"{response.status_code} at {response.url}")

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
            if response.status_code not in (200, 422):
                response.failure(f"{response.status_code} at {response.url}")
