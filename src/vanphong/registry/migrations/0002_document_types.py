"""Document types under Quy định 399-QĐ/TW with the abbreviations of DOMAIN.md §2.

Data: an administrator edits names and abbreviations (several are marked "verify"
in DOMAIN.md and differ between localities)."""

from django.db import migrations

TYPES = [
    # code, name, abbreviation
    ("cuong-linh", "Cương lĩnh", "CL"),
    ("dieu-le", "Điều lệ", "ĐL"),
    ("chien-luoc", "Chiến lược", "CL"),
    ("nghi-quyet", "Nghị quyết", "NQ"),
    ("quyet-dinh", "Quyết định", "QĐ"),
    ("chi-thi", "Chỉ thị", "CT"),
    ("ket-luan", "Kết luận", "KL"),
    ("quy-che", "Quy chế", "QC"),
    ("quy-dinh", "Quy định", "QĐ"),
    ("thong-tri", "Thông tri", "TT"),
    ("huong-dan", "Hướng dẫn", "HD"),
    ("thong-bao", "Thông báo", "TB"),
    ("thong-cao", "Thông cáo", "TC"),
    ("tuyen-bo", "Tuyên bố", "TBo"),
    ("loi-keu-goi", "Lời kêu gọi", "LKG"),
    ("bao-cao", "Báo cáo", "BC"),
    ("ke-hoach", "Kế hoạch", "KH"),
    ("quy-hoach", "Quy hoạch", "QH"),
    ("chuong-trinh", "Chương trình", "CTr"),
    ("de-an", "Đề án", "ĐA"),
    ("phuong-an", "Phương án", "PA"),
    ("du-an", "Dự án", "DA"),
    ("to-trinh", "Tờ trình", "TTr"),
    ("cong-van", "Công văn", "CV"),
    ("bien-ban", "Biên bản", "BB"),
    ("giay-gioi-thieu", "Giấy giới thiệu", "GGT"),
    ("giay-chung-nhan", "Giấy chứng nhận", "GCN"),
    ("giay-di-duong", "Giấy đi đường", "GĐĐ"),
    ("giay-nghi-phep", "Giấy nghỉ phép", "GNP"),
    ("giay-moi", "Giấy mời", "GM"),
    ("phieu-chuyen", "Phiếu chuyển", "PC"),
    ("phieu-gui", "Phiếu gửi", "PG"),
    ("thu-cong", "Thư công", "TC"),
    ("ban-sao", "Bản sao", "BS"),
]


def add_types(apps, schema_editor):
    DocumentType = apps.get_model("registry", "DocumentType")
    for order, (code, name, abbreviation) in enumerate(TYPES, start=1):
        DocumentType.objects.update_or_create(
            code=code, defaults={"name": name, "abbreviation": abbreviation, "order": order * 10}
        )


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(add_types, migrations.RunPython.noop)]
