"""Inputs for the scan pipeline's tests, made here so the test set is the project's
own: pages rendered from known Vietnamese text the way a scanner returns them
(greyscale, 300 dpi, a little skewed, with noise), and the bad files an archivist's
batch may hold (damaged, encrypted, empty, enormous, bombs, not scans).

Every maker is deterministic (a fixed seed), so a failing accuracy test fails the same
way on every machine.
"""

from __future__ import annotations

import random
import struct
import unicodedata
import zipfile
import zlib
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

DPI = 300
# A4 at 300 dpi, as office scanners are set for documents.
A4_PIXELS = (2480, 3508)
# 13 pt, the size the Party's documents are typed in (Hướng dẫn 36-HD/VPTW: 13–14).
FONT_PIXELS = round(13 * DPI / 72)
MARGIN = 240
FONTS = (
    Path("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"),
    Path("/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf"),
)

# An invented official letter: every tone mark and every modified vowel (ă â đ ê ô ơ
# ư, stacked marks as in ổ ậ ữ ệ), capitals with marks, a document symbol and dates.
LETTER = """\
ĐẢNG BỘ THÀNH PHỐ
VĂN PHÒNG THÀNH ỦY
Số 125-CV/VPTU, ngày 15 tháng 3 năm 2024
Kính gửi: Các đảng ủy trực thuộc Thành ủy.
Thực hiện chương trình công tác năm 2024 của Ban Thường vụ Thành ủy, Văn phòng Thành ủy \
đề nghị các đảng ủy trực thuộc rà soát, thống kê toàn bộ hồ sơ, tài liệu hình thành trong \
quá trình hoạt động từ năm 1975 đến nay; lập mục lục hồ sơ theo đúng hướng dẫn của Văn \
phòng Trung ương Đảng và gửi về Văn phòng Thành ủy trước ngày 30 tháng 6 năm 2024.
Việc số hóa tài liệu lưu trữ phải bảo đảm tính xác thực, toàn vẹn và an toàn thông tin; \
tài liệu mật không được quét trên máy tính kết nối mạng Internet. Mỗi hồ sơ ghi rõ tiêu \
đề, thời gian bắt đầu và kết thúc, số lượng tờ, thời hạn bảo quản và ghi chú nếu có.
Đồng chí Chánh Văn phòng các đảng ủy chịu trách nhiệm trước Ban Thường vụ về chất lượng \
hồ sơ nộp lưu. Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, đề nghị phản ánh \
kịp thời về Phòng Lưu trữ của Văn phòng Thành ủy để được hướng dẫn giải quyết.
Nơi nhận: như trên; lưu Văn phòng Thành ủy.
T/L BAN THƯỜNG VỤ, CHÁNH VĂN PHÒNG
Nguyễn Thị Hồng Nhung"""

# A second page for the multi-page samples.
MINUTES = """\
BIÊN BẢN HỌP CHI BỘ
Hôm nay, vào lúc 14 giờ ngày 20 tháng 5 năm 2024, tại phòng họp số 2, Chi bộ Văn \
phòng tiến hành họp thường kỳ tháng 5. Có mặt 18 trên tổng số 19 đảng viên; vắng 1 \
đồng chí có lý do.
Đồng chí Bí thư Chi bộ quán triệt nghị quyết của Đảng ủy cấp trên, đánh giá kết quả \
thực hiện nhiệm vụ chính trị tháng 4 và đề ra phương hướng tháng 5: hoàn thành số hóa \
hồ sơ lưu trữ giai đoạn 1975 đến 1990, kiểm tra việc chấp hành quy chế làm việc.
Các đồng chí đảng viên phát biểu ý kiến, thống nhất với báo cáo. Cuộc họp kết thúc \
lúc 16 giờ 30 phút cùng ngày."""


def font(size: int = FONT_PIXELS) -> ImageFont.FreeTypeFont:
    """Liberation Serif (metric-compatible with Times New Roman, the font the office
    types in), from fonts-liberation2, else fonts-liberation."""
    for path in FONTS:
        if path.exists():
            return ImageFont.truetype(str(path), size)
    raise FileNotFoundError("Liberation Serif is not installed (apt-get install fonts-liberation2)")


def _wrap(text: str, face: ImageFont.FreeTypeFont, width: int) -> list[str]:
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}".strip()
            if line and face.getlength(candidate) > width:
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
    return lines


_NOISE_TILE = 509


