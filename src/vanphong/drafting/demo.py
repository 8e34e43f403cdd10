"""The demo's drafts, written through the drafting services as the office would:
one waiting for the Chief of Office's review, one returned for revision and
revised, one approved and waiting for the Secretary's signature. Their recipients
include the grassroots committee whose clerk is a demo login, so a document signed
in the demo arrives where one can see it."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

from vanphong.core.demo import BLOC_NAME, LOGIN_GRASSROOTS
from vanphong.core.models import Organization, Person
from vanphong.drafting import selectors, services
from vanphong.drafting.models import Draft, SignatureForm
from vanphong.registry.models import DocumentType

PLACE = "Ngọc Sơn"


def _people() -> dict[str, Person]:
    usernames = ["chuyenvien", "chanhvp", "bithu", "phobithu"]
    return {person.username: person for person in Person.objects.filter(username__in=usernames)}


def _body(*paragraphs: str) -> str:
    return "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)


def load_demo(*, city: Organization, out: Callable[[str], None]) -> dict[str, int]:
    people = _people()
    if len(people) < 4 or Draft.objects.filter(organization=city).exists():
        return {"drafts": Draft.objects.filter(organization=city).count()}
    specialist, chief, secretary, deputy = (
        people[name] for name in ("chuyenvien", "chanhvp", "bithu", "phobithu")
    )
    types = {t.code: t for t in DocumentType.objects.all()}
    # The bloc committee, and the grassroots committee whose clerk is a demo login
    # (vanthu.coso), so that a document signed in the demo arrives where one can see it.
    recipients = list(selectors.recipient_choices(city).filter(name__in=[BLOC_NAME, LOGIN_GRASSROOTS]))
    with transaction.atomic():

        def draft(
            type_code: str, abstract: str, body: str, signer: Person, title: str, **extra: object
        ) -> Draft:
            return services.draft_create(
                actor=specialist,
                organization=city,
                document_type=types[type_code],
                abstract=abstract,
                place=PLACE,
                body_html=body,
                signature_form=extra.pop("form", SignatureForm.ON_BEHALF),  # type: ignore[arg-type]
                on_behalf_of=str(extra.pop("on_behalf_of", "Ban Thường vụ")),
                signer=signer,
                signer_title=title,
                internal_recipients=recipients,
                external_recipients="Các đồng chí Thành ủy viên",
            )

        # 1. Waiting for the Chief of Office.
        waiting = draft(
            "cong-van",
            "V/v chuẩn bị báo cáo tổng kết công tác năm 2026 và phương hướng nhiệm vụ năm 2027",
            _body(
                "Thực hiện Quy chế làm việc của Thành ủy khóa XVII, để chuẩn bị Hội nghị Thành ủy tổng kết "
                "công tác năm 2026, Ban Thường vụ Thành ủy đề nghị các đảng ủy trực thuộc:",
                "1. Xây dựng báo cáo tổng kết công tác xây dựng Đảng và hệ thống chính trị năm 2026, "
                "phương hướng, nhiệm vụ năm 2027.",
                "2. Gửi báo cáo về Thành ủy (qua Văn phòng Thành ủy) trước ngày 10/12/2026.",
            ),
            secretary,
            "Bí thư",
        )
        services.draft_submit(
            actor=specialist, draft=waiting, reviewers=[chief], note="Kính trình đồng chí Chánh Văn phòng."
        )

        # 2. Returned, then revised into version 2.
        returned = draft(
            "ke-hoach",
            "Kế hoạch tổ chức Hội nghị Ban Chấp hành Đảng bộ thành phố lần thứ 12",
            _body(
                "I. MỤC ĐÍCH, YÊU CẦU",
                "Đánh giá kết quả thực hiện nhiệm vụ chính trị năm 2026; "
                "thống nhất mục tiêu, nhiệm vụ năm 2027.",
                "II. THỜI GIAN, ĐỊA ĐIỂM",
                "Hội nghị tổ chức trong 01 ngày, tại Hội trường Thành ủy.",
            ),
            deputy,
            "Phó Bí thư",
        )
        services.draft_submit(actor=specialist, draft=returned, reviewers=[chief])
        services.draft_return(
            actor=chief,
            draft=returned,
            comment="Bổ sung thành phần dự hội nghị và phân công chuẩn bị tài liệu.",
        )
        services.draft_update(
            actor=specialist,
            draft=returned,
            body_html=returned.body_html
            + _body(
                "III. THÀNH PHẦN",
                "Các đồng chí Thành ủy viên; lãnh đạo các ban, Văn phòng Thành ủy.",
                "IV. PHÂN CÔNG",
                "Văn phòng Thành ủy chủ trì chuẩn bị tài liệu, phục vụ hội nghị.",
            ),
        )

        # 3. Approved, waiting for the Secretary's signature.
        to_sign = draft(
            "thong-bao",
            "Thông báo kết luận của Ban Thường vụ Thành ủy về công tác chuyển đổi số năm 2026",
            _body(
                "Ngày 20/11/2026, Ban Thường vụ Thành ủy họp nghe báo cáo kết quả chuyển đổi số trong "
                "các cơ quan đảng. Ban Thường vụ Thành ủy kết luận:",
                "Các cơ quan đảng hoàn thành việc ký số, gửi, nhận văn bản không mật trên mạng trước "
                "ngày 31/12/2026.",
            ),
            secretary,
            "Bí thư",
        )
        services.draft_submit(actor=specialist, draft=to_sign, reviewers=[chief])
        services.draft_approve(actor=chief, draft=to_sign, comment="Đồng ý, kính trình đồng chí Bí thư ký.")
    out(f"Dự thảo văn bản mẫu: {Draft.objects.filter(organization=city).count()}.")
    return {"drafts": Draft.objects.filter(organization=city).count()}
