import unicodedata

import pytest

from langso.core.text import (
    better_cased,
    clean_text,
    fold,
    fold_compact,
    name_in_title_case,
    place_sort_key,
    split_parenthesised,
    title_case_vi,
    vietnamese_sort_key,
)


def _nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


# --- clean_text and fold ---------------------------------------------------------------------------


def test_clean_text_gives_one_unicode_form_single_spaces_and_one_apostrophe():
    assert clean_text("  Nguyễn   Văn\tAn \n") == "Nguyễn Văn An"
    assert clean_text(_nfd("Nguyễn Văn An")) == unicodedata.normalize("NFC", "Nguyễn Văn An")
    assert clean_text("H\u2019Hen Niê") == "H'Hen Niê"
    assert clean_text("Y\u02bcBlơng") == "Y'Blơng"
    assert clean_text("Lò\u00a0Thị\u200b Mai") == "Lò Thị Mai"
    assert clean_text(None) == ""


def test_clean_text_turns_a_look_alike_eth_into_d_with_stroke():
    # Files converted from the old TCVN3/VNI fonts write Đ as U+00D0 (Ð), which looks the same.
    assert clean_text("\u00d0ặng Văn \u00f0ức") == "Đặng Văn đức"
    assert fold("\u00d0ặng") == "dang"


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("Nguyễn Văn Ánh", "nguyen van anh"),
        ("NGUYỄN VĂN ÁNH", "nguyen van anh"),
        ("Đặng Đức Độ", "dang duc do"),
        ("đoàn thị ĐÀO", "doan thi dao"),
        ("Trương Thị Hường", "truong thi huong"),
        ("Lương Ư", "luong u"),
        ("Phạm Thị Ngọc Ẩn", "pham thi ngoc an"),
        ("Hoàng   Thị  \t Yến", "hoang thi yen"),
        ("H’Hen Niê", "h'hen nie"),
        ("Y‘Moan Ênuôl", "y'moan enuol"),
        ("", ""),
        (None, ""),
    ],
)
def test_fold_drops_case_and_every_diacritic(raw, folded):
    assert fold(raw) == folded


@pytest.mark.parametrize("name", ["Nguyễn Văn Ánh", "Đặng Thị Hường", "Phạm Thị Ngọc Ẩn", "Ê-đê"])
def test_fold_gives_the_same_text_for_composed_and_decomposed_input(name):
    nfc = unicodedata.normalize("NFC", name)
    nfd = unicodedata.normalize("NFD", name)
    assert nfc != nfd
    assert fold(nfd) == fold(nfc)
    # Tone marks typed before the vowel mark (as some keyboards do) fold the same way too.
    assert fold("Nguye\u0303\u0302n") == "nguyen"


def test_fold_compact_keeps_letters_and_digits_only():
    assert fold_compact("Ê-đê") == "ede"
    assert fold_compact("H'Mông") == "hmong"
    assert fold_compact("Bru-Vân Kiều") == "bruvankieu"


# --- vietnamese_sort_key ---------------------------------------------------------------------------


def _sorted_names(names: list[str]) -> list[str]:
    return sorted(names, key=vietnamese_sort_key)


def test_letters_with_marks_follow_their_base_letter():
    # a < ă < â < b … d < đ < e < ê … o < ô < ơ … u < ư
    assert _sorted_names(["Lê Đa", "Lê Ba", "Lê Âu", "Lê Ăn", "Lê An", "Lê Da"]) == [
        "Lê An",
        "Lê Ăn",
        "Lê Âu",
        "Lê Ba",
        "Lê Da",
        "Lê Đa",
    ]
    assert _sorted_names(["Lê Ơn", "Lê Ôn", "Lê On", "Lê Ưng", "Lê Ung", "Lê Êm", "Lê Em"]) == [
        "Lê Em",
        "Lê Êm",
        "Lê On",
        "Lê Ôn",
        "Lê Ơn",
        "Lê Ung",
        "Lê Ưng",
    ]


def test_tones_sort_level_grave_hook_tilde_acute_dot():
    names = ["Lê Bạ", "Lê Bá", "Lê Bã", "Lê Bả", "Lê Bà", "Lê Ba"]
    assert _sorted_names(names) == ["Lê Ba", "Lê Bà", "Lê Bả", "Lê Bã", "Lê Bá", "Lê Bạ"]


def test_letters_decide_before_tones_as_in_a_dictionary():
    # a, à, ả, ã, á, ạ, ác, anh: "Ác" has a letter more than "Ạ", so it comes after every tone of "A".
    assert _sorted_names(["Lê Anh", "Lê Ác", "Lê Ạ", "Lê A"]) == ["Lê A", "Lê Ạ", "Lê Ác", "Lê Anh"]


def test_the_given_name_with_its_tone_decides_before_the_family_name():
    # Every "An" comes before every "Án", whatever the family names.
    assert _sorted_names(["Lê Thị Án", "Trần Văn An", "Đỗ Bạ", "Phạm Ba"]) == [
        "Trần Văn An",
        "Lê Thị Án",
        "Phạm Ba",
        "Đỗ Bạ",
    ]


def test_people_with_the_same_given_name_sort_by_family_name_then_middle_name():
    names = ["Trần Văn Bình", "Lê Thị Bình", "Lê Văn Bình", "Đặng Bình", "Dương Thị Bình"]
    assert _sorted_names(names) == [
        "Dương Thị Bình",
        "Đặng Bình",
        "Lê Thị Bình",
        "Lê Văn Bình",
        "Trần Văn Bình",
    ]


