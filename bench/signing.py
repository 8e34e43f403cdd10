"""Rendering and signing drafts, against bare pyHanko signing of the same files in
the same run.

    uv run python bench/signing.py                 # 200 documents, SQLite in a temp dir
    uv run python bench/signing.py --n 50
    DATABASE_URL=postgres://… uv run python bench/signing.py

Three measures over the same N drafts (công văn of about one page, with a list):
- render: `drafting.layout.render_pdf` (WeasyPrint, Liberation Serif embedded), the
  draft's preview as the reviewers open it;
- sign: `drafting.services.draft_sign`, what the signer's click does: open the
  PKCS#12 with the PIN, check the certificate against the trusted roots and CRLs,
  take the next number and enter the outgoing register, render with the number and
  date, sign PAdES B-B with the visible stamp, store the PDF, audit;
- bare: `pyhanko` signing of the PDFs rendered in the first step, with the same key
  already loaded and the same stamp, nothing else: the floor the service is measured
  against.
The ratios sign/bare and sign/(render + bare) say what the service adds to the two
pieces of work it cannot avoid.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=200, help="documents (default 200)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="vanphong-bench-signing-"))
    os.environ["VANPHONG_VAR_DIR"] = str(work)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vanphong.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from cryptography.hazmat.primitives import serialization
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from vanphong.core import services as core_services
    from vanphong.core.models import Role
    from vanphong.core.tests.factories import make_person, make_tree
    from vanphong.drafting import layout, services
    from vanphong.drafting.models import SignatureForm
    from vanphong.registry.models import DocumentType
    from vanphong.signatures import ca, pdf
    from vanphong.signatures import services as signature_services
    from vanphong.signatures.models import TrustAnchor

    call_command("migrate", verbosity=0)
    tree = make_tree()
    core_services.term_add(
        actor=None, organization=tree.city, number=17, started_on=timezone.localdate() - dt.timedelta(days=30)
    )
    specialist = make_person(organization=tree.office, role=Role.SPECIALIST)
    secretary = make_person(organization=tree.city, role=Role.SECRETARY, full_name="Trần Quốc Hưng")
    now = timezone.now()
    authority = ca.DemoAuthority.create(
        valid_from=now - dt.timedelta(days=1), valid_to=now + dt.timedelta(days=365)
    )
    TrustAnchor.objects.create(
        name="DEMO", certificate=authority.certificate.public_bytes(serialization.Encoding.DER), is_demo=True
    )
    key, certificate = authority.issue(
        secretary.full_name,
        email=None,
        valid_from=now - dt.timedelta(days=1),
        valid_to=now + dt.timedelta(days=365),
    )
    credential = signature_services.credential_add_pkcs12(
        actor=None,
        person=secretary,
        data=ca.pkcs12(key, certificate, [authority.certificate], "123456"),
        passphrase="123456",
        label="DEMO",
    )
    letter = DocumentType.objects.get(code="cong-van")
    body = (
        "<p>Thực hiện Chương trình công tác năm 2026, Ban Thường vụ Thành ủy đề nghị các đảng ủy trực thuộc "
        "tổng kết công tác văn phòng cấp ủy, gửi báo cáo về Thành ủy (qua Văn phòng Thành ủy).</p>"
        "<ul><li>Kết quả tham mưu, phục vụ cấp ủy;</li><li>Công tác văn thư, lưu trữ;</li>"
        "<li>Chuyển đổi số, ký số và gửi nhận văn bản điện tử.</li></ul>"
        "<p>Báo cáo gửi trước ngày 15/12/2026.</p>"
    )
    drafts = []
    for i in range(args.n):
        draft = services.draft_create(
            actor=specialist,
            organization=tree.city,
            document_type=letter,
            abstract=f"V/v tổng kết công tác văn phòng cấp ủy năm 2026 (lần {i + 1})",
            place="Ngọc Sơn",
            body_html=body,
            signature_form=SignatureForm.ON_BEHALF,
            on_behalf_of="Ban Thường vụ",
            signer=secretary,
            signer_title="Bí thư",
            internal_recipients=[tree.bloc],
        )
        drafts.append(services.draft_submit(actor=specialist, draft=draft, reviewers=[]))

    layout.render_pdf(drafts[0])  # fonts loaded once, as in a running server
    started = time.perf_counter()
    rendered = [layout.render_pdf(draft) for draft in drafts]
    render_s = time.perf_counter() - started

    signer = pdf.load_pkcs12(ca.pkcs12(key, certificate, [authority.certificate], "123456"), "123456")
    lines = layout.stamp_lines(signer_name=secretary.full_name, at=now)
    pdf.sign(
        rendered[0].data,
        signer=signer,
        box=layout.stamp_box(rendered[0]),
        stamp_lines=lines,
        reason="warm-up",
        location="Ngọc Sơn",
    )
    started = time.perf_counter()
    for item in rendered:
        pdf.sign(
            item.data,
            signer=signer,
            box=layout.stamp_box(item),
            stamp_lines=lines,
            reason="Ban hành",
            location="Ngọc Sơn",
        )
    bare_s = time.perf_counter() - started

    per_document = []
    started = time.perf_counter()
    for draft in drafts:
        one = time.perf_counter()
        services.draft_sign(actor=secretary, draft=draft, credential=credential, pin="123456")
        per_document.append(time.perf_counter() - one)
    sign_s = time.perf_counter() - started

    n = args.n
    result = {
        "database": connection.vendor,
        "documents": n,
        "pages": rendered[0].page_count,
        "render_per_s": round(n / render_s, 2),
        "bare_pyhanko_per_s": round(n / bare_s, 2),
        "sign_service_per_s": round(n / sign_s, 2),
        "sign_service_p50_ms": round(statistics.median(per_document) * 1000, 1),
        "sign_service_p95_ms": round(sorted(per_document)[int(0.95 * (n - 1))] * 1000, 1),
        "ratio_sign_to_bare": round(sign_s / bare_s, 2),
        "ratio_sign_to_render_plus_bare": round(sign_s / (render_s + bare_s), 2),
    }
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
