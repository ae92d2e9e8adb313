"""Vietnamese text: normal form, accent folding for search, and a sort key in Vietnamese order."""

from __future__ import annotations

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


def fold_compact(value: str | None) -> str:
    """Folded and with only letters and digits: "Ê-đê" -> "ede", "H'Mông" -> "hmong"."""
    return re.sub(r"[^0-9a-z]", "", fold(value))


# Vietnamese alphabetical order: ă and â follow a, đ follows d, ê follows e, ô and ơ follow o, ư follows u.
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
# Two digits a letter, from 20 up, so "0…" (end of a syllable) and "1…" (a number) sort before any letter.
_LETTER_CODE = {letter: f"{index + 20:02d}" for index, letter in enumerate(_ALPHABET)}
# Tones in dictionary order: level, grave (huyền), hook (hỏi), tilde (ngã), acute (sắc), dot (nặng).
_TONE_MARKS = {"\u0300": "1", "\u0309": "2", "\u0303": "3", "\u0301": "4", "\u0323": "5"}
_VOWEL_MARKS = {"\u0306", "\u0302", "\u031b"}  # breve, circumflex, horn: part of the letter
_SORT_KEY_LENGTH = 250


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