def render_page(
    text: str = LETTER,
    *,
    skew: float = 2.0,
    noise: float = 18.0,
    specks: int = 150,
    upside_down: bool = False,
    seed: int = 6,
    points: float = 13,
) -> Image.Image:
    """A page as a scanner returns it: the text typeset in greyscale on A4 at 300 dpi,
    slightly blurred (the optics), turned by `skew` degrees (a sheet not quite straight
    on the glass), with grey noise of standard deviation `noise` and `specks` dark
    dust specks of 1–4 pixels (they, more than the noise, make Tesseract's errors: 400
    of them doubled the error rate of bare Tesseract on eight pages, 0 nearly removed it).
    The text is laid out one line per line of the returned image, as `page_text` gives
    it back."""
    rng = random.Random(seed)
    size = round(points * DPI / 72)
    face = font(size)
    page = Image.new("L", A4_PIXELS, 255)
    draw = ImageDraw.Draw(page)
    y = MARGIN
    line_height = round(size * 1.45)
    for line in _wrap(text, face, A4_PIXELS[0] - 2 * MARGIN):
        draw.text((MARGIN, y), line, font=face, fill=20)
        y += line_height
    page = page.filter(ImageFilter.GaussianBlur(0.7))
    if skew:
        page = page.rotate(skew, resample=Image.Resampling.BICUBIC, fillcolor=255)
    if noise:
        # Zero-mean Gaussian noise, clipped at black and white as a sensor clips: a
        # tile drawn from the seeded generator (Pillow's effect_noise is not seeded),
        # repeated over the page; its odd size keeps it out of step with the lines.
        tile = Image.frombytes(
            "L",
            (_NOISE_TILE, _NOISE_TILE),
            bytes(min(255, max(0, round(128 + rng.gauss(0, noise)))) for _ in range(_NOISE_TILE**2)),
        )
        grain = Image.new("L", A4_PIXELS)
        for left in range(0, A4_PIXELS[0], _NOISE_TILE):
            for top in range(0, A4_PIXELS[1], _NOISE_TILE):
                grain.paste(tile, (left, top))
        page = ImageChops.add(page, grain, scale=1.0, offset=-128)
        dust = ImageDraw.Draw(page)
        for _ in range(specks):
            x, y = rng.randrange(A4_PIXELS[0]), rng.randrange(A4_PIXELS[1])
            r = rng.choice((1, 1, 2, 3))
            dust.ellipse((x, y, x + r, y + r), fill=rng.randrange(0, 120))
    if upside_down:
        page = page.rotate(180)
    return page


def page_text(text: str = LETTER) -> str:
    """The reference text of a rendered page, as `render_page` laid it out."""
    return "\n".join(_wrap(text, font(), A4_PIXELS[0] - 2 * MARGIN))


def write_png(path: Path, image: Image.Image) -> Path:
    image.save(path, format="PNG", dpi=(DPI, DPI))
    return path


def write_jpeg(path: Path, image: Image.Image) -> Path:
    image.save(path, format="JPEG", dpi=(DPI, DPI), quality=85)
    return path


def write_tiff(path: Path, images: list[Image.Image]) -> Path:
    """A multi-page TIFF as a document scanner's feeder writes it (Group 4 needs 1-bit
    pages; scanners set to greyscale write LZW or deflate)."""
    first, *rest = images
    first.save(path, format="TIFF", save_all=True, append_images=rest, dpi=(DPI, DPI), compression="tiff_lzw")
    return path


def tiff_directory_first(path: Path, image: Image.Image) -> Path:
    """An uncompressed greyscale TIFF with its directory before its pixels (as many
    scanners write it, unlike Pillow), so that a cut copy still has a readable header
    that promises more data than the file holds."""
    grey = image.convert("L")
    width, height = grey.size
    entries = [
        (256, 4, width),  # ImageWidth, LONG
        (257, 4, height),  # ImageLength
        (258, 3, 8),  # BitsPerSample, SHORT
        (259, 3, 1),  # Compression: none
        (262, 3, 1),  # PhotometricInterpretation: black is zero
        (273, 4, 0),  # StripOffsets, filled in below
        (277, 3, 1),  # SamplesPerPixel
        (278, 4, height),  # RowsPerStrip: one strip
        (279, 4, width * height),  # StripByteCounts
    ]
    data_offset = 8 + 2 + 12 * len(entries) + 4
    directory = struct.pack("<H", len(entries))
    for tag, kind, value in entries:
        value = data_offset if tag == 273 else value
        packed = struct.pack("<HHI", tag, kind, 1) + (
            struct.pack("<HH", value, 0) if kind == 3 else struct.pack("<I", value)
        )
        directory += packed
    directory += struct.pack("<I", 0)  # no next directory
    path.write_bytes(b"II*\x00" + struct.pack("<I", 8) + directory + grey.tobytes())
    return path


def write_born_digital_pdf(path: Path, paragraphs: list[str]) -> Path:
    """A PDF made by software (WeasyPrint, fonts embedded), one paragraph per page:
    its text layer is the truth and must be kept, not OCRed."""
    from html import escape

    from weasyprint import HTML

    body = "".join(f'<p style="page-break-after: always">{escape(paragraph)}</p>' for paragraph in paragraphs)
    html = (
        "<html><head><style>@page { size: A4; margin: 2cm }"
        " body { font-family: 'Liberation Serif'; font-size: 13pt }</style></head>"
        f"<body>{body}</body></html>"
    )
    HTML(string=html).write_pdf(path)
    return path


