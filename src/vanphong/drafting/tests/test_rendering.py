"""An outgoing Party document rendered to PDF and DOCX in the layout of 36-HD/VPTW
(DOMAIN.md §3): where each element lands on the page, in which size, weight and
face, read back from the PDF with pdfplumber."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
from functools import cache
from typing import Any

import pdfplumber
import pytest
from django.utils import timezone
from docx import Document
from docx.shared import Pt

from vanphong.drafting import rendering
from vanphong.drafting.rendering import Layout, render_docx, render_pdf

MM = 72 / 25.4  # PDF points per millimetre
PAGE_W, PAGE_H = 210 * MM, 297 * MM

# --- Realistic documents of Thành ủy Hạ Long --------------------------------------------

CV_BODY = """
<p><strong>Kính gửi:</strong> Các đảng bộ, chi bộ trực thuộc Thành ủy.</p>
<p>Thực hiện Kế hoạch số 25-KH/TU ngày 15/01/2026 của Ban Thường vụ Thành ủy về triển khai
chuyển đổi số trong các cơ quan đảng năm 2026; để bảo đảm việc tiếp nhận, xử lý và phát hành
văn bản điện tử trên hệ thống thông tin của Đảng được thông suốt, an toàn, Ban Thường vụ Thành ủy
đề nghị các đảng bộ, chi bộ trực thuộc thực hiện tốt một số nội dung sau:</p>
<p><strong>1.</strong> Quán triệt đến toàn thể cán bộ, đảng viên về mục đích, yêu cầu của việc gửi,
nhận văn bản điện tử; văn bản điện tử được ký số theo quy định có giá trị pháp lý như văn bản
giấy. Tuyệt đối không soạn thảo, lưu trữ, truyền đưa thông tin, tài liệu có nội dung bí mật nhà
nước trên máy tính kết nối mạng Internet.</p>
<p><strong>2.</strong> Rà soát, kiện toàn bộ phận văn thư; phân công cán bộ theo dõi, tiếp nhận văn bản
đến hằng ngày, kịp thời báo cáo cấp ủy cho ý kiến chỉ đạo xử lý. Cụ thể:</p>
<ul>
<li>Hoàn thành việc cấp chứng thư số cho người đứng đầu cấp ủy và văn thư cơ quan trước ngày 31/3/2026;</li>
<li>Cập nhật danh sách địa chỉ nhận văn bản của đơn vị trên hệ thống, gửi về Văn phòng Thành ủy;</li>
<li>Thực hiện sao lưu dữ liệu định kỳ hằng tháng theo hướng dẫn của Văn phòng Thành ủy.</li>
</ul>
<p><strong>3.</strong> Tổng hợp tình hình thực hiện theo biểu sau, gửi về Thành ủy (qua Văn phòng Thành ủy)
trước ngày 15/4/2026:</p>
<table>
<thead><tr><th>TT</th><th>Nội dung</th><th>Số lượng</th><th>Ghi chú</th></tr></thead>
<tbody>
<tr><td>1</td><td>Văn bản đến đã tiếp nhận trên hệ thống</td><td>&nbsp;</td>
<td rowspan="2">Tính từ ngày 01/01/2026</td></tr>
<tr><td>2</td><td>Văn bản đi đã phát hành có ký số</td><td>&nbsp;</td></tr>
<tr><td>3</td><td colspan="3">Khó khăn, vướng mắc và kiến nghị, đề xuất (nếu có)</td></tr>
</tbody>
</table>
<p>Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, đề nghị phản ánh về Văn phòng Thành ủy
(qua Phòng Hành chính - Lưu trữ, điện thoại 0203.3825.123) để được hướng dẫn, giải quyết.</p>
<p>Ban Thường vụ Thành ủy đề nghị các đảng bộ, chi bộ trực thuộc quan tâm, chỉ đạo thực hiện
nghiêm túc, hiệu quả; kết quả thực hiện là một trong những tiêu chí đánh giá, xếp loại chất
lượng tổ chức đảng năm 2026.</p>
"""

NQ_BODY = """
<h2>I. TÌNH HÌNH VÀ NGUYÊN NHÂN</h2>
<p>Thời gian qua, công tác chuyển đổi số trong các cơ quan đảng của Thành phố đã đạt được những kết
quả quan trọng. Hệ thống thông tin điều hành tác nghiệp được triển khai đến 100% đảng bộ, chi bộ
trực thuộc; tỉ lệ văn bản đi được ký số và gửi trên môi trường mạng ngày càng tăng; Thường trực
Thành ủy chỉ đạo, điều hành thường xuyên trên môi trường số.</p>
<p>Tuy nhiên, <em>nhận thức của một bộ phận cán bộ, đảng viên</em> về chuyển đổi số còn hạn chế;
hạ tầng kỹ thuật ở một số cơ sở chưa đồng bộ; nguồn nhân lực công nghệ thông tin còn thiếu.</p>
<h2>II. MỤC TIÊU</h2>
<p>Đến năm 2030, xây dựng cơ quan đảng số của Thành phố vận hành thông suốt, an toàn, bảo mật;
phấn đấu đạt các chỉ tiêu chủ yếu sau:</p>
<table>
<thead><tr><th>TT</th><th>Chỉ tiêu</th><th>Năm 2026</th><th>Năm 2030</th></tr></thead>
<tbody>
<tr><td>1</td><td>Văn bản đi được ký số, gửi trên mạng (trừ văn bản mật)</td><td>90%</td><td>100%</td></tr>
<tr><td>2</td><td>Hồ sơ công việc được xử lý trên môi trường mạng</td><td>70%</td><td>95%</td></tr>
<tr><td>3</td><td>Cán bộ được bồi dưỡng kỹ năng số</td><td>80%</td><td>100%</td></tr>
</tbody>
</table>
<h2>III. NHIỆM VỤ VÀ GIẢI PHÁP</h2>
<p><strong>1. Nâng cao nhận thức, trách nhiệm của cấp ủy, tổ chức đảng.</strong> Cấp ủy các cấp
xác định chuyển đổi số là nhiệm vụ chính trị trọng tâm, thường xuyên; người đứng đầu trực tiếp
chỉ đạo và chịu trách nhiệm về kết quả thực hiện tại cơ quan, đơn vị mình.</p>
<p><strong>2. Hoàn thiện hạ tầng và nền tảng số.</strong> Tập trung thực hiện các nhiệm vụ:</p>
<ol>
<li>Nâng cấp mạng diện rộng của Đảng đến các đảng ủy xã, phường;</li>
<li>Triển khai phần mềm văn phòng số dùng chung, kết nối với hệ thống của Tỉnh ủy;</li>
<li>Số hóa tài liệu lưu trữ của Thành ủy giai đoạn 1990 - 2025.</li>
</ol>
<p><strong>3. Bảo đảm an toàn, an ninh thông tin.</strong> Thực hiện nghiêm các quy định về bảo vệ
bí mật nhà nước; không soạn thảo, lưu trữ tài liệu mật trên thiết bị kết nối Internet; kiểm tra,
đánh giá an toàn hệ thống thông tin định kỳ hằng năm.</p>
<h2>IV. TỔ CHỨC THỰC HIỆN</h2>
<p>1. Các đảng bộ, chi bộ trực thuộc tổ chức quán triệt Nghị quyết đến cán bộ, đảng viên; xây dựng
chương trình, kế hoạch thực hiện phù hợp với điều kiện của đơn vị.</p>
<p>2. Văn phòng Thành ủy chủ trì, phối hợp với các cơ quan liên quan tham mưu, hướng dẫn, theo dõi,
kiểm tra việc thực hiện; định kỳ báo cáo Ban Thường vụ Thành ủy.</p>
<p>Nghị quyết này được phổ biến đến chi bộ.</p>
"""


def cong_van(**changes: Any) -> Layout:
    layout = Layout(
        superior_body="Đảng bộ tỉnh Quảng Ninh",
        issuing_body="Thành ủy Hạ Long",
        type_abbreviation="CV",
        issuer_abbreviation="TU",
        number=12,
        place="Hạ Long",
        date=dt.date(2026, 2, 20),
        type_name="CÔNG VĂN",
        abstract="V/v triển khai gửi, nhận văn bản điện tử trong các cơ quan đảng",
        is_official_letter=True,
        secrecy_label="",
        urgency_label="",
        body_html=CV_BODY,
        signature_lines=["T/M BAN THƯỜNG VỤ", "PHÓ BÍ THƯ THƯỜNG TRỰC"],
        signer_name="Nguyễn Văn An",
        recipients=[
            "Thường trực Tỉnh ủy (để b/c),",
            "Văn phòng Tỉnh ủy,",
            "Như kính gửi,",
            "Các đồng chí Thành ủy viên,",
        ],
        keep_copy="Lưu Văn phòng Thành ủy.",
    )
    return dataclasses.replace(layout, **changes)


def nghi_quyet(**changes: Any) -> Layout:
    layout = cong_van(
        type_abbreviation="NQ",
        number=5,
        date=dt.date(2026, 3, 4),
        type_name="Nghị quyết",
        abstract="về đẩy mạnh chuyển đổi số trong các cơ quan đảng của Thành phố giai đoạn 2026 - 2030",
        is_official_letter=False,
        body_html=NQ_BODY,
        signature_lines=["T/M BAN THƯỜNG VỤ", "BÍ THƯ"],
        signer_name="Vũ Thị Thu Thủy",
        recipients=[
            "Ban Thường vụ Tỉnh ủy (để b/c),",
            "Các đảng bộ, chi bộ trực thuộc,",
            "Các đồng chí Thành ủy viên,",
        ],
    )
    return dataclasses.replace(layout, **changes)


# --- Reading a PDF back -----------------------------------------------------------------


@cache
def rendered(layout: Layout) -> rendering.RenderedPdf:
    return render_pdf(layout)


def _hashable(layout: Layout) -> Layout:
    # Layouts hold lists; the cache needs tuples.
    return dataclasses.replace(
        layout,
        signature_lines=tuple(layout.signature_lines),
        recipients=tuple(layout.recipients),
        extra_lines=tuple(layout.extra_lines),
        cosignature_lines=tuple(layout.cosignature_lines),
    )


def pdf_of(layout: Layout) -> rendering.RenderedPdf:
    return rendered(_hashable(layout))


def words(pdf: bytes, page: int = 0) -> list[dict[str, Any]]:
    """The words of a page, top-down, with size, font and colour of their first char."""
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return document.pages[page].extract_words(
            keep_blank_chars=False, extra_attrs=["size", "fontname", "non_stroking_color"]
        )


def page_count(pdf: bytes) -> int:
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return len(document.pages)


def line_of(page_words: list[dict[str, Any]], first: str, *more: str) -> list[dict[str, Any]]:
    """The consecutive words reading `first, *more` on one line."""
    wanted = [first, *more]
    for index in range(len(page_words)):
        run = page_words[index : index + len(wanted)]
        tops = [w["top"] for w in run]
        if [w["text"] for w in run] == wanted and max(tops) - min(tops) < 2:
            return run
    raise AssertionError(f"{' '.join(wanted)!r} not found in {[w['text'] for w in page_words]}")


def span(run: list[dict[str, Any]]) -> dict[str, float]:
    return {
        "x0": min(w["x0"] for w in run),
        "x1": max(w["x1"] for w in run),
        "top": min(w["top"] for w in run),
        "bottom": max(w["bottom"] for w in run),
    }


def centre(run: list[dict[str, Any]]) -> float:
    box = span(run)
    return (box["x0"] + box["x1"]) / 2


def is_bold(word: dict[str, Any]) -> bool:
    return "Bold" in word["fontname"]


def is_italic(word: dict[str, Any]) -> bool:
    return "Italic" in word["fontname"]


LEFT_EDGE = 35 * MM
RIGHT_EDGE = PAGE_W - 15 * MM
TEXT_CENTRE = (LEFT_EDGE + RIGHT_EDGE) / 2


# --- The header ---------------------------------------------------------------------


def test_header_columns_sizes_and_weights():
    page = words(pdf_of(cong_van()).data)
    party = line_of(page, "ĐẢNG", "CỘNG", "SẢN", "VIỆT", "NAM")
    superior = line_of(page, "ĐẢNG", "BỘ", "TỈNH", "QUẢNG", "NINH")
    issuer = line_of(page, "THÀNH", "ỦY", "HẠ", "LONG")
    number = line_of(page, "Số", "12-CV/TU")
    for run in (party, superior, issuer, number):
        assert span(run)["bottom"] < 60 * MM  # all in the top 60 mm
    # Left column: the superior body over the issuer, both upper, in the left half.
    for run in (superior, issuer, number):
        assert span(run)["x1"] < PAGE_W / 2 + 10 * MM
        assert span(run)["x0"] >= LEFT_EDGE - 1
    assert span(superior)["top"] < span(issuer)["top"] < span(number)["top"]
    assert abs(centre(superior) - centre(issuer)) < 2  # centred in one column
    assert all(round(w["size"]) == 14 and not is_bold(w) for w in superior)
    assert all(round(w["size"]) == 14 and is_bold(w) for w in issuer)
    assert all(round(w["size"]) == 14 and not is_bold(w) and not is_italic(w) for w in number)
    # Right column: the Party's name, first line, 15 bold.
    assert span(party)["x0"] > PAGE_W / 2 - 5 * MM
    assert span(party)["x1"] <= RIGHT_EDGE + 1
    assert abs(span(party)["top"] - span(superior)["top"]) < 3
    assert all(round(w["size"]) == 15 and is_bold(w) for w in party)


def test_asterisk_under_the_issuer():
    page = words(pdf_of(cong_van()).data)
    issuer = line_of(page, "THÀNH", "ỦY", "HẠ", "LONG")
    number = line_of(page, "Số", "12-CV/TU")
    (star,) = [w for w in page if w["text"] == "*"]
    assert span(issuer)["bottom"] <= star["top"] < span(number)["top"]
    assert abs((star["x0"] + star["x1"]) / 2 - centre(issuer)) < 2


def test_rule_under_the_party_line_as_long_as_it():
    pdf = pdf_of(cong_van()).data
    party = span(line_of(words(pdf), "ĐẢNG", "CỘNG", "SẢN", "VIỆT", "NAM"))
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        page = document.pages[0]
        rules = [
            edge
            for edge in page.edges
            if edge["orientation"] == "h" and party["bottom"] < edge["top"] < party["bottom"] + 4 * MM
        ]
    assert rules, "no rule under ĐẢNG CỘNG SẢN VIỆT NAM"
    rule = rules[0]
    assert abs(rule["x0"] - party["x0"]) < 2 and abs(rule["x1"] - party["x1"]) < 2


def test_place_and_date_italic_on_the_right_under_the_party_line():
    page = words(pdf_of(cong_van()).data)
    party = line_of(page, "ĐẢNG", "CỘNG", "SẢN", "VIỆT", "NAM")
    date = line_of(page, "Hạ", "Long,", "ngày", "20", "tháng", "02", "năm", "2026")
    assert all(is_italic(w) and round(w["size"]) == 14 for w in date)
    assert span(date)["top"] > span(party)["bottom"]
    assert span(date)["x0"] > PAGE_W / 2 - 5 * MM
    assert abs(centre(date) - centre(party)) < 2
    # Level with the number, as the paper forms have it.
    number = line_of(page, "Số", "12-CV/TU")
    assert abs(span(date)["bottom"] - span(number)["bottom"]) < 1.5


def test_number_below_ten_takes_a_leading_zero_and_day_month_two_digits():
    page = words(pdf_of(nghi_quyet(number=5, date=dt.date(2026, 3, 4))).data)
    line_of(page, "Số", "05-NQ/TU")
    line_of(page, "Hạ", "Long,", "ngày", "04", "tháng", "03", "năm", "2026")


def test_central_committee_has_no_superior_line():
    layout = cong_van(superior_body="", issuing_body="Ban Chấp hành Trung ương", issuer_abbreviation="TW")
    page = words(pdf_of(layout).data)
    issuer = line_of(page, "BAN", "CHẤP", "HÀNH", "TRUNG", "ƯƠNG")
    party = line_of(page, "ĐẢNG", "CỘNG", "SẢN", "VIỆT", "NAM")
    assert abs(span(issuer)["top"] - span(party)["top"]) < 3  # the first line
    assert "ĐẢNG BỘ" not in " ".join(w["text"] for w in page)


# --- Type name, abstract, công văn ------------------------------------------------------------


def test_type_name_centred_16_bold_and_abstract_bold_under_it():
    page = words(pdf_of(nghi_quyet()).data)
    type_name = line_of(page, "NGHỊ", "QUYẾT")
    assert all(round(w["size"]) == 16 and is_bold(w) for w in type_name)
    assert abs(centre(type_name) - TEXT_CENTRE) < 2
    date = line_of(page, "Hạ", "Long,", "ngày", "04", "tháng", "03", "năm", "2026")
    assert span(type_name)["top"] > span(date)["bottom"]
    abstract = line_of(page, "về", "đẩy", "mạnh")
    assert span(abstract)["top"] > span(type_name)["bottom"]
    assert all(round(w["size"]) == 14 and is_bold(w) for w in abstract)
    assert "V/v" not in [w["text"] for w in page]


def test_official_letter_prints_its_abstract_under_the_number_and_no_type_name():
    page = words(pdf_of(cong_van()).data)
    about = line_of(page, "V/v", "triển", "khai")
    number = line_of(page, "Số", "12-CV/TU")
    assert span(about)["top"] > span(number)["bottom"]
    assert span(about)["x1"] < PAGE_W / 2 + 10 * MM
    assert all(round(w["size"]) == 12 and is_italic(w) for w in about)
    texts = [w["text"] for w in page]
    assert "CÔNG" not in texts and "VĂN" not in texts


# --- Stamps and drafts ------------------------------------------------------------------


def test_secrecy_and_urgency_stamps_in_red_boxes_under_the_number():
    pdf = pdf_of(cong_van(secrecy_label="MẬT", urgency_label="THƯỢNG KHẨN")).data
    page = words(pdf)
    number = line_of(page, "Số", "12-CV/TU")
    about = line_of(page, "V/v", "triển", "khai")
    for run in (line_of(page, "MẬT"), line_of(page, "THƯỢNG", "KHẨN")):
        assert span(run)["top"] > span(about)["bottom"] > span(number)["bottom"]
        assert span(run)["x1"] < PAGE_W / 2
        for word in run:
            red, green, blue = word["non_stroking_color"]
            assert red > 0.8 and green < 0.2 and blue < 0.2
            assert is_bold(word)
    body = line_of(page, "Kính", "gửi:")
    assert body[0]["non_stroking_color"] in ((0,), (0, 0, 0), [0], [0, 0, 0], (0.0,))
    # Each in a red box (WeasyPrint fills a border as a band between two rectangles).
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        red = [
            r for r in document.pages[0].rects if r["fill"] and tuple(r["non_stroking_color"])[:1] > (0.8,)
        ]
    for run in (line_of(page, "MẬT"), line_of(page, "THƯỢNG", "KHẨN")):
        box = span(run)
        assert [
            r
            for r in red
            if r["x0"] < box["x0"] < box["x1"] < r["x1"]
            and r["top"] < box["top"] < box["bottom"] < r["bottom"]
        ]


def test_no_stamp_when_neither_secret_nor_urgent():
    pdf = pdf_of(cong_van()).data
    assert not [w for w in words(pdf) if w["non_stroking_color"] and w["non_stroking_color"][0] > 0.5]


def test_draft_prints_its_mark_and_gaps():
    today = timezone.localdate()
    pdf = pdf_of(cong_van(number=None, date=None, is_draft=True)).data
    page = words(pdf)
    mark = line_of(page, "DỰ", "THẢO")
    party = line_of(page, "ĐẢNG", "CỘNG", "SẢN", "VIỆT", "NAM")
    assert span(mark)["bottom"] < span(party)["top"]  # at the top
    assert all(is_bold(w) for w in mark)
    number = line_of(page, "Số", "-CV/TU")
    assert number[1]["x0"] - number[0]["x1"] > 10 * MM  # the gap for the number
    date = line_of(page, "Hạ", "Long,", "ngày", "tháng", "năm", str(today.year))
    assert date[3]["x0"] - date[2]["x1"] > 7 * MM
    assert date[4]["x0"] - date[3]["x1"] > 7 * MM


def test_issued_document_has_no_draft_mark():
    assert "DỰ" not in [w["text"] for w in words(pdf_of(cong_van()).data)]


# --- Body, font, pages -------------------------------------------------------------------


def test_only_liberation_serif_embedded_and_vietnamese_extracts_as_written():
    pdf = pdf_of(nghi_quyet(secrecy_label="TỐI MẬT", is_draft=True)).data
    fonts = set()
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        for page in document.pages:
            fonts |= {char["fontname"].split("+")[-1] for char in page.chars}
    # WeasyPrint names the subsets "Liberation-Serif", "Liberation-Serif-Bold"…
    fonts = {name.replace("-", "") for name in fonts}
    assert fonts and all(name.startswith("LiberationSerif") for name in fonts), fonts
    assert {"LiberationSerif", "LiberationSerifBold", "LiberationSerifItalic"} <= fonts
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        text = "\n".join(page.extract_text() for page in document.pages)
    for written in (
        "Thường",
        "Hạ Long",
        "bồi dưỡng",
        "Thủy",
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "xã, phường",
        "Tuy nhiên",
    ):
        assert written in text
    # Every word of the body came through: no glyph missing, no fallback face.
    assert "\ufffd" not in text


def test_body_is_justified_14_with_indented_paragraphs():
    page = words(pdf_of(nghi_quyet()).data)
    first = line_of(page, "Thời", "gian", "qua,")
    assert round(first[0]["size"]) == 14 and not is_bold(first[0])
    assert abs(first[0]["x0"] - (LEFT_EDGE + 10 * MM)) < 1  # first-line indent
    # A line in the paragraph's middle fills the column from edge to edge.
    rows: dict[int, list[dict[str, Any]]] = {}
    for word in page:
        if span([first[0]])["top"] < word["top"] < span([first[0]])["top"] + 30:
            rows.setdefault(round(word["top"]), []).append(word)
    second = min(rows.items())[1]
    assert abs(min(w["x0"] for w in second) - LEFT_EDGE) < 1
    assert abs(max(w["x1"] for w in second) - RIGHT_EDGE) < 1.5
    heading = line_of(page, "I.", "TÌNH", "HÌNH")
    assert all(is_bold(w) for w in heading)


def test_lists_and_tables():
    pdf = pdf_of(cong_van()).data
    text = "\n".join(" ".join(w["text"] for w in words(pdf, page)) for page in range(page_count(pdf)))
    assert "- Hoàn thành việc cấp chứng thư số" in text
    nq = pdf_of(nghi_quyet()).data
    nq_text = " ".join(" ".join(w["text"] for w in words(nq, p)) for p in range(page_count(nq)))
    assert "1. Nâng cấp mạng diện rộng" in nq_text and "3. Số hóa tài liệu" in nq_text
    cell = line_of(words(pdf), "Văn", "bản", "đến", "đã", "tiếp", "nhận")
    assert round(cell[0]["size"]) == 13
    header = line_of(words(pdf), "Nội", "dung")
    assert all(is_bold(w) for w in header)
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        tables = document.pages[0].find_tables()
    assert tables
    rows = tables[0].extract()
    assert rows[0] == ["TT", "Nội dung", "Số lượng", "Ghi chú"]
    assert rows[3][1].startswith("Khó khăn") and rows[3][2] is None  # colspan
    assert rows[1][3].startswith("Tính từ") and rows[2][3] is None  # rowspan


def test_body_markup_outside_the_allow_list_is_dropped_and_nothing_fetched():
    body = (
        '<p>Trước <img src="http://198.51.100.1/x.png"> sau</p><script>alert(1)</script>'
        '<p style="color:red" onclick="x()">Đoạn <a href="file:///etc/passwd">liên kết</a></p>'
        '<link rel="stylesheet" href="http://198.51.100.1/x.css">'
    )
    cleaned = rendering.clean_body(body)
    assert "img" not in cleaned and "script" not in cleaned and "style" not in cleaned
    assert "href" not in cleaned and "onclick" not in cleaned and "link" not in cleaned
    pdf = render_pdf(cong_van(body_html=body)).data
    text = " ".join(w["text"] for w in words(pdf))
    assert "Trước sau" in text and "Đoạn liên kết" in text and "alert" not in text
    with pytest.raises(ValueError, match="fetches nothing"):
        rendering._refuse_fetch("http://198.51.100.1/x.png")


LONG_BODY = NQ_BODY + NQ_BODY.replace("<h2>", "<h3>").replace("</h2>", "</h3>")


def test_long_body_flows_to_page_two_with_its_number_and_an_unbroken_signature_block():
    result = pdf_of(nghi_quyet(body_html=LONG_BODY))
    assert result.page_count == page_count(result.data) >= 2
    first = words(result.data, 0)
    assert not [w for w in first if w["top"] < 25 * MM]  # page 1 unnumbered
    for index in range(1, result.page_count):
        page = words(result.data, index)
        top = [w for w in page if w["top"] < 25 * MM]
        assert [w["text"] for w in top] == [str(index + 1)]
        assert abs((top[0]["x0"] + top[0]["x1"]) / 2 - TEXT_CENTRE) < 2
    last = words(result.data, result.page_count - 1)
    line_of(last, "T/M", "BAN", "THƯỜNG", "VỤ")
    line_of(last, "Vũ", "Thị", "Thu", "Thủy")
    line_of(last, "Nơi", "nhận:")
    line_of(last, "-", "Lưu", "Văn", "phòng", "Thành", "ủy.")
    assert result.signature_box[0] == result.page_count - 1
    # None of it on the page before.
    before = " ".join(w["text"] for w in words(result.data, result.page_count - 2))
    assert "Nơi nhận:" not in before and "T/M BAN" not in before


@pytest.mark.parametrize("paragraphs", range(14, 30))
def test_signature_block_never_split_whatever_the_length(paragraphs):
    body = "".join(
        f"<p>Đoạn {n}: nội dung công việc cần triển khai trong tháng tới.</p>" for n in range(paragraphs)
    )
    result = render_pdf(cong_van(body_html=body))
    last = words(result.data, result.page_count - 1)
    line_of(last, "Nơi", "nhận:")
    line_of(last, "-", "Lưu", "Văn", "phòng", "Thành", "ủy.")
    line_of(last, "T/M", "BAN", "THƯỜNG", "VỤ")
    line_of(last, "Nguyễn", "Văn", "An")
    assert result.signature_box[0] == result.page_count - 1
    # Some of the body goes with it: never a page of signatures alone.
    assert any(w["text"] == "Đoạn" for w in last)


# --- Recipients and signature ----------------------------------------------------------------


def test_signature_block_bottom_right_and_box_between_title_and_name():
    result = pdf_of(cong_van())
    page = words(result.data, result.signature_box[0])
    title = line_of(page, "T/M", "BAN", "THƯỜNG", "VỤ")
    office = line_of(page, "PHÓ", "BÍ", "THƯ", "THƯỜNG", "TRỰC")
    name = line_of(page, "Nguyễn", "Văn", "An")
    for run in (title, office, name):
        assert all(is_bold(w) and round(w["size"]) == 14 for w in run)
        assert span(run)["x0"] > PAGE_W / 2 - 10 * MM
    assert abs(centre(title) - centre(name)) < 2 and abs(centre(office) - centre(name)) < 2
    # The box, in PDF points from the bottom-left, converted to pdfplumber's top-down.
    _index, x1, y1, x2, y2 = result.signature_box
    assert x1 < x2 and y1 < y2
    assert abs((x2 - x1) - 60 * MM) < 1 and abs((y2 - y1) - 25 * MM) < 1
    box_top, box_bottom = PAGE_H - y2, PAGE_H - y1
    assert span(office)["bottom"] <= box_top + 1
    assert box_bottom <= span(name)["top"] + 1
    assert span(name)["top"] - box_bottom < 3 * MM
    assert abs((x1 + x2) / 2 - centre(name)) < 2
    # Nothing printed inside it.
    assert not [w for w in page if w["x1"] > x1 and w["x0"] < x2 and box_top < w["top"] < box_bottom]


def test_recipients_at_the_left_smaller_with_the_office_copy_last():
    result = pdf_of(cong_van())
    page = words(result.data, result.signature_box[0])
    label = line_of(page, "Nơi", "nhận:")
    title = line_of(page, "T/M", "BAN", "THƯỜNG", "VỤ")
    assert abs(span(label)["top"] - span(title)["top"]) < 3  # level with the signature
    assert abs(span(label)["x0"] - LEFT_EDGE) < 1
    first = line_of(page, "-", "Thường", "trực", "Tỉnh", "ủy", "(để", "b/c),")
    keep = line_of(page, "-", "Lưu", "Văn", "phòng", "Thành", "ủy.")
    assert span(label)["bottom"] < span(first)["top"] < span(keep)["top"]
    for run in (first, keep):
        assert all(round(w["size"]) == 12 for w in run)
        assert span(run)["x1"] < PAGE_W / 2
    assert all(round(w["size"]) == 14 for w in label)
    # "Nơi nhận:" underlined.
    with pdfplumber.open(io.BytesIO(result.data)) as document:
        lines = [
            e
            for e in document.pages[result.signature_box[0]].edges
            if e["orientation"] == "h" and span(label)["top"] < e["top"] < span(label)["bottom"] + 2
        ]
    assert any(abs(e["x0"] - span(label)["x0"]) < 1 and abs(e["x1"] - span(label)["x1"]) < 3 for e in lines)


def bien_ban(**changes: Any) -> Layout:
    """Minutes, signed by the chair on the right and the meeting's secretary on the left."""
    layout = cong_van(
        type_abbreviation="BB",
        type_name="BIÊN BẢN",
        abstract="Hội nghị Ban Thường vụ Thành ủy tháng 12 năm 2026",
        is_official_letter=False,
        body_html=NQ_BODY,
        signature_lines=["CHỦ TRÌ HỘI NGHỊ"],
        signer_name="Vũ Thị Thu Thủy",
        cosignature_lines=["THƯ KÝ HỘI NGHỊ"],
        cosigner_name="Đặng Văn Minh",
        recipients=["Các đồng chí dự họp,"],
    )
    return dataclasses.replace(layout, **changes)


