"""What a signed-in coordinator does all day, for ``bench/load.py`` (locust, headless).

Each simulated coordinator signs in through the form once (CSRF token and all), then walks the
registers with searches and filters, opens detail pages, the overview, the hours queue and
matching, with one to three seconds of reading between pages. Record ids come from
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
