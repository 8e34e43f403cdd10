"""A test-only page with one form using RichTextWidget, on top of the site's own URLs
(base.html links to them). Used by test_richtext_e2e.py with
``@pytest.mark.urls("vanphong.drafting.tests.urls_richtext")``."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from vanphong.drafting.widgets import RichTextWidget
from vanphong.urls import urlpatterns as site_urlpatterns


class BodyForm(forms.Form):
    body = forms.CharField(label="Nội dung", widget=RichTextWidget)


def richtext_form(request: HttpRequest) -> HttpResponse:
    """Shows the form; after a POST, also what the browser posted, as it came."""
    form = BodyForm(request.POST or None)
    posted = request.POST.get("body") if request.method == "POST" else None
    return render(request, "drafting/tests/richtext_form.html", {"form": form, "posted": posted})


urlpatterns = [path("tests/richtext/", richtext_form, name="test_richtext"), *site_urlpatterns]