def test_a_second_signature_on_the_left_level_with_the_signers_and_recipients_under():
    result = pdf_of(bien_ban())
    page = words(result.data, result.signature_box[0])
    chair_title = line_of(page, "CHỦ", "TRÌ", "HỘI", "NGHỊ")
    chair = line_of(page, "Vũ", "Thị", "Thu", "Thủy")
    clerk_title = line_of(page, "THƯ", "KÝ", "HỘI", "NGHỊ")
    clerk = line_of(page, "Đặng", "Văn", "Minh")
    for run in (chair_title, chair, clerk_title, clerk):
        assert all(is_bold(w) and round(w["size"]) == 14 for w in run)
    # Side by side: the secretary on the left half, the chair on the right, level.
    assert span(clerk)["x1"] < PAGE_W / 2 < span(chair)["x0"]
    assert abs(span(clerk_title)["top"] - span(chair_title)["top"]) < 2
    assert abs(span(clerk)["top"] - span(chair)["top"]) < 2
    # The stamp's box is still the chair's, between their title and name.
    _index, x1, y1, x2, y2 = result.signature_box
    assert abs((x1 + x2) / 2 - centre(chair)) < 2
    assert span(chair_title)["bottom"] <= PAGE_H - y2 + 1 and PAGE_H - y1 <= span(chair)["top"] + 1
    # The recipients under both.
    label = line_of(page, "Nơi", "nhận:")
    assert span(label)["top"] > span(clerk)["bottom"]
    # A title line more on the signer's side: the names stay level.
    two_lines = pdf_of(bien_ban(signature_lines=["T/M ĐOÀN CHỦ TỊCH", "CHỦ TRÌ HỘI NGHỊ"]))
    page = words(two_lines.data, two_lines.signature_box[0])
    assert (
        abs(
            span(line_of(page, "Đặng", "Văn", "Minh"))["top"]
            - span(line_of(page, "Vũ", "Thị", "Thu", "Thủy"))["top"]
        )
        < 2
    )


