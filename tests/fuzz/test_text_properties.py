"""Hypothesis properties of Vietnamese name handling (langso.core.text).

As documented there and in docs/architecture.md: names are stored NFC with single spaces; the folded
form used for search drops case and every diacritic (đ → d), so "nguyen van a", "Nguyễn Văn A" and
decomposed input all match; the sort key holds digits only and does not depend on the Unicode form
or on where the tone mark sits.
"""

from __future__ import annotations

import re
import unicodedata

from hypothesis import example, given, settings
from hypothesis import strategies as st

from langso.core.text import clean_text, fold, fold_compact, place_sort_key, vietnamese_sort_key
from tests.fuzz import profiles

# Every letter of the Vietnamese alphabet with every tone, in both cases, plus the look-alikes and
# invisible characters people paste from old fonts and web pages.
_BASES = "aăâeêioôơuưy"
_TONES = ["", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"]
VIETNAMESE_LETTERS = sorted(
    {unicodedata.normalize("NFC", b + t) for b in _BASES for t in _TONES} | set("bcdđghklmnpqrstvx")
)
VIETNAMESE_LETTERS += [c.upper() for c in VIETNAMESE_LETTERS]
WORD = st.text(alphabet=VIETNAMESE_LETTERS, min_size=1, max_size=8)
NAME = st.lists(WORD, min_size=1, max_size=5).map(" ".join)
MESSY = st.text(
    alphabet=st.one_of(
        st.sampled_from(VIETNAMESE_LETTERS),
        st.sampled_from([" ", "\t", "\n", "\u00a0", "\u200b", "\ufeff", "'", "\u2019", "`", "-", "Ð", "ð"]),
        st.sampled_from(_TONES[1:] + ["\u0306", "\u0302", "\u031b"]),  # stray combining marks
        st.characters(),
    ),
    max_size=30,
)


def examples(n: int) -> settings:
    return settings(max_examples=profiles.examples(n))


@examples(200)
@given(MESSY)
def test_clean_text_is_idempotent_nfc_and_single_spaced(raw):
    cleaned = clean_text(raw)
    assert clean_text(cleaned) == cleaned
    assert unicodedata.is_normalized("NFC", cleaned)
    assert cleaned == cleaned.strip() and "  " not in cleaned
    assert not re.search(r"[\u2019\u2018\u02bc`\u200b\ufeff]", cleaned)


@examples(300)
@given(MESSY)
@example("a \u0301b")  # a stray accent after a space left two spaces once its mark was dropped
@example("a \u0301")
def test_fold_is_idempotent_lower_case_ascii_for_vietnamese_and_single_spaced(raw):
    folded = fold(raw)
    assert fold(folded) == folded
    assert folded == folded.strip() and "  " not in folded
    assert not any(unicodedata.combining(ch) for ch in folded)
    assert fold_compact(folded) == fold_compact(raw)
    assert re.fullmatch(r"[0-9a-z]*", fold_compact(raw))


@examples(300)
@given(MESSY)
def test_fold_and_sort_keys_do_not_depend_on_the_unicode_form(raw):
    nfc, nfd = (unicodedata.normalize(f, raw) for f in ("NFC", "NFD"))
    assert fold(nfc) == fold(nfd)
    assert fold_compact(nfc) == fold_compact(nfd)
    assert vietnamese_sort_key(nfc) == vietnamese_sort_key(nfd)
    assert place_sort_key(nfc) == place_sort_key(nfd)
    assert clean_text(nfc) == clean_text(nfd)


@examples(300)
@given(NAME)
def test_a_vietnamese_name_folds_to_ascii_whatever_its_case_and_accents(name):
    folded = fold(name)
    assert folded.isascii()
    assert fold(name.upper()) == fold(name.lower()) == folded
    # Dropping every accent by hand gives the same folded form: search ignores accents.
    bare = (
        "".join(ch for ch in unicodedata.normalize("NFD", name) if not unicodedata.combining(ch))
        .replace("đ", "d")
        .replace("Đ", "D")
    )
    assert fold(bare) == folded


@examples(300)
@given(st.one_of(NAME, MESSY))
def test_sort_keys_are_digits_only_bounded_and_case_insensitive(name):
    for key in (vietnamese_sort_key(name), place_sort_key(name)):
        assert key.isascii() and (key == "" or key.isdigit()) and len(key) <= 250
    letters_only = "".join(ch for ch in name if ch in VIETNAMESE_LETTERS or ch == " ")
    assert vietnamese_sort_key(letters_only.upper()) == vietnamese_sort_key(letters_only.lower())


@examples(200)
@given(st.sampled_from("aeiouy"), st.sampled_from(["\u0300", "\u0309", "\u0303", "\u0301", "\u0323"]), NAME)
def test_the_tone_belongs_to_the_syllable_wherever_it_is_written(vowel, tone, family):
    # "Hoà" and "Hòa": the old and the new placement of the tone are the same name.
    old = unicodedata.normalize("NFC", f"ho{vowel}{tone}")
    new = unicodedata.normalize("NFC", f"h{'o' + tone}{vowel}")
    assert vietnamese_sort_key(f"{family} {old}") == vietnamese_sort_key(f"{family} {new}")
    assert fold(old) == fold(new)


@examples(200)
@given(NAME, NAME)
def test_names_sort_by_given_name_first(first, second):
    # The key of a full name starts with the key of its given name (the last word) alone, so two
    # names with different given names sort by them, whatever their family names.
    for name in (first, second):
        given_name = name.split(" ")[-1]
        assert vietnamese_sort_key(name).startswith(place_sort_key(given_name))
