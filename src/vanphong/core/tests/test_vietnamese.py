"""Sorting and folding Vietnamese names.

The expected orders below are written out by hand from the rules of the Vietnamese
alphabet (a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y, tones after base
letters: none, huyền, hỏi, ngã, sắc, nặng), never computed with the code under test.
"""

from __future__ import annotations

import itertools
import random
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vanphong.core.vietnamese import collation_key, fold, split_full_name


def name_key(full_name: str) -> str:
    """How people are sorted: given name, then family name, then middle name."""
    family, middle, given_name = split_full_name(full_name)
    return collation_key(given_name, family, middle)


def sort_names(names: list[str]) -> list[str]:
    return sorted(names, key=name_key)


# --- Hand-checked orders -------------------------------------------------------------------

# Written in the order a Vietnamese roster takes. Why each neighbour comes where it does:
ROSTER = [
    "Hoàng Văn An",  # An < Anh: a prefix sorts first
    "Lê Thị Anh",  # same given name: family Lê < Trần
    "Trần Văn Anh",
    "Nguyễn Thị Ánh",  # Ánh after every Anh (tone), though Nguyễn < Trần
    "Đặng Văn Ân",  # Ân after Ánh: a < â decides before any tone
    "Phạm Thị Bình",
    "Vũ Đức Cường",
    "Trần Thị Dung",  # Dung < Dũng (no tone < ngã), though Nguyễn < Trần
    "Nguyễn Văn Dũng",
    "Lê Văn Đạt",  # đ after every d
    "Dương Thị Hà",  # same given name: family Dương < Đỗ (d < đ)
    "Đỗ Thị Hà",
    "Nguyễn Hà",  # no middle name first
    "Nguyễn Thị Hà",  # middle Thị < Thu
    "Nguyễn Thu Hà",
    "Bùi Văn Hải",  # Hà < Hải: prefix first
    "Lê Thị Thu",  # Thu < Thư: u < ư
    "Phạm Văn Thư",
    "Vương Thị Yến",
]


def test_it_sorts_a_roster_by_given_name_then_family_then_middle():
    shuffled = ROSTER[:]
    random.Random(20250701).shuffle(shuffled)
    assert shuffled != ROSTER
    assert sort_names(shuffled) == ROSTER


def test_it_sorts_the_same_roster_from_its_reverse():
    assert sort_names(ROSTER[::-1]) == ROSTER


@pytest.mark.parametrize(
    "ordered",
    [
        ["a", "ă", "â", "b"],
        ["d", "đ", "e", "ê", "g"],
        ["o", "ô", "ơ", "p"],
        ["u", "ư", "v"],
        # A tone never beats a letter.
        ["an", "án", "ăn", "ân"],
        ["Anh", "Ánh", "Bình"],
        ["An", "Anh"],
        # Tones: none, huyền, hỏi, ngã, sắc, nặng.
        ["a", "à", "ả", "ã", "á", "ạ"],
        ["ma", "mà", "mả", "mã", "má", "mạ"],
        ["Dung", "Dũng", "Đông", "Đức"],
        # Letters outside the Vietnamese alphabet come after it.
        ["y", "f", "z"],
    ],
)
def test_it_orders_letters_and_tones(ordered):
    for before, after in itertools.pairwise(ordered):
        assert collation_key(before) < collation_key(after), (before, after)


def test_it_compares_the_given_name_whole_before_the_family_name():
    # Tones of the given name decide before the letters of the family name.
    assert collation_key("Anh", "Trần", "") < collation_key("Ánh", "Bùi", "")
    # Only when given names are equal does the family name decide.
    assert collation_key("Anh", "Bùi", "") < collation_key("Anh", "Trần", "")
    # And the middle name last.
    assert collation_key("Hà", "Nguyễn", "Thị") < collation_key("Hà", "Nguyễn", "Thu")


def test_it_ignores_case_and_outer_spacing():
    assert collation_key("ĐỨC") == collation_key("đức")
    assert name_key("  Nguyễn   Văn  Đức ") == name_key("Nguyễn Văn Đức")


