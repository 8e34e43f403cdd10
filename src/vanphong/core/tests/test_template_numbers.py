"""Vietnamese groups thousands with a dot (USE_THOUSAND_SEPARATOR): a record's id
printed into a form value, an element id or a link's #fragment as `{{ x.pk }}` comes
out as "4.260" once ids pass 999, and the form then names a record that does not exist
(the office's figures answered 404 on PostgreSQL, whose ids had grown past 999). Such
numbers go through `|unlocalize`."""

import re
from pathlib import Path

from django.conf import settings
from django.template import Context, Template
from django.utils import translation

TEMPLATES = Path(settings.BASE_DIR) / "src" / "vanphong" / "templates"
# An id, a bound value or a page number printed plainly…
NUMBER = re.compile(r"\{\{ ?([a-z_.]+\.(?:pk|id|value)|[a-z_.]*page\.number) ?\}\}")
# …inside a value, an id, a data attribute or a link's fragment.
ATTRIBUTE = re.compile(r'(?:\b(?:id|value|data-[a-z-]+)="[^"]*|href="[^"]*#[^"]*)$')


def test_ids_in_attributes_are_not_localized():
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
            for match in NUMBER.finditer(line):
                if ATTRIBUTE.search(line[: match.start()]):
                    found.append(f"{path.relative_to(TEMPLATES)}:{number} {match.group(0)}")
    assert found == []


def test_unlocalize_keeps_an_id_whole_in_vietnamese():
    template = Template('{% load l10n %}<input value="{{ pk|unlocalize }}"> {{ pk }}')
    with translation.override("vi"):
        assert template.render(Context({"pk": 4260})) == '<input value="4260"> 4.260'
