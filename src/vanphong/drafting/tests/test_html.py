"""The drafts' body HTML: cleaned to what the renderer prints, and read as plain text.

No database: these are pure functions.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from vanphong.drafting.html import OUTPUT_TAGS, body_text, clean_body

# --- what comes out -------------------------------------------------------------------


class _Collect(HTMLParser):
    """Every tag with its attributes, and every comment or declaration, in some HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.other: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_comment(self, data):
        self.other.append(f"<!--{data}-->")

    def handle_decl(self, decl):
        self.other.append(decl)

    def handle_pi(self, data):
        self.other.append(data)

    def unknown_decl(self, data):
        self.other.append(data)


def tags_of(html: str) -> list[tuple[str, dict[str, str | None]]]:
    collector = _Collect()
    collector.feed(html)
    collector.close()
    assert collector.other == [], collector.other
    return collector.tags


ALIGN_VALUES = {"text-align: left;", "text-align: center;", "text-align: right;", "text-align: justify;"}


def assert_only_allowed_markup(html: str) -> None:
    for tag, attrs in tags_of(html):
        assert tag in OUTPUT_TAGS, (tag, html)
        for name, value in attrs.items():
            if name == "style":
                assert tag in {"p", "h2", "h3", "h4", "td", "th"}, (tag, html)
                assert value in ALIGN_VALUES, (value, html)
            else:
                assert tag in {"td", "th"} and name in {"colspan", "rowspan"}, (tag, name, html)
                assert value is not None and value.isdigit() and int(value) > 1, (value, html)


# --- XSS ------------------------------------------------------------------------------

XSS_VECTORS = [
    "<script>alert(1)</script><p>ok</p>",
    "<p>ok<script>alert(1)</script></p>",
    '<p onclick="alert(1)" onmouseover="alert(2)">ok</p>',
    '<img src="x" onerror="alert(1)"><p>ok</p>',
    '<p><a href="javascript:alert(1)">ok</a></p>',
    '<p><a href="jav&#x09;ascript:alert(1)">ok</a></p>',
    '<iframe src="javascript:alert(1)"></iframe><p>ok</p>',
    '<svg onload="alert(1)"><script>alert(2)</script></svg><p>ok</p>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>"
    "<p>ok</p>",
    '<object data="data:text/html,<script>alert(1)</script>"></object><p>ok</p>',
    '<embed src="javascript:alert(1)"><p>ok</p>',
    '<form action="javascript:alert(1)"><button>ok</button></form>',
    '<p style="background:url(javascript:alert(1)); text-align: center">ok</p>',
    '<p style="text-align: expression(alert(1))">ok</p>',
    '<td style="text-align:center;behavior:url(x.htc)">ok</td>',
    "<p><!--<script>alert(1)</script>-->ok</p>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">ok</p></noscript>',
    "<template><script>alert(1)</script></template><p>ok</p>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)"><p>ok</p>',
    '<base href="javascript:alert(1)//"><p>ok</p>',
    "<link rel=stylesheet href=//evil.example/x.css><p>ok</p>",
    '<p><input autofocus onfocus="alert(1)">ok</p>',
    '<details open ontoggle="alert(1)"><summary>ok</summary></details>',
    "<p>ok</p><style>p{background:url(//evil.example)}</style>",
    '<table background="javascript:alert(1)"><tr><td background="javascript:alert(1)">ok</td></tr></table>',
    "<p>&lt;script&gt;alert(1)&lt;/script&gt;ok</p>",
    "<scr<script>ipt>alert(1)</script><p>ok</p>",
    "<p>ok</p><textarea><script>alert(1)</script></textarea>",
    '<p data-x="1" id="a" class="b" title="c" lang="en" dir="rtl">ok</p>',
]


@pytest.mark.parametrize("vector", XSS_VECTORS)
def test_xss_vectors_come_out_as_harmless_text(vector):
    cleaned = clean_body(vector)
    assert_only_allowed_markup(cleaned)
    lowered = cleaned.lower()
    for needle in (
        "<script",
        "javascript:",
        "onerror",
        "onload",
        "onclick",
        "<img",
        "<iframe",
        "<svg",
        "url(",
    ):
        assert needle not in lowered, (needle, cleaned)
    assert "ok" in body_text(vector)