def test_it_splits_a_full_name():
    assert split_full_name("Nguyễn Thị Minh Khai") == ("Nguyễn", "Thị Minh", "Khai")
    assert split_full_name("Lê Duẩn") == ("Lê", "", "Duẩn")
    assert split_full_name("Hùng") == ("", "", "Hùng")
    assert split_full_name("   ") == ("", "", "")


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Đảng ủy", "dang uy"),
        ("Thành ủy Hà Nội", "thanh uy ha noi"),
        # Letters carrying two marks: a letter mark and a tone.
        ("Tổ", "to"),
        ("Cậu", "cau"),
        ("Những", "nhung"),
        ("Việt", "viet"),
        ("ỞỶỸ", "oyy"),
        ("Ơn Ưng Ăn Âm Êm Ôm", "on ung an am em om"),
        ("ĐẠI HỘI ĐẢNG", "dai hoi dang"),
        ("  Văn   phòng  ", "van phong"),
    ],
)
def test_it_folds_for_search(text, folded):
    assert fold(text) == folded


def test_it_folds_decomposed_text_like_composed_text():
    assert fold(unicodedata.normalize("NFD", "Đảng ủy Khối")) == "dang uy khoi"


# --- Properties ----------------------------------------------------------------------------

BASES = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
VOWELS = set("aăâeêioôơuưy")
TONES = ["", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"]


@st.composite
def syllables(draw: st.DrawFn) -> str:
    letters = draw(st.lists(st.sampled_from(BASES), min_size=1, max_size=7))
    word = ""
    for letter in letters:
        tone = draw(st.sampled_from(TONES)) if letter in VOWELS else ""
        word += letter + tone
    if draw(st.booleans()):
        word = word.capitalize()
    return unicodedata.normalize("NFC", word)


names = st.lists(syllables(), min_size=1, max_size=4).map(" ".join)
name_triples = st.tuples(syllables(), syllables(), names)


def without_tones(word: str) -> str:
    """Remove the five tone marks, keeping ă â ê ô ơ ư (the test's own helper)."""
    decomposed = unicodedata.normalize("NFD", word)
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in TONES[1:]))


@given(name_triples)
def test_prop_composed_and_decomposed_forms_have_one_key(parts):
    for form in ("NFD", "NFKD", "NFKC"):
        normalized = tuple(unicodedata.normalize(form, part) for part in parts)
        assert collation_key(*normalized) == collation_key(*parts)


@given(name_triples)
def test_prop_case_does_not_matter(parts):
    assert collation_key(*(part.upper() for part in parts)) == collation_key(
        *(part.lower() for part in parts)
    )


@settings(max_examples=50)
@given(st.lists(name_triples, max_size=8), st.randoms(use_true_random=False))
def test_prop_sorting_is_deterministic_whatever_the_input_order(people, rnd):
    def lowered(people):
        # Names differing only in case tie, so a stable sort keeps them as they came.
        return [tuple(part.lower() for part in p) for p in people]

    shuffled = people[:]
    rnd.shuffle(shuffled)
    first = sorted(people, key=lambda p: collation_key(*p))
    second = sorted(shuffled, key=lambda p: collation_key(*p))
    assert lowered(first) == lowered(second)


@given(name_triples, name_triples)
def test_prop_different_names_never_share_a_key(a, b):
    # The order is total on names: only the same name (ignoring case) ties.
    same = tuple(part.lower() for part in a) == tuple(part.lower() for part in b)
    assert (collation_key(*a) == collation_key(*b)) == same


@given(name_triples, name_triples, names)
def test_prop_a_given_name_sorts_before_its_own_extensions(a, b, suffix):
    given_a = a[0]
    given_b = given_a + suffix.replace(" ", "")
    assert collation_key(given_a, a[1], a[2]) < collation_key(given_b, b[1], b[2])


@given(syllables(), syllables())
def test_prop_letters_decide_before_tones(a, b):
    bare_a, bare_b = without_tones(a).lower(), without_tones(b).lower()
    if bare_a != bare_b:
        assert (collation_key(a) < collation_key(b)) == (collation_key(bare_a) < collation_key(bare_b))
    else:
        # Same letters: the tones alone decide, and only an identical word ties.
        assert (collation_key(a) == collation_key(b)) == (a.lower() == b.lower())


@given(names)
def test_prop_fold_is_plain_ascii_and_idempotent(name):
    folded = fold(name)
    assert folded.isascii()
    assert fold(folded) == folded
    assert len(folded.split()) == len(name.split())
