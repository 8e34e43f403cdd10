"""Vendored front-end assets are intact and templates never load anything from a CDN.

Users' networks are closed, so htmx, Bootstrap and TinyMCE (the drafts' editor,
in its own tree under ``tinymce/``) are committed under ``static/vendor/`` by
``scripts/vendor-static.sh``, which also writes ``MANIFEST.json`` (package,
version, sha256 per file, paths relative to ``vendor/``). No database needed.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest

import vanphong

PACKAGE_DIR = Path(vanphong.__file__).resolve().parent
VENDOR_DIR = PACKAGE_DIR / "static" / "vendor"
TEMPLATES_DIR = PACKAGE_DIR / "templates"
REPO_ROOT = PACKAGE_DIR.parent.parent

EXPECTED_FILES = {
    "htmx.min.js",
    "LICENSE.htmx.txt",
    "bootstrap.min.css",
    "bootstrap.min.css.map",
    "bootstrap.bundle.min.js",
    "bootstrap.bundle.min.js.map",
    "LICENSE.bootstrap.txt",
    "tinymce/tinymce.min.js",
    "tinymce/themes/silver/theme.min.js",
    "tinymce/models/dom/model.min.js",
    "tinymce/icons/default/icons.min.js",
    "tinymce/plugins/lists/plugin.min.js",
    "tinymce/plugins/table/plugin.min.js",
    "tinymce/plugins/autoresize/plugin.min.js",
    "tinymce/skins/ui/oxide/skin.min.css",
    "tinymce/skins/ui/oxide/content.min.css",
    "tinymce/license.md",
    "tinymce/notices.txt",
    "tinymce/langs/vi.js",
    "tinymce/langs/LICENSE.tinymce-i18n.md",
    "tinymce/langs/NOTICE.tinymce-i18n.md",
}
PACKAGES = {"htmx.org", "bootstrap", "tinymce", "tinymce-i18n"}

# http(s):// or protocol-relative //, then a host naming a CDN.
CDN_URL = re.compile(r"(?:https?:)?//[^\s\"'<>/]*(?:cdn|unpkg|jsdelivr|googleapis|cdnjs)", re.IGNORECASE)


def load_manifest(vendor_dir: Path) -> list[dict[str, str]]:
    return json.loads((vendor_dir / "MANIFEST.json").read_text(encoding="utf-8"))["files"]


def manifest_problems(vendor_dir: Path) -> list[str]:
    """Every listed file exists and matches its sha256; nothing unlisted sits beside them
    or in a directory below (names are paths relative to vendor_dir, with "/")."""
    problems: list[str] = []
    listed = set()
    for entry in load_manifest(vendor_dir):
        name = entry["file"]
        listed.add(name)
        path = vendor_dir / name
        if not path.is_file():
            problems.append(f"{name}: missing")
            continue
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest != entry["sha256"]:
            problems.append(f"{name}: sha256 {digest} != manifest {entry['sha256']}")
    for path in sorted(p for p in vendor_dir.rglob("*") if not p.is_dir()):
        name = path.relative_to(vendor_dir).as_posix()
        if name != "MANIFEST.json" and name not in listed:
            problems.append(f"{name}: not listed in MANIFEST.json")
    return problems


def cdn_references(templates_dir: Path) -> list[str]:
    """``file:line: url`` for each CDN URL under templates_dir (nothing if it is empty or missing)."""
    if not templates_dir.is_dir():
        return []
    found: list[str] = []
    for path in sorted(p for p in templates_dir.rglob("*") if p.is_file()):
        text = path.read_text(encoding="utf-8", errors="replace")
        for lineno, line in enumerate(text.splitlines(), start=1):
            found.extend(
                f"{path.relative_to(templates_dir)}:{lineno}: {m.group(0)}" for m in CDN_URL.finditer(line)
            )
    return found


# --- the real tree ----------------------------------------------------------


def test_manifest_lists_the_expected_files():
    entries = load_manifest(VENDOR_DIR)
    assert {e["file"] for e in entries} == EXPECTED_FILES
    for entry in entries:
        assert entry["package"] in PACKAGES
        assert re.fullmatch(r"\d+\.\d+\.\d+", entry["version"]), entry
        assert re.fullmatch(r"[0-9a-f]{64}", entry["sha256"]), entry


def test_vendored_files_match_manifest():
    assert manifest_problems(VENDOR_DIR) == []


def test_manifest_versions_match_package_json_pins():
    package_json = REPO_ROOT / "package.json"
    if not package_json.is_file():
        pytest.skip("no package.json (installed package): only the vendored copies ship")
    pins = json.loads(package_json.read_text(encoding="utf-8"))["dependencies"]
    for entry in load_manifest(VENDOR_DIR):
        assert entry["version"] == pins[entry["package"]], (
            f"{entry['file']} is {entry['package']} {entry['version']} but package.json pins "
            f"{pins[entry['package']]}: run `bash scripts/vendor-static.sh`"
        )


def test_templates_never_reference_a_cdn():
    assert cdn_references(TEMPLATES_DIR) == []


# --- the checks themselves can fail -------------------------------------------


def _copy_vendor(tmp_path: Path) -> Path:
    copy = tmp_path / "vendor"
    shutil.copytree(VENDOR_DIR, copy)
    return copy


def test_a_flipped_byte_is_caught(tmp_path):
    copy = _copy_vendor(tmp_path)
    target = copy / "htmx.min.js"
    data = bytearray(target.read_bytes())
    data[100] ^= 0x01
    target.write_bytes(bytes(data))
    problems = manifest_problems(copy)
    assert len(problems) == 1
    assert problems[0].startswith("htmx.min.js: sha256")


def test_a_missing_or_unlisted_file_is_caught(tmp_path):
    copy = _copy_vendor(tmp_path)
    (copy / "bootstrap.min.css").unlink()
    (copy / "jquery.min.js").write_text("/* stray */")
    assert manifest_problems(copy) == [
        "bootstrap.min.css: missing",
        "jquery.min.js: not listed in MANIFEST.json",
    ]


def test_a_changed_missing_or_unlisted_file_inside_the_tinymce_tree_is_caught(tmp_path):
    copy = _copy_vendor(tmp_path)
    (copy / "tinymce/plugins/table/plugin.min.js").write_text("/* patched */")
    (copy / "tinymce/langs/vi.js").unlink()
    (copy / "tinymce/plugins/image").mkdir()
    (copy / "tinymce/plugins/image/plugin.min.js").write_text("/* stray */")
    problems = manifest_problems(copy)
    assert problems[0].startswith("tinymce/plugins/table/plugin.min.js: sha256")
    assert problems[1:] == [
        "tinymce/langs/vi.js: missing",
        "tinymce/plugins/image/plugin.min.js: not listed in MANIFEST.json",
    ]


def test_the_vendored_editor_is_the_self_hosted_gpl_build_with_no_cloud_loader():
    """The editor runs on closed networks: TinyMCE's own files are present (the GPL
    licence text beside them), and no vendored file loads a script from Tiny's cloud."""
    license_text = (VENDOR_DIR / "tinymce" / "license.md").read_text(encoding="utf-8")
    assert "GNU General Public License Version 2 or later" in license_text
    for path in (VENDOR_DIR / "tinymce").rglob("*.js"):
        assert "cdn.tiny.cloud" not in path.read_text(encoding="utf-8"), path


def test_cdn_references_are_found(tmp_path):
    (tmp_path / "base.html").write_text(
        '<link href="https://cdn.jsdelivr.net/npm/bootstrap@5/dist/css/bootstrap.min.css">\n'
        '<script src="//unpkg.com/htmx.org"></script>\n'
        '<link href="https://fonts.googleapis.com/css2?family=Roboto">\n'
        "<script src=\"{% static 'vendor/htmx.min.js' %}\"></script>\n"
        '<a href="https://thuvienphapluat.vn/">ok</a>\n',
        encoding="utf-8",
    )
    found = cdn_references(tmp_path)
    assert [f.split(": ", 1)[0] for f in found] == ["base.html:1", "base.html:2", "base.html:3"]


def test_empty_or_missing_templates_dir_passes(tmp_path):
    assert cdn_references(tmp_path) == []
    assert cdn_references(tmp_path / "nope") == []
