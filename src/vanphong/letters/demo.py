"""The demo's citizens' letters, written through the services (so each is audited):
forty letters to Thành ủy Ngọc Sơn over the last four months, of every kind and
state, by post, through the website and in person. The văn thư (`vanthu`) registers
them, the Chief of Office (`chanhvp`) classifies, groups duplicates and forwards them
to the competent units with the legal deadlines, and the units' replies are recorded;
some are overdue, one was answered late, anonymous ones follow the office's rule. One
denunciation names its denouncer (Đặng Văn Chính), whom `vanthu` cannot see and
`chanhvp` and `bithu` can, on request. Two reception days: one held by the Secretary
with its record, one coming, in the weekly schedule.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from vanphong.core.models import Organization, Person
from vanphong.letters import services
from vanphong.letters.models import Channel, Letter, LetterKind, ReceptionSession

SEED = 2027
INSTRUCTION = "Đề nghị xem xét, giải quyết theo thẩm quyền và báo cáo kết quả về Văn phòng Thành ủy."
DECISION = "Giao Ban Nội chính Thành ủy phối hợp UBND thành phố kiểm tra, trả lời công dân trong 30 ngày."
DENOUNCER = "Đặng Văn Chính"

SENDERS = [
    ("Nguyễn Văn Hùng", "0912 408 315", "Tổ 3, phường Hòa Bình"),
    ("Trần Thị Lan", "0983 221 764", "Thôn Đông Sơn, xã Ngọc Lâm"),
    ("Lê Văn Tám", "0905 663 120", "Số 12 đường Lê Lợi, phường Trung Tâm"),
    ("Phạm Thị Thu Hà", "thuha.pham@gmail.com", "Khu phố 4, phường Bình Minh"),
    ("Hoàng Văn Nam", "0936 115 907", "Xóm Trại, xã Ngọc Sơn"),
    ("Vũ Thị Mai", "0978 340 662", "Tổ 9, phường Hòa Bình"),
    ("Đỗ Văn Quang", "0911 207 458", "Thôn Bắc, xã Tân Lập"),
    ("Bùi Thị Hồng", "hongbui1962@yahoo.com", "Số 45 đường Trần Phú, phường Trung Tâm"),
    ("Ngô Văn Lực", "0868 552 019", "Tổ 1, phường Đông Hải"),
    ("Dương Thị Nga", "0945 778 203", "Thôn Nam, xã Ngọc Lâm"),
    ("Phan Văn Đức", "0917 604 881", "Khu tập thể Dệt, phường Bình Minh"),
    ("Lý Thị Thanh", "0398 210 556", "Xóm Mới, xã Tân Lập"),
]

# kind, subject, content
COMPLAINTS = [
    (
        "Khiếu nại quyết định thu hồi đất làm đường vành đai",
        "Gia đình tôi không đồng ý với đơn giá bồi thường đất nông nghiệp theo Quyết định thu hồi đất; "
        "đề nghị xem xét lại giá đất và hỗ trợ chuyển đổi nghề.",
    ),
    (
        "Khiếu nại việc không cấp giấy chứng nhận quyền sử dụng đất",
        "Hồ sơ đề nghị cấp giấy chứng nhận của gia đình nộp từ năm 2024 đến nay chưa được giải quyết, "
        "cán bộ tiếp nhận trả lời không rõ lý do.",
    ),
    (
        "Khiếu nại quyết định xử phạt vi phạm hành chính về xây dựng",
        "Công trình nhà ở của tôi đã có giấy phép nhưng vẫn bị lập biên bản, xử phạt; "
        "đề nghị hủy quyết định.",
    ),
    (
        "Khiếu nại việc cắt chế độ trợ cấp người có công",
        "Mẹ tôi là thân nhân liệt sĩ, từ tháng 7 bị dừng chi trả trợ cấp mà không có thông báo.",
    ),
    (
        "Khiếu nại kết quả xét tuyển viên chức giáo dục",
        "Điểm ưu tiên của tôi không được cộng theo quy định; đề nghị phúc khảo và công bố lại kết quả.",
    ),
]
DENUNCIATIONS = [
    (
        "Tố cáo cán bộ địa chính xã nhận tiền khi làm thủ tục đất đai",
        "Cán bộ địa chính xã Ngọc Lâm yêu cầu gia đình tôi nộp 30 triệu đồng ngoài quy định để được làm "
        "thủ tục tách thửa; tôi có ghi âm cuộc nói chuyện và giấy biên nhận viết tay.",
    ),
    (
        "Tố cáo trưởng thôn sử dụng sai quỹ xây dựng nhà văn hóa",
        "Số tiền nhân dân đóng góp xây nhà văn hóa thôn không được công khai, "
        "nhiều khoản chi không có chứng từ.",
    ),
    (
        "Tố cáo doanh nghiệp khai thác cát trái phép trên sông",
        "Hằng đêm có tàu hút cát hoạt động ngoài khu vực được cấp phép, gây sạt lở bờ sông.",
    ),
]
PETITIONS = [
    (
        "Kiến nghị sửa chữa tuyến đường liên thôn xuống cấp",
        "Tuyến đường liên thôn Đông Sơn – Bắc Sơn hư hỏng nặng, nhiều ổ gà, học sinh đi lại nguy hiểm.",
    ),
    (
        "Kiến nghị bố trí đèn chiếu sáng khu dân cư mới",
        "Khu dân cư mới phường Bình Minh chưa có đèn đường, tình hình trộm cắp tăng.",
    ),
    (
        "Kiến nghị đầu tư trường mầm non cho xã Tân Lập",
        "Xã chỉ có một điểm trường mầm non, nhiều cháu phải gửi sang xã bên.",
    ),
    (
        "Kiến nghị công khai quy hoạch khu đô thị phía Đông",
        "Người dân chưa được lấy ý kiến và chưa được biết ranh giới quy hoạch ảnh hưởng đến nhà ở.",
    ),
    (
        "Kiến nghị hỗ trợ hộ nghèo sửa chữa nhà sau bão",
        "Cơn bão số 3 làm tốc mái nhiều nhà của hộ nghèo trong thôn, đề nghị hỗ trợ kinh phí.",
    ),
    (
        "Kiến nghị tăng chuyến xe buýt tuyến trung tâm – Ngọc Lâm",
        "Tuyến xe buýt chỉ chạy 6 chuyến mỗi ngày, không đáp ứng nhu cầu của công nhân và học sinh.",
    ),
]
FEEDBACK = [
    (
        "Phản ánh tiếng ồn công trình thi công ban đêm",
        "Công trình xây dựng trên đường Lê Lợi thi công đến 1–2 giờ sáng, ảnh hưởng sinh hoạt của người dân.",
    ),
    (
        "Phản ánh ô nhiễm khói bụi từ lò gạch thủ công",
        "Các lò gạch thủ công ở xóm Trại vẫn hoạt động, khói bụi ảnh hưởng sức khỏe người dân.",
    ),
    (
        "Phản ánh thái độ phục vụ tại bộ phận một cửa phường",
        "Cán bộ tiếp nhận hồ sơ có thái độ thiếu tôn trọng, hẹn trả kết quả nhiều lần không đúng hẹn.",
    ),
    (
        "Phản ánh rác thải tồn đọng tại chợ Trung Tâm",
        "Rác thải tại khu vực chợ không được thu gom hằng ngày, bốc mùi hôi thối.",
    ),
    (
        "Phản ánh tình trạng lấn chiếm vỉa hè kinh doanh",
        "Nhiều hộ kinh doanh lấn chiếm toàn bộ vỉa hè đường Trần Phú, người đi bộ phải đi xuống lòng đường.",
    ),
]

UNIT_NAMES = {
    LetterKind.COMPLAINT: ["Ban Nội chính Thành ủy"],
    LetterKind.DENUNCIATION: ["Ủy ban Kiểm tra Thành ủy"],
    LetterKind.PETITION: ["Ban Tuyên giáo và Dân vận Thành ủy", "Ban Nội chính Thành ủy"],
    LetterKind.FEEDBACK: ["Ban Tuyên giáo và Dân vận Thành ủy"],
}


def _units(city: Organization) -> dict[str, list[Organization]]:
    below = Organization.objects.filter(
        path__startswith=city.path, depth=city.depth + 1, closed_on__isnull=True, kind__is_office=False
    ).order_by("path")
    fallback = list(below[:3]) or [city]
    found: dict[str, list[Organization]] = {}
    for kind, names in UNIT_NAMES.items():
        found[kind] = list(below.filter(name__in=names)) or fallback
    return found


def _counts(city: Organization) -> dict[str, int]:
    return {
        "letters": Letter.objects.filter(organization=city).count(),
        "reception_sessions": ReceptionSession.objects.filter(organization=city).count(),
    }


def load_demo(*, city: Organization, out: Callable[[str], None]) -> dict[str, int]:
    people = {
        p.username: p
        for p in Person.objects.filter(username__in=["vanthu", "chanhvp", "chuyenvien", "bithu", "phobithu"])
    }
    clerk, chief = people.get("vanthu"), people.get("chanhvp")
    if clerk is None or chief is None:
        return {}
    if Letter.objects.filter(organization=city).exists():
        return _counts(city)
    out("Thêm đơn thư của công dân và lịch tiếp công dân…")
    rng = random.Random(SEED)
    today = timezone.localdate()
    handler = people.get("chuyenvien")
    units = _units(city)
    with transaction.atomic():
        services.rules_update(actor=None, organization=city, receives_public_form=True)
        plan: list[tuple[LetterKind, tuple[str, str]]] = (
            [(LetterKind.COMPLAINT, item) for item in COMPLAINTS * 2]
            + [(LetterKind.DENUNCIATION, item) for item in DENUNCIATIONS[1:] * 2]
            + [(LetterKind.PETITION, item) for item in PETITIONS * 2]
            + [(LetterKind.FEEDBACK, item) for item in FEEDBACK * 2]
        )
        rng.shuffle(plan)
        plan = plan[:34]
        letters: list[Letter] = []
        for n, (kind, (subject, content)) in enumerate(plan):
            received = today - dt.timedelta(days=rng.randint(3, 120))
            name, contact, address = SENDERS[n % len(SENDERS)]
            anonymous = (kind == LetterKind.DENUNCIATION and n % 3 == 0) or (
                kind == LetterKind.COMPLAINT and n % 11 == 0
            )
            letters.append(
                services.letter_register(
                    actor=clerk,
                    organization=city,
                    channel=Channel.IN_PERSON if n % 5 == 0 and not anonymous else Channel.POST,
                    kind=kind,
                    received_on=received,
                    subject=subject,
                    content=content,
                    sender_name="" if anonymous else name,
                    sender_contact="" if anonymous else contact,
                    sender_address="" if anonymous else address,
                    anonymous=anonymous,
                    has_evidence=anonymous and n % 2 == 0,
                )
            )
        # The denunciation with a named denouncer, registered from a paper letter.
        subject, content = DENUNCIATIONS[0]
        named = services.letter_register(
            actor=clerk,
            organization=city,
            channel=Channel.POST,
            kind=LetterKind.DENUNCIATION,
            received_on=today - dt.timedelta(days=12),
            subject=subject,
            content=content,
            sender_name=DENOUNCER,
            sender_contact="0914 326 588",
            sender_address="Thôn Nam, xã Ngọc Lâm",
            has_evidence=True,
        )
        # Letters through the website: three still unclassified.
        web = [
            services.letter_receive_from_form(
                name=SENDERS[i][0], contact=SENDERS[i][1], subject=FEEDBACK[i][0], content=FEEDBACK[i][1]
            )
            for i in range(5)
        ]
        services.letter_classify(actor=chief, letter=web[0], kind=LetterKind.FEEDBACK)
        services.letter_classify(actor=chief, letter=web[1], kind=LetterKind.FEEDBACK)
        # Duplicates: a letter sent again is grouped under the first.
        by_subject: dict[str, Letter] = {}
        for letter in sorted(letters, key=lambda x: (x.received_on, x.pk)):
            first = by_subject.get(letter.subject)
            if first is None:
                by_subject[letter.subject] = letter
            elif letter.state == "received" and first.state == "received" and len(first.subject) % 3 == 0:
                services.letter_mark_duplicate(actor=chief, letter=letter, original=first)
        original = by_subject.get(web[0].subject)
        if original is not None:
            services.letter_mark_duplicate(actor=chief, letter=web[0], original=original)
        # Forwarding and replies.
        pending = Letter.objects.filter(
            pk__in=[x.pk for x in letters], state="received", duplicate_of__isnull=True
        ).order_by("received_on", "pk")
        for m, letter in enumerate(pending):
            age = (today - letter.received_on).days
            if age < 8 and m % 2:
                continue  # still being considered
            forwarded_on = letter.received_on + dt.timedelta(days=min(age, rng.randint(1, 6)))
            letter = services.letter_forward(
                actor=chief,
                letter=letter,
                unit=rng.choice(units[letter.kind]),
                handler=handler if m % 4 == 0 else None,
                instruction=INSTRUCTION,
                complex_case=m % 7 == 0,
                forwarded_on=forwarded_on,
            )
            assert letter.deadline is not None
            if m % 3 != 2 and letter.deadline - dt.timedelta(days=5) < today:
                late = m % 10 == 0
                replied_on = (
                    letter.deadline + dt.timedelta(days=4) if late else letter.deadline - dt.timedelta(days=5)
                )
                replied_on = min(max(replied_on, forwarded_on), today)
                services.letter_reply(
                    actor=chief,
                    letter=letter,
                    reply="Đơn vị đã kiểm tra, xác minh và có văn bản trả lời công dân; nội dung kiến nghị "
                    "được tiếp thu, giải quyết theo quy định.",
                    replied_on=replied_on,
                )
        services.letter_forward(
            actor=chief,
            letter=named,
            unit=units[LetterKind.DENUNCIATION][0],
            handler=handler,
            instruction="Chuyển Ủy ban Kiểm tra xác minh; giữ bí mật danh tính người tố cáo.",
            forwarded_on=today - dt.timedelta(days=10),
        )
        # Reception days.
        leader = people.get("bithu")
        if leader is not None:
            held = services.session_schedule(
                actor=chief,
                organization=city,
                leader=leader,
                day=today - dt.timedelta(days=(today.weekday() - 3) % 7 + 14),
                starts_at=dt.time(8, 0),
                place="Trụ sở Tiếp công dân thành phố, số 2 đường Lê Lợi",
            )
            in_person = [x for x in letters if x.channel == Channel.IN_PERSON][:2]
            services.visit_record(
                actor=chief,
                session=held,
                visitor=in_person[0].sender_name if in_person else "Nguyễn Văn Hùng",
                about=in_person[0].subject if in_person else "Kiến nghị về đường liên thôn",
                decision=DECISION,
                letters=in_person[:1],
            )
            services.visit_record(
                actor=chief,
                session=held,
                visitor=DENOUNCER,
                about="Bổ sung tài liệu cho đơn tố cáo cán bộ địa chính xã Ngọc Lâm.",
                decision="Tiếp nhận tài liệu, chuyển Ủy ban Kiểm tra Thành ủy; giữ bí mật người tố cáo.",
                letters=[named],
            )
            services.session_record(
                actor=chief,
                session=held,
                state="held",
                summary="Đồng chí Bí thư Thành ủy tiếp 2 lượt công dân; các nội dung đã được giao xử lý.",
            )
        deputy = people.get("phobithu") or leader
        if deputy is not None:
            services.session_schedule(
                actor=chief,
                organization=city,
                leader=deputy,
                day=today + dt.timedelta(days=(3 - today.weekday()) % 7 + 7),
                starts_at=dt.time(8, 0),
                place="Trụ sở Tiếp công dân thành phố, số 2 đường Lê Lợi",
                add_to_schedule=True,
            )
    counts = _counts(city)
    out(f"  {counts['letters']} đơn thư, {counts['reception_sessions']} buổi tiếp công dân.")
    return counts
