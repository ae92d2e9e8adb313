"""Vietnamese text: normal form, accent folding for search, and a sort key in Vietnamese order."""

from __future__ import annotations

import functools
import re
import unicodedata

_SPACES = re.compile(r"\s+")
_APOSTROPHES = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "\u02bc": "'",
        "`": "'",
        "\u00b4": "'",
        # Legacy font conversions (TCVN3, VNI) write Đ as the Icelandic eth, which looks the same.
        "\u00d0": "\u0110",
        "\u00f0": "\u0111",
        # Zero-width characters pasted from web pages and Word split words invisibly.
        "\u200b": None,
        "\u200c": None,
        "\u200d": None,
        "\ufeff": None,
    }
)


def clean_text(value: str | None) -> str:
    """NFC, one apostrophe form, single spaces, trimmed. Every name we store goes through this."""
    if not value:
        return ""
    value = unicodedata.normalize("NFC", str(value)).translate(_APOSTROPHES)
    return _SPACES.sub(" ", value).strip()


def fold(value: str | None) -> str:
    """Lower case without diacritics: "Nguyễn Văn Ánh" -> "nguyen van anh" (đ -> d).

    Used for search on both SQLite (whose lower() and LIKE fold ASCII only) and PostgreSQL.
    """
    if not value:
        return ""
    decomposed = unicodedata.normalize("NFD", clean_text(value).lower())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    # A stray accent typed after a space leaves two spaces once dropped: fold("a \u0301b") is "a b".
    return _SPACES.sub(" ", stripped).strip().replace("đ", "d").replace("Đ", "d")


_NOT_ALNUM = re.compile(r"[^0-9a-z]")


def fold_compact(value: str | None) -> str:
    """Folded and with only letters and digits: "Ê-đê" -> "ede", "H'Mông" -> "hmong"."""
    return _NOT_ALNUM.sub("", fold(value))


# Vietnamese alphabetical order: ă and â follow a, đ follows d, ê follows e, ô and ơ follow o, ư follows u.
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
# Two digits a letter, from 20 up, so "0…" (end of a syllable) and "1…" (a number) sort before any letter.
_LETTER_CODE = {letter: f"{index + 20:02d}" for index, letter in enumerate(_ALPHABET)}
# Tones in dictionary order: level, grave (huyền), hook (hỏi), tilde (ngã), acute (sắc), dot (nặng).
_TONE_MARKS = {"\u0300": "1", "\u0309": "2", "\u0303": "3", "\u0301": "4", "\u0323": "5"}
_VOWEL_MARKS = {"\u0306", "\u0302", "\u031b"}  # breve, circumflex, horn: part of the letter
_SORT_KEY_LENGTH = 250


@functools.lru_cache(maxsize=1 << 16)  # names share their syllables: each one is worked out once
def _word_key(word: str) -> str:
    """One syllable as digits: its letters, then "0" and its tone; a number sorts by value.

    The tone belongs to the syllable, wherever it is written ("Hoà" and "Hòa" are the same name),
    and it decides only between syllables with the same letters: a < à < ả < ã < á < ạ < ác < anh.
    Comparing syllable by syllable, tone included, is the order of Vietnamese dictionaries.
    """
    parts: list[str] = []
    tone = "0"
    number = ""
    for char in unicodedata.normalize("NFC", word) + " ":
        if char.isdigit() and char.isascii():
            number += char
            continue
        if number:
            # Natural order: "Thôn 2" before "Thôn 10". "1", the length, then the digits.
            digits = number.lstrip("0") or "0"
            parts.append(f"1{min(len(digits), 9)}{digits[:9]}")
            number = ""
        decomposed = unicodedata.normalize("NFD", char)
        letter = decomposed[0]
        for mark in decomposed[1:]:
            if mark in _VOWEL_MARKS:
                letter = unicodedata.normalize("NFC", letter + mark)
            elif mark in _TONE_MARKS:
                tone = _TONE_MARKS[mark]
        code = _LETTER_CODE.get(letter)
        if code is not None:
            parts.append(code)
    if not parts:
        return ""
    return "".join(parts) + "0" + tone