def test_docx_prints_the_second_signature_beside_the_signers():
    document = docx_of(bien_ban())
    closing = document.tables[-1]
    assert len(closing.rows) == 2
    left, right = (cell.text.split("\n") for cell in closing.rows[0].cells)
    assert [line for line in left if line] == ["THƯ KÝ HỘI NGHỊ", "Đặng Văn Minh"]
    assert [line for line in right if line] == ["CHỦ TRÌ HỘI NGHỊ", "Vũ Thị Thu Thủy"]
    under = closing.rows[1].cells[0].text
    assert "Nơi nhận:" in under and "- Các đồng chí dự họp," in under
    # Without one, one row as before.
    assert len(docx_of(cong_van()).tables[-1].rows) == 1


def test_recipient_lines_dash_and_keep_word():
    layout = cong_van(recipients=["- Văn phòng Tỉnh ủy,", "Như trên,", " "], keep_copy="Văn phòng Thành ủy.")
    assert rendering.recipient_lines(layout) == ["Văn phòng Tỉnh ủy,", "Như trên,", "Lưu Văn phòng Thành ủy."]
    assert rendering.recipient_lines(cong_van(keep_copy="")) == [
        "Thường trực Tỉnh ủy (để b/c),",
        "Văn phòng Tỉnh ủy,",
        "Như kính gửi,",
        "Các đồng chí Thành ủy viên,",
    ]


