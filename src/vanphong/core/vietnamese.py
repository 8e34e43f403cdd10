"""Vietnamese text: collation keys for sorting names, and folding for search.

Vietnamese sorts letter by letter in its own alphabet (a ă â b c d đ e ê g h i k l m
n o ô ơ p q r s t u ư v x y), and only then by tone (none, huyền, hỏi, ngã, sắc,
nặng), as in CLDR's Vietnamese collation; a list of people sorts by given name, then
family name, then middle name. Neither SQLite nor a PostgreSQL database
created with the C or en_US collation does this, so people carry a precomputed key
that compares correctly as plain ASCII on both.
"""

import unicodedata

_ALPHABET = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
# Letters outside the Vietnamese alphabet (f j w z, digits) sort after it.
_EXTRA = "fjwz0123456789"
_LETTER_CODE = {ch: f"{i + 10:02d}" for i, ch in enumerate(_ALPHABET + _EXTRA)}
_PART_SEPARATOR = "00"  # sorts before every letter: "An" < "Anh"
_WORD_SEPARATOR = "01"

# Combining marks of the five tones, in collation order after "no tone" (0).
_TONE_MARKS = {
    "\u0300": "1",  # huyền  à
    "\u0309": "2",  # hỏi    ả
    "\u0303": "3",  # ngã    ã
    "\u0301": "4",  # sắc    á
    "\u0323": "5",  # nặng   ạ
}
# Marks that make a distinct letter (ă â ê ô ơ ư) rather than a tone.
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}


def _letters_and_tones(word: str) -> tuple[str, str]:
    """Split a word into base letters (with ă â ê ô ơ ư đ kept) and its tone digits."""
    letters: list[str] = []
    tones: list[str] = []
    for ch in unicodedata.normalize("NFD", word.lower()):
        if ch in _TONE_MARKS:
            if tones:
                tones[-1] = _TONE_MARKS[ch]
            continue
        if ch in _LETTER_MARKS and letters:
            letters[-1] = unicodedata.normalize("NFC", letters[-1] + ch)
            continue
        if unicodedata.combining(ch):
            continue
        letters.append(ch)
        tones.append("0")
    return "".join(letters), "".join(tones)


def _encode(text: str) -> tuple[str, str]:
    primary: list[str] = []
    secondary: list[str] = []
    for n, word in enumerate(text.split()):
        if n:
            primary.append(_WORD_SEPARATOR)
        letters, tones = _letters_and_tones(word)
        primary.extend(_LETTER_CODE.get(ch, "99") for ch in letters)
        secondary.append(tones)
    return "".join(primary), "".join(secondary)


def collation_key(*parts: str) -> str:
    """A key that sorts by `parts` in turn (given name, then family name…) the
    Vietnamese way, as ASCII digits.

    Each part is compared whole before the next: first its base letters, then its
    tones, so "Anh" < "Ánh" < "Bình" whatever the family names, and "Đức" sorts
    after every "D…". When two parts have the same letters their tone strings have
    the same length, so the concatenation compares part by part.
    """
    pieces: list[str] = []
    for part in parts:
        primary, secondary = _encode(part)
        pieces.append(primary + _PART_SEPARATOR + secondary)
    return "".join(pieces)


def split_full_name(full_name: str) -> tuple[str, str, str]:
    """(family, middle, given) of a Vietnamese full name: family name first, given
    name last. A one-word name is a given name."""
    words = full_name.split()
    if not words:
        return "", "", ""
    if len(words) == 1:
        return "", "", words[0]
    return words[0], " ".join(words[1:-1]), words[-1]


def fold(text: str) -> str:
    """Lower case without diacritics, đ folded to d: "Đảng ủy" -> "dang uy"."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.split())


def fold_chars(text: str) -> str:
    """`fold` letter by letter, keeping the length and the white space: a place found
    in the folded text is the same place in `text` (for highlighting a word found
    without its accents). Expects NFC text, as OCR and forms give."""
    folded = []
    for char in text:
        plain = "".join(
            c
            for c in unicodedata.normalize("NFD", char.lower().replace("đ", "d"))
            if not unicodedata.combining(c)
        )
        folded.append(plain if len(plain) == 1 else char)
    return "".join(folded)