def test_markup_written_as_text_stays_text():
    assert clean_body("<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>") == (
        "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"
    )
    assert body_text("<p>&lt;b&gt; &amp; &lt;/b&gt;</p>") == "<b> & </b>"


# --- allowed markup -------------------------------------------------------------------


def test_the_markup_the_renderer_prints_is_kept_as_it_is():
    body = "\n".join(
        [
            "<h2>PHẦN I</h2>",
            "<h3>Kết quả</h3>",
            "<h4>1. Về chính trị</h4>",
            '<p style="text-align: center;">Căn cứ <strong>Điều lệ</strong> <em>Đảng</em>;<br>'
            "<u>Quy định</u> 24-QĐ/TW.</p>",
            "<ul><li>một<ul><li>một chấm một</li></ul></li><li><strong>hai</strong></li></ul>",
            "<ol><li>Điều 1</li><li><p>Điều 2</p></li></ol>",
            "<table><thead><tr><th>TT</th><th>Nội dung</th></tr></thead>"
            '<tbody><tr><td rowspan="2">1</td><td colspan="2" style="text-align: right;">a</td></tr>'
            "<tr><td></td><td>b</td></tr></tbody></table>",
        ]
    )
    assert clean_body(body) == body


@pytest.mark.parametrize(
    ("given_html", "expected"),
    [
        ("<p><b>đậm</b> <i>nghiêng</i></p>", "<p><strong>đậm</strong> <em>nghiêng</em></p>"),
        ("<h1>Tiêu đề</h1><h5>nhỏ</h5><h6>nhỏ hơn</h6>", "<h2>Tiêu đề</h2>\n<h4>nhỏ</h4>\n<h4>nhỏ hơn</h4>"),
        ('<div align="right">một</div><div>hai</div>', '<p style="text-align: right;">một</p>\n<p>hai</p>'),
        ("<div><p>a</p><p>b</p></div>", "<p>a</p>\n<p>b</p>"),
        ("<blockquote>trích</blockquote>", "<p>trích</p>"),
        ("văn bản <b>rời</b><p>đoạn</p>", "<p>văn bản <strong>rời</strong></p>\n<p>đoạn</p>"),
        ("<p>  nhiều    khoảng\n trắng  </p>", "<p>nhiều khoảng trắng</p>"),
        ("<p><strong><strong>hai lần</strong></strong></p>", "<p><strong>hai lần</strong></p>"),
        ("<p>a<br><br></p>", "<p>a</p>"),
        ("<p>a<hr>b</p>", "<p>a</p>\n<p>b</p>"),
        ("<pre>dòng 1\ndòng 2</pre>", "<p>dòng 1<br>dòng 2</p>"),
        (
            '<p style="text-align: start">a</p><p style="text-align:Justify">b</p>',
            ('<p>a</p>\n<p style="text-align: justify;">b</p>'),
        ),
        ("<ul><li>a</li><ul><li>a.1</li></ul></ul>", "<ul><li>a<ul><li>a.1</li></ul></li></ul>"),
        ("<ul><li>a</li><li>&nbsp;</li><li></li></ul><ol><li><br></li></ol>", "<ul><li>a</li></ul>"),
        (
            '<table><tr><td colspan="0">a</td><td colspan="x" rowspan="9999">b</td></tr></table>',
            ("<table><tbody><tr><td>a</td><td>b</td></tr></tbody></table>"),
        ),
        (
            "<table><caption>Bảng 1</caption><tr><td>a</td></tr><tfoot><tr><td>Σ</td></tr></tfoot></table>",
            ("<p>Bảng 1</p>\n<table><tbody><tr><td>a</td></tr><tr><td>Σ</td></tr></tbody></table>"),
        ),
        (
            "<table><tr><td>&nbsp;</td><td><p><br></p></td></tr></table>",
            ("<table><tbody><tr><td></td><td></td></tr></tbody></table>"),
        ),
        ("<table></table><table><tr></tr></table>", ""),
    ],
)
def test_the_body_is_given_its_shape(given_html, expected):
    assert clean_body(given_html) == expected