def test_html_escapes_the_texts():
    html = rendering.render_html(cong_van(signer_name="<b>An</b>", abstract="V/v a & b"))
    assert "&lt;b&gt;An&lt;/b&gt;" in html and "V/v a &amp; b" in html


# --- DOCX ----------------------------------------------------------------------------------


def docx_of(layout: Layout) -> Any:
    return Document(io.BytesIO(render_docx(layout)))


def all_paragraphs(document: Any) -> list[Any]:
    found = list(document.paragraphs)

    def walk(tables: list[Any]) -> None:
        for table in tables:
            for row in table.rows:
                for cell in row.cells:
                    found.extend(cell.paragraphs)
                    walk(cell.tables)

    walk(document.tables)
    return found


def paragraph(document: Any, text: str) -> Any:
    for p in all_paragraphs(document):
        if p.text == text:
            return p
    raise AssertionError(f"{text!r} not in {[p.text for p in all_paragraphs(document)]}")


def test_docx_page_font_and_header():
    document = docx_of(cong_van(secrecy_label="MẬT"))
    section = document.sections[0]
    # Word keeps lengths in twentieths of a point: a millimetre is not exact.
    assert [round(length.mm) for length in (section.page_width, section.page_height)] == [210, 297]
    assert [round(length.mm) for length in (section.top_margin, section.bottom_margin)] == [25, 25]
    assert [round(length.mm) for length in (section.left_margin, section.right_margin)] == [35, 15]
    normal = document.styles["Normal"]
    assert normal.font.name == "Times New Roman" and normal.font.size == Pt(14)
    # No theme font (Calibri) left in the defaults to win over it in Word.
    defaults = document.styles.element.xpath("w:docDefaults//w:rFonts")[0]
    assert not [name for name in defaults.attrib if "heme" in name]
    assert set(defaults.attrib.values()) == {"Times New Roman"}
    party = paragraph(document, "ĐẢNG CỘNG SẢN VIỆT NAM")
    assert party.runs[0].bold and party.runs[0].font.size == Pt(15)
    issuer = paragraph(document, "THÀNH ỦY HẠ LONG")
    assert issuer.runs[0].bold and issuer.runs[0].font.size == Pt(14)
    assert paragraph(document, "ĐẢNG BỘ TỈNH QUẢNG NINH").runs[0].bold is None
    paragraph(document, "*")
    paragraph(document, "Số 12-CV/TU")
    about = paragraph(document, "V/v triển khai gửi, nhận văn bản điện tử trong các cơ quan đảng")
    assert about.runs[0].italic and about.runs[0].font.size == Pt(12)
    date = paragraph(document, "Hạ Long, ngày 20 tháng 02 năm 2026")
    assert date.runs[0].italic
    stamp = paragraph(document, "MẬT").runs[0]
    assert stamp.bold and str(stamp.font.color.rgb) == "E00000"
    # The header's table has no borders.
    header = document.tables[0]
    assert header._tbl.xpath(".//w:tblBorders/w:top/@w:val") == ["nil"]
    assert "CÔNG VĂN" not in [p.text for p in all_paragraphs(document)]


