"""The registers' lists share one filter form (`registry/_filters.html`): every field of
the list's form in its order, filtering live with htmx and by submitting without it.
The export links sit beside it and carry the same filters."""

import re

import pytest
from django.urls import reverse

LISTS = ["incoming_list", "outgoing_list"]


def _search_form(page: str) -> str:
    [form] = re.findall(r'<form method="get" role="search".*?</form>', page, re.DOTALL)
    return form


@pytest.mark.parametrize("name", LISTS)
def test_the_list_renders_every_field_of_its_form_in_order(client, clerk, name):
    client.force_login(clerk)
    response = client.get(reverse(name))
    assert "registry/_filters.html" in [t.name for t in response.templates]
    form = _search_form(response.content.decode())
    fields = list(response.context["form"].visible_fields())
    assert len(fields) >= 4
    positions = []
    for field in fields:
        control = re.search(rf'<(input|select)[^>]*name="{field.name}"[^>]*id="{field.auto_id}"', form)
        assert control, field.name
        assert re.search(rf'<label class="form-label[^"]*" for="{field.auto_id}">{field.label}</label>', form)
        if field.help_text:  # and the control says so to screen readers
            assert f'id="{field.auto_id}_helptext"' in form
            assert (
                f'aria-describedby="{field.auto_id}_helptext"'
                in control.group(0) + form[control.end() :][:300]
            )
        positions.append(control.start())
    assert positions == sorted(positions)
    assert 'class="form-select"' in form and 'class="form-control"' in form  # styled by kind


@pytest.mark.parametrize("name", LISTS)
def test_the_form_filters_live_and_without_javascript(client, clerk, name):
    client.force_login(clerk)
    form = _search_form(client.get(reverse(name)).content.decode())
    assert f'hx-get="{reverse(name)}"' in form and 'hx-target="#results"' in form
    assert 'hx-trigger="input changed delay:300ms, change, submit"' in form and 'hx-push-url="true"' in form
    # Without JavaScript: a plain GET form to this same address, with its button.
    assert "action=" not in form.split(">", 1)[0]
    assert re.search(r'<noscript>.*<button[^>]*type="submit"', form, re.DOTALL)

    submitted = client.get(reverse(name), {"q": "đại hội"}).content.decode()
    assert 'value="đại hội"' in _search_form(submitted)
    live = client.get(reverse(name), {"q": "đại hội"}, headers={"HX-Request": "true"}).content.decode()
    assert 'role="search"' not in live and "<html" not in live  # the results only


@pytest.mark.parametrize(
    ("name", "pdf", "xlsx"),
    [
        ("incoming_list", "incoming_export_pdf", "incoming_export_xlsx"),
        ("outgoing_list", "outgoing_export_pdf", "outgoing_export_xlsx"),
    ],
)
def test_both_lists_offer_both_exports(client, clerk, name, pdf, xlsx):
    client.force_login(clerk)
    page = client.get(reverse(name)).content.decode()
    for export in (pdf, xlsx):
        assert f'href="{reverse(export)}"' in page