def write_encrypted_pdf(path: Path, source: Path, *, user_password: str = "secret") -> Path:
    """A PDF that opens only with a password (AES-256)."""
    import pikepdf

    with pikepdf.open(source) as pdf:
        pdf.save(path, encryption=pikepdf.Encryption(owner="owner", user=user_password, R=6))
    return path


def write_truncated(path: Path, source: Path, *, keep: float = 0.5) -> Path:
    """The first part of a file, as an interrupted copy leaves it."""
    data = source.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    return path


def png_header(path: Path, width: int = 30_000, height: int = 30_000) -> Path:
    """A PNG whose header declares `width` × `height` greyscale pixels, with one tiny
    compressed row after it: the file is a few hundred bytes, decoding it would need
    `width * height` bytes of memory. Built by hand so the test never allocates the
    pixels itself."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    idat = zlib.compress(b"\x00" + b"\xff" * 16)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b""))
    return path


def zip_of(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def raw_zip(
    path: Path, members: list[tuple[str, bytes, int, int]], *, mode: int = 0o100644, utf8_flag: bool = True
) -> Path:
    """A ZIP written byte by byte, so that it can say what a hostile tool would: each
    member is (name, raw deflate data, CRC-32, declared size), the same declared size
    in its local header and in the central directory. Sizes must fit in 32 bits. Names
    are written in UTF-8, flagged as such unless `utf8_flag` is False (as 7-Zip does)."""
    flags = 0x800 if utf8_flag else 0
    local_part = b""
    central = b""
    for name, deflated, crc, declared in members:
        encoded = name.encode()
        offset = len(local_part)
        local_part += (
            struct.pack("<IHHHHHIII", 0x04034B50, 20, flags, 8, 0, 0x21, crc, len(deflated), declared)
            + struct.pack("<HH", len(encoded), 0)
            + encoded
            + deflated
        )
        central += (
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                (3 << 8) | 20,  # made on Unix, so the mode in the external attributes counts
                20,
                flags,
                8,
                0,
                0x21,
                crc,
                len(deflated),
                declared,
                len(encoded),
                0,
                0,
                0,
                0,
                mode << 16,
                offset,
            )
            + encoded
        )
    end = struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central), len(local_part), 0
    )
    path.write_bytes(local_part + central + end)
    return path


def _zeros(mebibytes: int) -> tuple[bytes, int]:
    """Raw deflate data that inflates to `mebibytes` MiB of zeros, and its CRC-32,
    made without ever holding the zeros: one mebibyte compressed with a full flush is a
    block that needs nothing before it (about 1 KB), so it can be repeated."""
    mebibyte = bytes(1 << 20)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(mebibyte) + compressor.flush(zlib.Z_FULL_FLUSH)
    final = zlib.compressobj(9, zlib.DEFLATED, -15).flush()  # an empty last block
    crc = 0
    for _ in range(mebibytes):
        crc = zlib.crc32(mebibyte, crc)
    return block * mebibytes + final, crc


def zip_bomb(path: Path, *, gibibytes: int = 1) -> Path:
    """A ZIP of about a megabyte per GiB that honestly declares and really inflates to
    `gibibytes` GiB of zeros (a ratio of about 1,000:1)."""
    deflated, crc = _zeros(gibibytes * 1024)
    return raw_zip(path, [("page-001.png", deflated, crc, gibibytes << 30)])


def declared_zip_bomb(path: Path, *, declared: int = 4_000_000_000, members: int = 1) -> Path:
    """A ZIP of a few kilobytes whose directory declares `declared` bytes per member
    (4 GB by default)."""
    deflated, crc = _zeros(1)
    return raw_zip(path, [(f"page-{index:03}.png", deflated, crc, declared) for index in range(members)])


def lying_zip_bomb(path: Path, *, declared: int = 1000, mebibytes: int = 64) -> Path:
    """A ZIP whose directory declares its member inflates to `declared` bytes while its
    data inflates to `mebibytes` MiB: the sizes it declares do not hold."""
    deflated, crc = _zeros(mebibytes)
    return raw_zip(path, [("scan.png", deflated, crc, declared)])


def symlink_zip(path: Path, target: str = "/etc/passwd") -> Path:
    """A ZIP whose one member is a symbolic link (Unix mode in the external attributes)."""
    data = target.encode()
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    deflated = compressor.compress(data) + compressor.flush()
    return raw_zip(path, [("scan.png", deflated, zlib.crc32(data), len(data))], mode=0o120777)


def normalize(text: str) -> str:
    """NFC, and every run of whitespace one space: how OCR text is compared (line
    breaks and spacing are layout, not characters)."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def levenshtein(a: str, b: str) -> int:
    """Edit distance (insertions, deletions, substitutions of one code point each),
    row by row in O(len(a) * len(b)) time and O(len(b)) memory."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def cer(reference: str, hypothesis: str) -> float:
    """Character error rate: edits to turn the OCR text into the reference, over the
    reference's length, both normalized (`normalize`)."""
    ref, hyp = normalize(reference), normalize(hypothesis)
    if not ref:
        return 0.0 if not hyp else 1.0
    return levenshtein(ref, hyp) / len(ref)