def _words_key(words: list[str]) -> str:
    return "".join(_word_key(word) for word in words)[:_SORT_KEY_LENGTH]


def vietnamese_sort_key(full_name: str) -> str:
    """A string whose plain byte order is Vietnamese dictionary order of a person's name.

    Vietnamese lists sort by the given name (the last word), tone included, then by the whole name
    from the family name on, as a class register does. Each syllable compares by its letters and
    then its tone before the next syllable counts. The key holds digits only, so every database
    collation orders it the same way and a plain index serves the sort.
    """
    words = clean_text(full_name).lower().split(" ")
    if words == [""]:
        return ""
    return _words_key([words[-1], *words])


def place_sort_key(name: str) -> str:
    """Sort key for a place name, in Vietnamese order, word by word from the start; numbers by value."""
    return _words_key(clean_text(name).lower().split(" "))


# --- the case of a person's name -------------------------------------------------------------------

# A name's words, and the parts of a word that each take a capital: "H'Hen", "Y-Moan", "Ê-đê" keep
# the letter after the apostrophe or hyphen as people write them in Ê-đê, Gia Rai and Mnông names.
_NAME_PARTS = re.compile(r"([ '\-])")


def _one_case(value: str) -> bool:
    # str.isupper/islower: every cased letter in that case, and at least one (digits, spaces, "'" aside).
    return value.isupper() or value.islower()


def title_case_vi(value: str) -> str:
    """Each word with a capital first letter and the rest small: "NÔNG MINH QUÝ" -> "Nông Minh Quý".

    Works letter by letter on the NFC form, so "ĐẶNG" gives "Đặng" and a tone mark stays on its vowel.
    """
    parts = _NAME_PARTS.split(clean_text(value))
    return "".join(_upper(part[:1]) + "".join(_lower(ch) for ch in part[1:]) for part in parts)


def _upper(char: str) -> str:
    # One letter for one letter: "ß".upper() is "SS", which would turn a name into ALL CAPS.
    upper = char.upper()
    return upper if len(upper) == len(char) else char


def _lower(char: str) -> str:
    lower = char.lower()
    return lower if len(lower) == len(char) else char


def name_in_title_case(value: str) -> str:
    """A name typed all in capitals or all in small letters, in title case; a mixed-case name as it is.

    Mixed case is the writer's choice ("Lò Văn A", "Hà Thị Mỹ Lệ", "H'Hen Niê") and is kept.
    """
    value = clean_text(value)
    return title_case_vi(value) if _one_case(value) else value


def _case_rank(value: str) -> int:
    """2 for a name in title case, 1 for other mixed case, 0 for one case (ALL CAPS or all small)."""
    if _one_case(value):
        return 0
    return 2 if title_case_vi(value) == value else 1


def better_cased(current: str, incoming: str) -> str:
    """The name to keep when a new copy arrives: never a worse-cased copy of the same letters.

    "Nông Minh Quý" stays when "NÔNG MINH QUÝ" or "Nông minh quý" arrives; "Nông minh Quý" gives way
    to "Nông Minh Quý". A copy with different letters (a corrected name) always replaces it.
    """
    if not current or current.lower() != incoming.lower():
        return incoming
    return incoming if _case_rank(incoming) > _case_rank(current) else current


_PARENTHESISED = re.compile(r"\s*[(\[]([^()\[\]]*)[)\]]\s*")


def split_parenthesised(value: str) -> tuple[str, str]:
    """Text with its notes in brackets taken out: "Giàng A Dính (bố chủ hộ)" -> ("Giàng A Dính", "bố chủ hộ").

    Several notes are joined with "; ". A lone unmatched bracket is left for the caller to refuse.
    """
    value = clean_text(value)
    notes = [clean_text(note) for note in _PARENTHESISED.findall(value)]
    if not notes:
        return value, ""
    main = clean_text(_PARENTHESISED.sub(" ", value))
    return main, "; ".join(note for note in notes if note)
