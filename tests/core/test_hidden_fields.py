"""Hidden fields (the CSRF token, the one-time form token) are rendered once per form, as bare
hidden inputs: no label ("Once" above the submit button), no second input with the same id."""

from __future__ import annotations

import re

import pytest

from tests.support import factories

#: Every create form carrying a one-time token (aljisr.once.OneTimeField); "{placement}" is
#: filled with an active placement's id.
CREATE_FORMS = [
    "/placements/new",
    "/hours/placement/{placement}/log",
    "/projects/new",
    "/sites/new",
    "/organisations/new",
    "/volunteers/new",
    "/admin/users/new",
]


@pytest.mark.parametrize("url", CREATE_FORMS)
def test_the_one_time_token_is_one_hidden_input_with_no_label(as_role, db, url):
    client, _user = as_role("admin")
    placement = factories.placement()
    db.session.commit()
    response = client.get(url.format(placement=placement.id))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    inputs = re.findall(r"<input[^>]*\bname=\"once\"[^>]*>", html)
    assert len(inputs) == 1, inputs
    assert 'type="hidden"' in inputs[0]
    assert html.count('id="once"') == 1
    assert 'for="once"' not in html and ">Once<" not in html
    assert html.count('name="csrf_token"') == html.count("<form method=\"post\"")


@pytest.mark.parametrize("url", ["/placements/new", "/hours/placement/{placement}/log"])
def test_a_refused_form_keeps_its_one_hidden_token(as_role, db, url):
    client, _user = as_role("coordinator")
    placement = factories.placement()
    db.session.commit()
    url = url.format(placement=placement.id)
    response = client.post(url, data={"once": "token-typed-once"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.findall(r"<input[^>]*\bname=\"once\"[^>]*>", html) == [
        '<input id="once" name="once" type="hidden" value="token-typed-once">']
    assert ">Once<" not in html


def test_a_filter_bar_renders_a_hidden_field_bare(app):
    from flask import render_template_string
    from wtforms import HiddenField, SearchField

    from aljisr.forms import AppForm

    class Filters(AppForm):
        class Meta:
            csrf = False

        q = SearchField("Search")
        kept = HiddenField("Kept", default="7")

    with app.test_request_context("/projects/"):
        html = render_template_string(
            '{% from "_macros/lists.html" import filter_bar %}{{ filter_bar(form) }}',
            form=Filters(formdata=None))
    assert html.count('name="kept"') == 1 and 'for="kept"' not in html and ">Kept<" not in html