@pytest.mark.parametrize(
    "empty",
    [
        "",
        "   ",
        "\n\n",
        "<p></p>",
        "<p>&nbsp;</p>",
        "<p><br></p>",
        "<p> <strong> </strong> </p>",
        "<h2>\xa0</h2>",
    ],
)
def test_empty_paragraphs_are_dropped(empty):
    assert clean_body(empty) == ""
    assert clean_body(f"<p>a</p>{empty}<p>b</p>") == "<p>a</p>\n<p>b</p>"


def test_plain_text_from_the_bare_textarea_becomes_paragraphs():
    typed = "Căn cứ Điều lệ Đảng;\r\n\r\n   Xét đề nghị của Văn phòng & các ban <2>,\nQUYẾT ĐỊNH:\n"
    assert clean_body(typed) == (
        "<p>Căn cứ Điều lệ Đảng;</p>\n"
        "<p>Xét đề nghị của Văn phòng &amp; các ban &lt;2&gt;,</p>\n"
        "<p>QUYẾT ĐỊNH:</p>"
    )


# --- paste from Word --------------------------------------------------------------------

WORD_PASTE = """<html xmlns:o="urn:schemas-microsoft-com:office:office"
xmlns:w="urn:schemas-microsoft-com:office:word" xmlns="http://www.w3.org/TR/REC-html40">
<head><meta http-equiv=Content-Type content="text/html; charset=utf-8">
<meta name=Generator content="Microsoft Word 15"><title>Báo cáo</title>
<!--[if gte mso 9]><xml><w:WordDocument><w:View>Normal</w:View></w:WordDocument></xml><![endif]-->
<style><!-- p.MsoNormal {mso-style-parent:""; margin:0cm; font-size:14.0pt;} --></style>
</head>
<body lang=VI style='tab-interval:36.0pt'>
<!--StartFragment-->
<p class=MsoNormal align=center style='text-align:center;mso-line-height-alt:14.0pt'><b><span
style='font-size:14.0pt;font-family:"Times New Roman",serif;mso-fareast-language:VI'>BÁO CÁO<o:p></o:p></span
></b></p>
<p class=MsoNormal style='text-align:justify;text-indent:36.0pt'><span lang=VI
style='mso-bidi-font-family:"Times New Roman"'>Thực hiện <i>Kế hoạch</i> số 12-KH/TU,<span
style='mso-spacerun:yes'>&nbsp; </span>Văn phòng báo cáo như sau:<o:p></o:p></span></p>
<p class=MsoNormal><o:p>&nbsp;</o:p></p>
<p class=MsoListParagraphCxSpFirst style='text-indent:-18.0pt;mso-list:l0 level1 lfo1'
><![if !supportLists]><span style='font-family:Symbol'>·<span
style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp;&nbsp; </span></span><![endif]>Mục một<o:p></o:p></p>
<table class=MsoTableGrid border=1 cellspacing=0 cellpadding=0
 style='border-collapse:collapse;mso-yfti-tbllook:1184'>
 <tr style='mso-yfti-irow:0'>
  <td width=301 valign=top style='width:225.4pt;border:solid windowtext 1.0pt;padding:0cm 5.4pt'>
  <p class=MsoNormal align=center style='text-align:center'><b>Chỉ tiêu<o:p></o:p></b></p></td>
  <td width=301 valign=top style='width:225.4pt;border:solid windowtext 1.0pt'
  ><p class=MsoNormal>Kết quả</p></td>
 </tr>
</table>
<p class=MsoNormal><v:shape id="x" style='width:10pt'><v:imagedata src="file:///C:/Users/a/clip_image001.png"/></v:shape><img
width=10 height=10 src="file:///C:/Users/a/clip_image001.png"></p>
<!--EndFragment-->
</body></html>"""


def test_word_paste_is_cleaned_to_its_text_alignment_and_structure():
    cleaned = clean_body(WORD_PASTE)
    assert_only_allowed_markup(cleaned)
    for junk in (
        "mso",
        "Mso",
        "o:p",
        "xml",
        "WordDocument",
        "font-family",
        "file:",
        "class=",
        "width",
        "Báo cáo<",
    ):
        assert junk not in cleaned, junk
    assert cleaned == (
        '<p style="text-align: center;"><strong>BÁO CÁO</strong></p>\n'
        '<p style="text-align: justify;">Thực hiện <em>Kế hoạch</em> số 12-KH/TU,&nbsp; '
        "Văn phòng báo cáo như sau:</p>\n"
        "<p>·&nbsp;&nbsp;&nbsp; Mục một</p>\n"
        '<table><tbody><tr><td><p style="text-align: center;"><strong>Chỉ tiêu</strong></p></td>'
        "<td><p>Kết quả</p></td></tr></tbody></table>"
    )
    assert clean_body(cleaned) == cleaned