def test_docx_body_runs_lists_tables_and_closing():
    document = docx_of(nghi_quyet())
    texts = [p.text for p in all_paragraphs(document)]
    assert paragraph(document, "NGHỊ QUYẾT").runs[0].font.size == Pt(16)
    abstract = paragraph(document, nghi_quyet().abstract)
    assert abstract.runs[0].bold
    heading = paragraph(document, "I. TÌNH HÌNH VÀ NGUYÊN NHÂN")
    assert heading.runs[0].bold
    mixed = next(p for p in document.paragraphs if p.text.startswith("Tuy nhiên,"))
    assert [r.italic for r in mixed.runs][:2] == [None, True]
    assert mixed.runs[1].text == "nhận thức của một bộ phận cán bộ, đảng viên"
    assert round(mixed.paragraph_format.first_line_indent.mm) == 10
    assert "1. Nâng cấp mạng diện rộng của Đảng đến các đảng ủy xã, phường;" in texts
    assert "3. Số hóa tài liệu lưu trữ của Thành ủy giai đoạn 1990 - 2025." in texts
    body_table = document.tables[1]
    assert [c.text for c in body_table.rows[0].cells] == ["TT", "Chỉ tiêu", "Năm 2026", "Năm 2030"]
    assert body_table.rows[0].cells[1].paragraphs[0].runs[0].bold
    assert body_table.rows[1].cells[2].paragraphs[0].runs[0].font.size == Pt(13)
    label = paragraph(document, "Nơi nhận:")
    assert label.runs[0].underline
    keep = paragraph(document, "- Lưu Văn phòng Thành ủy.")
    assert keep.runs[0].font.size == Pt(12)
    assert paragraph(document, "T/M BAN THƯỜNG VỤ").runs[0].bold
    assert paragraph(document, "Vũ Thị Thu Thủy").runs[0].bold
    # No paragraph left with doubled or edge spaces from the HTML's line breaks.
    assert not [t for t in texts if t != t.strip() or "  " in t]


