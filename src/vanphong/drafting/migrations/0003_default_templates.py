"""How drafts of the usual types start (36-HD/VPTW practice). Data: an administrator
edits them in the administration pages, as practice differs between localities."""

from django.db import migrations


def _p(*paragraphs):
    return "".join(f"<p>{text}</p>" for text in paragraphs)


TEMPLATES = [
    # code, body, signature form, on behalf of, signer's title
    (
        "cong-van",
        _p("Kính gửi: …", "Thực hiện …, Ban Thường vụ Thành ủy đề nghị …"),
        "T/M",
        "Ban Thường vụ",
        "Bí thư",
    ),
    (
        "nghi-quyet",
        "<h3>I. TÌNH HÌNH VÀ NGUYÊN NHÂN</h3><p>…</p><h3>II. QUAN ĐIỂM, MỤC TIÊU</h3><p>…</p>"
        "<h3>III. NHIỆM VỤ, GIẢI PHÁP</h3><p>…</p><h3>IV. TỔ CHỨC THỰC HIỆN</h3><p>…</p>",
        "T/M",
        "Thành ủy",
        "Bí thư",
    ),
    (
        "chi-thi",
        _p(
            "…",
            "Để …, Ban Thường vụ Thành ủy yêu cầu các cấp ủy, tổ chức đảng thực hiện tốt các nội dung sau:",
            "1. …",
            "2. …",
            "Chỉ thị này được phổ biến đến chi bộ.",
        ),
        "T/M",
        "Ban Thường vụ",
        "Bí thư",
    ),
    (
        "ket-luan",
        _p("Ngày …, Ban Thường vụ Thành ủy họp …. Ban Thường vụ Thành ủy kết luận:", "1. …", "2. …"),
        "T/M",
        "Ban Thường vụ",
        "Bí thư",
    ),
    (
        "thong-bao",
        _p("Ngày …, Ban Thường vụ Thành ủy …", "Ban Thường vụ Thành ủy thông báo …"),
        "T/L",
        "Ban Thường vụ",
        "Chánh Văn phòng",
    ),
    (
        "ke-hoach",
        "<h3>I. MỤC ĐÍCH, YÊU CẦU</h3><p>…</p><h3>II. NỘI DUNG</h3><p>…</p>"
        "<h3>III. TỔ CHỨC THỰC HIỆN</h3><p>…</p>",
        "T/M",
        "Ban Thường vụ",
        "Phó Bí thư",
    ),
    (
        "bao-cao",
        "<h3>I. KẾT QUẢ THỰC HIỆN</h3><p>…</p><h3>II. HẠN CHẾ, NGUYÊN NHÂN</h3><p>…</p>"
        "<h3>III. PHƯƠNG HƯỚNG, NHIỆM VỤ</h3><p>…</p>",
        "T/M",
        "Ban Thường vụ",
        "Bí thư",
    ),
    (
        "to-trinh",
        _p("Kính gửi: Ban Thường vụ Thành ủy.", "Căn cứ …", "Văn phòng Thành ủy kính trình …"),
        "own",
        "",
        "Chánh Văn phòng",
    ),
    (
        "quyet-dinh",
        _p("- Căn cứ Điều lệ Đảng;", "- Căn cứ …,", "QUYẾT ĐỊNH", "Điều 1. …", "Điều 2. …"),
        "T/M",
        "Ban Thường vụ",
        "Bí thư",
    ),
]


def add(apps, schema_editor):
    DocumentType = apps.get_model("registry", "DocumentType")
    DraftTemplate = apps.get_model("drafting", "DraftTemplate")
    for code, body, form, on_behalf_of, title in TEMPLATES:
        document_type = DocumentType.objects.filter(code=code).first()
        if document_type is not None:
            DraftTemplate.objects.get_or_create(
                document_type=document_type,
                defaults={
                    "body_html": body,
                    "signature_form": form,
                    "on_behalf_of": on_behalf_of,
                    "signer_title": title,
                },
            )


class Migration(migrations.Migration):
    dependencies = [("drafting", "0002_draft_templates"), ("registry", "0002_document_types")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