# --- idempotence and safety for any input ----------------------------------------------

_TAGS = [
    *sorted(OUTPUT_TAGS),
    "b",
    "i",
    "h1",
    "h5",
    "div",
    "span",
    "a",
    "img",
    "script",
    "style",
    "caption",
    "tfoot",
    "pre",
    "blockquote",
    "o:p",
    "font",
    "hr",
    "iframe",
    "svg",
    "col",
    "colgroup",
    "title",
    "dl",
    "dd",
]
_ATTRS = st.sampled_from(
    [
        "",
        ' style="text-align:center"',
        " style='text-align: JUSTIFY; color: red'",
        ' style="text-align:expression(x)"',
        " align=right",
        ' colspan="2"',
        " rowspan=3",
        ' colspan="0"',
        ' onclick="alert(1)"',
        ' href="javascript:alert(1)"',
        " src=x onerror=alert(1)",
        " class=MsoNormal",
    ]
)
_TEXT = st.text(alphabet=st.sampled_from(list("aĐữ <>&;\n\t\xa0 ")), max_size=6) | st.sampled_from(
    ["&nbsp;", "&amp;", "&lt;", "<!-- c -->", "<![if !supportLists]>", "<br>", "</p>", "<p", "&#x0;"]
)


@st.composite
def _element(draw, children):
    tag = draw(st.sampled_from(_TAGS))
    inner = "".join(draw(st.lists(children, max_size=4)))
    closed = draw(st.booleans()) or draw(st.booleans())  # mostly closed, sometimes not
    return f"<{tag}{draw(_ATTRS)}>{inner}" + (f"</{tag}>" if closed else "")


HTML = st.recursive(_TEXT, lambda children: _element(children), max_leaves=25).map(str) | st.text(max_size=40)
MANY = st.lists(HTML, max_size=6).map("".join)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(MANY)
@example("<table><tr><td><table><tr><td>x</td></tr></table></td></tr></table>")
@example("<ul>a<li>b</li>c<ol><li>d</li></ol></ul>")
@example("<strong><table><tr><td>x</td></tr></table>y</strong>")
@example("<td>a<p></p>b</td>")
@example("<table><tr><td>a<p></p>b</td></tr></table>")
@example("<li><h2>x</h2></li>")
@example("<u><ul><li>x</li></ul></u>z")
def test_clean_body_is_idempotent_and_writes_only_allowed_markup(html):
    once = clean_body(html)
    assert clean_body(once) == once
    assert_only_allowed_markup(once)
    assert body_text(once) == body_text(html)


# --- plain text --------------------------------------------------------------------------


def test_body_text_shapes():
    html = (
        "<h2>I. TÌNH HÌNH</h2>"
        "<p>Đoạn <strong>một</strong>&nbsp;có   khoảng trắng<br>và dòng mới.</p>"
        "<ul><li>thứ nhất<ul><li>ý nhỏ</li></ul></li><li><p>thứ hai</p><p>tiếp</p></li></ul>"
        "<ol><li>Điều 1</li></ol>"
        "<table><thead><tr><th>TT</th><th>Đơn vị</th><th>Ghi chú</th></tr></thead>"
        "<tbody><tr><td>1</td><td><p>Ban</p><p>Tổ chức</p></td><td></td></tr></tbody></table>"
        "<p>Hết.</p>"
    )
    assert body_text(html) == "\n".join(
        [
            "I. TÌNH HÌNH",
            "Đoạn một có khoảng trắng",
            "và dòng mới.",
            "- thứ nhất",
            "  - ý nhỏ",
            "- thứ hai",
            "  tiếp",
            "- Điều 1",
            "TT | Đơn vị | Ghi chú",
            "1 | Ban Tổ chức |",
            "Hết.",
        ]
    )


def test_body_text_of_nothing_is_empty_and_of_plain_text_is_its_lines():
    assert body_text("") == ""
    assert body_text("<p>&nbsp;</p><script>x()</script>") == ""
    assert body_text("một\n\nhai") == "một\nhai"