def test_the_tone_belongs_to_the_syllable_wherever_it_is_written():
    # Old ("Hoà", "Thuý") and new ("Hòa", "Thúy") placements are one name; grave still sorts before acute.
    assert vietnamese_sort_key("Lê Thị Hoà") == vietnamese_sort_key("Lê Thị Hòa")
    assert vietnamese_sort_key("Lê Thị Thuý") == vietnamese_sort_key("Lê Thị Thúy")
    assert _sorted_names(["Lê Thị Hoá", "Lê Thị Hoà", "Lê Thị Hoa"]) == [
        "Lê Thị Hoa",
        "Lê Thị Hoà",
        "Lê Thị Hoá",
    ]


def test_sort_key_ignores_case_unicode_form_spacing_and_apostrophe_form():
    key = vietnamese_sort_key("Nguyễn Văn Ánh")
    assert vietnamese_sort_key(_nfd("Nguyễn Văn Ánh")) == key
    assert vietnamese_sort_key("  NGUYỄN  văn ÁNH ") == key
    assert vietnamese_sort_key("H’Hen Niê") == vietnamese_sort_key("H'Hen Niê")


def test_a_class_register_order():
    register = [
        "Vũ Thị An",
        "Nguyễn Văn Ánh",
        "Phạm Thị Ân",
        "Hoàng Văn Bình",
        "Trần Thị Dung",
        "Lê Văn Đức",
        "Ngô Thị Hoa",
        "Đặng Thị Hòa",
        "Bùi Văn Hùng",
        "Lò Thị Mai",
        "Nguyễn Ngọc Yến",
    ]
    assert _sorted_names(list(reversed(register))) == register


def test_sort_keys_are_digits_only_and_bounded():
    key = vietnamese_sort_key("Nguyễn Thị Ngọc Ánh")
    assert key.isdigit()
    assert len(vietnamese_sort_key("Nguyễn " * 40 + "An")) <= 250
    assert vietnamese_sort_key("") == ""


def test_place_names_sort_word_by_word_and_numbers_by_value():
    villages = ["Thôn 10", "Thôn 2", "Thôn Bắc", "Thôn 1", "Thôn 1B", "Tổ dân phố 3", "Thôn An"]
    assert sorted(villages, key=place_sort_key) == [
        "Thôn 1",
        "Thôn 1B",
        "Thôn 2",
        "Thôn 10",
        "Thôn An",
        "Thôn Bắc",
        "Tổ dân phố 3",
    ]


# --- the case of a person's name -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("NÔNG MINH QUÝ", "Nông Minh Quý"),
        ("nông minh quý", "Nông Minh Quý"),
        ("ĐẶNG THỊ ĐÀO", "Đặng Thị Đào"),
        ("đoàn văn đức", "Đoàn Văn Đức"),
        ("GIÀNG A DÍNH", "Giàng A Dính"),
        ("LƯƠNG THỊ ỨNG", "Lương Thị Ứng"),
        ("H'HEN NIÊ", "H'Hen Niê"),
        ("y-moan ênuôl", "Y-Moan Ênuôl"),
        (_nfd("NGUYỄN ẨN"), "Nguyễn Ẩn"),
        ("  HOÀNG   VĂN  TUẤN ", "Hoàng Văn Tuấn"),
        ("\u00d0ẶNG VĂN AN", "Đặng Văn An"),  # the look-alike eth of old fonts
    ],
)
def test_a_name_in_one_case_is_put_in_vietnamese_title_case(raw, stored):
    assert name_in_title_case(raw) == stored
    assert name_in_title_case(stored) == stored


@pytest.mark.parametrize("kept", ["Lò Văn A", "Hà thị Mỹ Lệ", "Nguyễn Văn AN", "H'Hen Niê", "Ksor H'Bia"])
def test_a_mixed_case_name_is_left_as_its_writer_chose(kept):
    assert name_in_title_case(kept) == kept


def test_title_case_capitalises_each_word_and_each_part_after_an_apostrophe_or_hyphen():
    assert title_case_vi("nguyễn văn AN") == "Nguyễn Văn An"
    assert title_case_vi("ksor h'bia") == "Ksor H'Bia"


@pytest.mark.parametrize(
    ("current", "incoming", "kept"),
    [
        ("Nông Minh Quý", "NÔNG MINH QUÝ", "Nông Minh Quý"),
        ("Nông Minh Quý", "nông minh quý", "Nông Minh Quý"),
        ("Nông Minh Quý", "Nông minh quý", "Nông Minh Quý"),
        ("NÔNG MINH QUÝ", "Nông Minh Quý", "Nông Minh Quý"),
        ("Nông minh Quý", "Nông Minh Quý", "Nông Minh Quý"),
        ("Nông Minh Quý", "Nông Minh Quỳ", "Nông Minh Quỳ"),  # other letters: a correction
        ("Nông Minh Quý", "Nông Văn Quý", "Nông Văn Quý"),
        ("", "Nông Minh Quý", "Nông Minh Quý"),
    ],
)
def test_a_name_is_never_replaced_by_a_worse_cased_copy_of_itself(current, incoming, kept):
    assert better_cased(current, incoming) == kept


@pytest.mark.parametrize(
    ("raw", "main", "notes"),
    [
        ("Giàng A Dính (bố chủ hộ)", "Giàng A Dính", "bố chủ hộ"),
        ("Giàng A Dính( bố chủ hộ )", "Giàng A Dính", "bố chủ hộ"),
        ("Lò Thị Mai [đi làm xa] (con dâu)", "Lò Thị Mai", "đi làm xa; con dâu"),
        ("Lò Thị Mai ()", "Lò Thị Mai", ""),
        ("Lò Thị Mai", "Lò Thị Mai", ""),
        ("Lò Thị (Mai", "Lò Thị (Mai", ""),  # unmatched: left for the name rule to refuse
    ],
)
def test_a_note_in_brackets_is_taken_out_of_the_text(raw, main, notes):
    assert split_parenthesised(raw) == (main, notes)
