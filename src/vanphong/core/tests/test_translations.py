"""The interface speaks Vietnamese first: every message is translated, and the
committed compiled catalog (users' machines have no gettext) matches the source."""

import gettext
import re
from pathlib import Path

from django.conf import settings

CATALOG = Path(settings.LOCALE_PATHS[0]) / "vi" / "LC_MESSAGES"


def _entries(po: str) -> list[dict[str, object]]:
    """msgid, msgid_plural, msgstr (first form) and fuzziness of each live entry."""
    entries = []
    for block in po.split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith("#~")]
        if not any(line.startswith("msgid ") for line in lines):
            continue
        fields: dict[str, str] = {}
        key = None
        for line in lines:
            match = re.match(r'^(msgid|msgid_plural|msgstr|msgstr\[0\]|msgctxt)\s+"(.*)"$', line)
            if match:
                key = match.group(1).replace("[0]", "")
                fields[key] = match.group(2)
            elif line.startswith('"') and key:
                fields[key] += line[1:-1]
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        entries.append({**fields, "fuzzy": fuzzy})
    return entries


def _unescape(text: str) -> str:
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
    return re.sub(r"\\(.)", lambda m: escapes.get(m.group(1), m.group(0)), text)


def test_every_message_has_a_vietnamese_translation():
    entries = [e for e in _entries((CATALOG / "django.po").read_text("utf-8")) if e.get("msgid")]
    assert len(entries) > 200
    missing = [e["msgid"] for e in entries if not e.get("msgstr") or e["fuzzy"]]
    assert missing == []


def test_the_compiled_catalog_matches_the_source():
    with (CATALOG / "django.mo").open("rb") as compiled:
        catalog = gettext.GNUTranslations(compiled)
    for entry in _entries((CATALOG / "django.po").read_text("utf-8")):
        msgid = entry.get("msgid")
        if not msgid or "msgid_plural" in entry or "msgctxt" in entry:
            continue
        assert catalog.gettext(_unescape(str(msgid))) == _unescape(str(entry["msgstr"])), (
            f"{msgid!r}: run `make messages` and commit the .mo"
        )
