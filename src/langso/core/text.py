"""Vietnamese text: normal form, accent folding for search, and a sort key in Vietnamese order."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'"})


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
    return stripped.replace("đ", "d").replace("Đ", "d")


def fold_compact(value: str | None) -> str:
    """Folded and with only letters and digits: "Ê-đê" -> "ede", "H'Mông" -> "hmong"."""
    return re.sub(r"[^0-9a-z]", "", fold(value))


# Vietnamese alphabetical order: ă and â follow a, đ follows d, ê follows e, ô and ơ follow o, ư follows u.
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_CODE = {letter: f"{index + 10:02d}" for index, letter in enumerate(_ALPHABET)}
# Tones in dictionary order: level, grave (huyền), hook (hỏi), tilde (ngã), acute (sắc), dot (nặng).
_TONE_MARKS = {"\u0300": "1", "\u0309": "2", "\u0303": "3", "\u0301": "4", "\u0323": "5"}
_VOWEL_MARKS = {"\u0306", "\u0302", "\u031b"}  # breve, circumflex, horn: part of the letter


def _word_key(word: str) -> tuple[str, str]:
    letters: list[str] = []
    tones: list[str] = []
    for base in unicodedata.normalize("NFC", word):
        parts = unicodedata.normalize("NFD", base)
        letter = parts[0]
        tone = "0"
        for mark in parts[1:]:
            if mark in _VOWEL_MARKS:
                letter = unicodedata.normalize("NFC", letter + mark)
            elif mark in _TONE_MARKS:
                tone = _TONE_MARKS[mark]
        code = _LETTER_CODE.get(letter)
        if code is None:
            if letter.isdigit():
                code = f"0{letter}"
            else:
                continue
        letters.append(code)
        tones.append(tone)
    return "".join(letters), "".join(tones)


def vietnamese_sort_key(full_name: str) -> str:
    """A string whose plain byte order is Vietnamese dictionary order of a person's name.

    Vietnamese lists sort by the given name (the last word), then by the whole name, as a class
    register does. Letters come first and tones break ties, as in a dictionary. The key holds digits
    only, so every database collation orders it the same way and a plain index serves the sort.
    """
    words = clean_text(full_name).lower().split(" ")
    if not words or words == [""]:
        return ""
    ordered = [words[-1], *words]
    keys = [_word_key(word) for word in ordered]
    primary = "00".join(letters for letters, _tones in keys)
    secondary = "".join(tones for _letters, tones in keys)
    return f"{primary}00{secondary}"[:250]


def place_sort_key(name: str) -> str:
    """Sort key for a place name, in Vietnamese order, word by word from the start."""
    words = clean_text(name).lower().split(" ")
    keys = [_word_key(word) for word in words if word]
    return ("00".join(letters for letters, _ in keys) + "00" + "".join(t for _, t in keys))[:250]