def test_docx_merges_spanned_cells_and_keeps_the_draft_gaps():
    document = docx_of(cong_van(number=None, date=None, is_draft=True))
    year = timezone.localdate().year
    paragraph(document, "DỰ THẢO")
    assert any(re.fullmatch(r"Số {3,}-CV/TU", p.text) for p in all_paragraphs(document))
    assert any(
        re.fullmatch(rf"Hạ Long, ngày {{3,}} tháng {{3,}} năm {year}", p.text)
        for p in all_paragraphs(document)
    )
    table = document.tables[1]
    assert table.cell(3, 1).text == table.cell(3, 3).text  # colspan merged
    assert table.cell(3, 1)._tc is table.cell(3, 2)._tc
    assert table.cell(1, 3)._tc is table.cell(2, 3)._tc  # rowspan merged


def test_docx_is_valid_ooxml_order():
    """Word refuses a file whose properties are out of their schema order: the
    elements added by hand sit where the schema puts them."""
    document = docx_of(cong_van(secrecy_label="MẬT", is_draft=True))
    for table in document.tables:
        names = [child.tag.split("}")[1] for child in table._tbl.tblPr]
        if "tblLook" in names and "tblBorders" in names:
            assert names.index("tblBorders") < names.index("tblLook")
        if "tblLayout" in names and "tblBorders" in names:
            assert names.index("tblBorders") < names.index("tblLayout")
    for p in all_paragraphs(document):
        properties = p._p.pPr
        if properties is None:
            continue
        names = [child.tag.split("}")[1] for child in properties]
        if "pBdr" in names:
            for later in ("spacing", "ind", "jc"):
                if later in names:
                    assert names.index("pBdr") < names.index(later)
