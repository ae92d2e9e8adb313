"""Village names as people write them: every kind word, numbers with and without zeros, ambiguity."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from langso.places.naming import KIND_WORDS, VillageIndex, village_key, village_keys


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Thôn Bản Cáu", "thon ban cau"),
        ("THÔN BẢN CÁU", "thon ban cau"),
        ("  thôn   bản  cáu ", "thon ban cau"),
        ("Thôn 03", "thon 3"),
        ("Thôn 3", "thon 3"),
        ("Thôn3", "thon 3"),
        ("Tổ dân phố số 07", "to dan pho so 7"),
        ("Khu phố 10", "khu pho 10"),
        ("Thôn 3A", "thon 3 a"),
        ("Buôn Ea-Kmar", "buon ea kmar"),
        ("Plơi Ia Lâu", "ploi ia lau"),
        ("Thôn: 3", "thon 3"),
        ("", ""),
    ],
)
def test_a_village_key_ignores_case_accents_punctuation_and_leading_zeros(name, key):
    assert village_key(name) == key


def test_every_kind_word_is_taken_off_and_bản_in_a_name_is_both_a_kind_word_and_part_of_it():
    assert village_keys("Thôn Bản Cáu") == ["thon ban cau", "ban cau", "cau"]
    assert village_keys("Tổ dân phố 5") == ["to dan pho 5", "5"]
    assert village_keys("Khu phố 10") == ["khu pho 10", "10"]
    assert village_keys("Khuổi Chao") == ["khuoi chao"]  # "khu" is a word, not a syllable's start
    assert village_keys("Bông Lau") == ["bong lau"]
    assert village_keys("Thôn") == ["thon"]  # nothing left: the kind word is the name
    assert {"thon", "ban", "buon", "lang", "xom", "ap", "khu", "to", "to dan pho", "khu pho", "bon"} <= set(
        KIND_WORDS
    )
    assert {"plei", "ploi", "plok", "soc"} <= set(KIND_WORDS)


def _index(*names: str) -> VillageIndex[str]:
    return VillageIndex(list(names), name_of=lambda name: name)


@pytest.mark.parametrize(
    "written",
    [
        "Thôn Bản Cáu",
        "Bản Cáu",
        "thon ban cau",
        "BẢN CÁU",
        "ban cau",
        "Xóm Bản Cáu",
        "Cáu",
    ],
)
def test_bản_cáu_in_any_form_finds_thôn_bản_cáu(written):
    index = _index("Thôn Bản Cáu", "Thôn Nà Piêng", "Khuổi Chao", "Thôn 3")
    found = index.match(written)
    assert found.village == "Thôn Bản Cáu", written
    assert found.exact == (village_key(written) == "thon ban cau")


@pytest.mark.parametrize(
    ("written", "village"),
    [
        ("Nà Piêng", "Thôn Nà Piêng"),
        ("Bản Nà Piêng", "Thôn Nà Piêng"),
        ("Khuổi Chao", "Thôn Khuổi Chao"),
        ("Đồng Tâm", "Thôn Đồng Tâm"),
        ("dong tam", "Thôn Đồng Tâm"),
        ("Làng Đồng Tâm", "Thôn Đồng Tâm"),
        ("Thôn 03", "Thôn 3"),
        ("thôn 3", "Thôn 3"),
        ("3", "Thôn 3"),
        ("03", "Thôn 3"),
        ("Thôn 10", "Thôn 10"),
        ("Buôn Ea Kmar", "Buôn Ea Kmar"),
        ("Ea Kmar", "Buôn Ea Kmar"),
        ("Bon Bu Prăng", "Bon Bu Prăng"),
        ("Bu Prăng", "Bon Bu Prăng"),
        ("Plei Ia Lâu", "Plơi Ia Lâu"),
        ("Ia Lâu", "Plơi Ia Lâu"),
        ("Ấp Tân Hòa", "Ấp Tân Hòa"),
        ("Tân Hòa", "Ấp Tân Hòa"),
        ("Sóc Tà Nốt", "Sóc Tà Nốt"),
        ("Tà Nốt", "Sóc Tà Nốt"),
        ("Tổ dân phố 7", "Tổ dân phố 07"),
        ("TDP 7", "Tổ dân phố 07"),
        ("tổ 7", "Tổ dân phố 07"),
        ("7", "Tổ dân phố 07"),
        ("Khu phố 2", "Khu phố 2"),
        ("KP 2", "Khu phố 2"),
        ("Khu 2", "Khu phố 2"),
        ("Xóm Chùa", "Xóm Chùa"),
        ("Chùa", "Xóm Chùa"),
    ],
)
def test_each_kind_word_and_number_form_finds_its_village(written, village):
    index = _index(
        "Thôn Nà Piêng",
        "Thôn Khuổi Chao",
        "Thôn Đồng Tâm",
        "Thôn 3",
        "Thôn 10",
        "Buôn Ea Kmar",
        "Bon Bu Prăng",
        "Plơi Ia Lâu",
        "Ấp Tân Hòa",
        "Sóc Tà Nốt",
        "Tổ dân phố 07",
        "Khu phố 2",
        "Xóm Chùa",
    )
    assert index.match(written).village == village


def test_two_villages_that_could_both_be_meant_make_the_match_ambiguous():
    index = _index("Thôn 3", "Tổ dân phố 3", "Thôn Đồng Tâm", "Xóm Đồng Tâm")
    for written in ("3", "03", "Khu 3", "Đồng Tâm", "Bản Đồng Tâm"):
        found = index.match(written)
        assert found.village is None and found.ambiguous, written
    assert sorted(index.match("3").candidates) == ["Thôn 3", "Tổ dân phố 3"]
    # Written in full, the name says which one.
    assert index.match("Thôn 03").village == "Thôn 3"
    assert index.match("tổ dân phố 3").village == "Tổ dân phố 3"
    assert index.match("Xóm Đồng Tâm").village == "Xóm Đồng Tâm"


def test_the_nearest_reading_wins_over_a_looser_one():
    # "Bản Cáu" is a village of its own here, and also what people call "Thôn Bản Cáu": the one named
    # exactly is meant; "Cáu" could be either.
    index = _index("Bản Cáu", "Thôn Bản Cáu")
    assert index.match("Bản Cáu").village == "Bản Cáu"
    assert index.match("Thôn Bản Cáu").village == "Thôn Bản Cáu"
    assert index.match("Cáu").ambiguous
    # A village literally called "Cáu" and "Thôn Bản Cáu": "Bản Cáu" is one with a kind word added
    # in front and the other without one: both at the same level, so the row asks.
    assert _index("Cáu", "Thôn Bản Cáu").match("Bản Cáu").ambiguous


def test_a_name_that_matches_nothing_finds_nothing_and_a_village_can_be_left_out():
    index = _index("Thôn Bản Cáu", "Thôn 3")
    assert index.match("Nà Piêng").village is None and not index.match("Nà Piêng").ambiguous
    assert index.match("").village is None
    assert index.match("Thôn 30").village is None
    assert index.match("Bản Cáu", exclude="Thôn Bản Cáu").village is None
    index.add("Nà Piêng")
    assert index.match("Bản Nà Piêng").village == "Nà Piêng"


_WORDS = st.sampled_from(
    ["Thôn", "Bản", "bản", "Tổ", "dân", "phố", "Cáu", "Nà", "Piêng", "03", "3", "Khuổi", "Ấp", "-"]
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=30), st.lists(_WORDS, min_size=1, max_size=5).map(" ".join)))
def test_any_name_finds_itself_and_its_key_is_stable(name):
    key = village_key(name)
    assert village_key(key) == key
    found = _index(name).match(name)
    assert (found.village == name) == bool(key)
    assert found.exact == bool(key)
