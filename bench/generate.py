"""Fill a database with a synthetic province: villages, households and residents that look real.

    python bench/generate.py --people 1000000 --database-url postgres://postgres@127.0.0.1:5432/langso_bench

The database is migrated and the real provinces and communes are loaded first. Every derived column
(name_folded, sort_key, the village/commune/province copies) is computed with the same functions the
registry services use, so searches and sorts behave exactly as on real data. PostgreSQL is filled
with COPY (secondary indexes dropped during the load and rebuilt after); SQLite with executemany.

Other benchmarks use it as a module:

    from bench.generate import ensure_generated_province
    info = ensure_generated_province(database_url=url, people=200_000, province_code=19)
"""

from __future__ import annotations

import argparse
import bisect
import datetime
import io
import itertools
import os
import random
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

PROJECT_DIR = Path(__file__).resolve().parent.parent
BENCH_OUT = PROJECT_DIR / "bench" / "out"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/langso_bench"
PEOPLE_PER_VILLAGE = 300
COPY_CHUNK_ROWS = 50_000


def _words(text: str) -> list[str]:
    return text.split()


# --- Names ------------------------------------------------------------------------------------------
# Weights are rough shares of the population (per cent), enough to make searches hit realistic
# numbers of rows: "Nguyễn" about 38 %, the common middle names about half of each sex.

KINH_FAMILY_NORTH = {
    "Nguyễn": 38,
    "Trần": 11,
    "Lê": 9.5,
    "Phạm": 7,
    "Hoàng": 5,
    "Phan": 3,
    "Vũ": 4,
    "Đặng": 2.1,
    "Bùi": 2,
    "Đỗ": 1.8,
    "Hồ": 0.8,
    "Ngô": 1.3,
    "Dương": 1,
    "Lý": 0.5,
    "Đào": 0.8,
    "Đoàn": 0.6,
    "Trịnh": 0.6,
    "Trương": 0.5,
    "Lương": 0.5,
    "Mai": 0.4,
    "Tạ": 0.3,
    "Chu": 0.3,
    "Cao": 0.4,
    "Đinh": 0.5,
    "Hà": 0.5,
    "Lại": 0.2,
    "Kiều": 0.2,
    "Khúc": 0.1,
    "Quách": 0.1,
    "Nghiêm": 0.1,
    "Tô": 0.3,
    "Vương": 0.2,
    "Lưu": 0.3,
    "Võ": 0.4,
    "Huỳnh": 0.2,
    "Thân": 0.1,
    "La": 0.1,
}
KINH_FAMILY_SOUTH = {
    **KINH_FAMILY_NORTH,
    "Huỳnh": 4,
    "Võ": 4,
    "Hoàng": 1.5,
    "Vũ": 1.5,
    "Lâm": 0.8,
    "Phan": 4.5,
    "Hồ": 1.5,
}
MALE_MIDDLE = {
    "Văn": 40,
    "Đức": 6,
    "Minh": 7,
    "Quang": 5,
    "Hữu": 4,
    "Công": 4,
    "Xuân": 3,
    "Thanh": 4,
    "Ngọc": 3,
    "Hoàng": 3,
    "Quốc": 4,
    "Tiến": 2,
    "Mạnh": 2,
    "Thành": 3,
    "Trung": 2,
    "Anh": 2,
    "Gia": 2,
    "Đình": 4,
    "Bá": 1.5,
    "Duy": 2,
    "Tuấn": 1.5,
    "Việt": 1.5,
    "Hải": 1.5,
}
FEMALE_MIDDLE = {
    "Thị": 50,
    "Ngọc": 6,
    "Thu": 4,
    "Thanh": 4,
    "Minh": 3,
    "Phương": 3,
    "Thúy": 2,
    "Hồng": 3,
    "Bích": 2,
    "Kim": 3,
    "Mai": 2,
    "Thùy": 2,
    "Hải": 1.5,
    "Khánh": 2,
    "Diệu": 1,
    "Quỳnh": 1.5,
    "Ánh": 1,
    "Bảo": 1.5,
    "Thảo": 1,
    "Lan": 1,
    "Tuyết": 1,
}
MALE_GIVEN = _words(
    "Anh Hùng Dũng Tuấn Minh Hải Nam Sơn Long Cường Thắng Hiếu Đức Huy Quân Trung Bình Thành Tùng Phong "
    "Hoàng Khánh Việt Toàn Hưng Tú Duy Lâm Kiên Hiệp Mạnh Tiến Quang Khoa Phúc Vinh Đạt Tâm Hòa Lộc "
    "Nghĩa Thịnh Tài Trọng Chiến Công Quý Phú Lợi Hậu Thái Khải Định Thuận Sáng Giang Nhân Khang Bảo "
    "An Vũ Dương Hiển Tín Thông Hào Sỹ Tư Thế Chung Luân Hoan Khôi Lực Quyết Tuyên Điệp Ngọc Xuân"
)
FEMALE_GIVEN = _words(
    "Hương Linh Trang Lan Hoa Hằng Thảo Phương Ngọc Mai Anh Hà Thủy Huyền Dung Hạnh Nga Yến Thu Loan "
    "Nhung Hiền Vân Hồng Chi Giang Liên Ly Tuyết Oanh Quỳnh Thúy Hường Hiên Huệ Ánh Bích Châu Duyên "
    "Ngân Nguyệt Quyên Tâm Thơ Thương Trâm Uyên Vy My Xuân Hậu Lụa Thắm Nhàn Hòa An Diệp Khuyên Lý "
    "Thoa Nhi Hoài Diễm Mơ Lương Sen Lài Cúc Đào Tươi Vui Hảo Gấm"
)


def _zipf(names: Sequence[str], exponent: float = 0.9) -> dict[str, float]:
    """Given names follow a long tail: the first of the list is the commonest."""
    return {name: 1.0 / (rank + 1) ** exponent for rank, name in enumerate(names)}


@dataclass(frozen=True)
class NameStyle:
    """How a group builds names: family name first (Kinh, Tày …) or last (Ê-đê, Mnông)."""

    family: dict[str, float]
    male_middle: dict[str, float]
    female_middle: dict[str, float]
    male_given: dict[str, float]
    female_given: dict[str, float]
    family_last: bool = False  # "Y Moan Ênuôl", "H'Hen Niê"


def _style(family: str, male_given: str = "", female_given: str = "", **kwargs: Any) -> NameStyle:
    return NameStyle(
        family=_zipf(family.split(), 0.7),
        male_middle=kwargs.pop("male_middle", {"Văn": 80, "Đức": 5, "Minh": 5, "Quang": 3, "Thanh": 3}),
        female_middle=kwargs.pop("female_middle", {"Thị": 85, "Ngọc": 4, "Thu": 3, "Thanh": 3}),
        male_given=_zipf(male_given.split()) if male_given else _zipf(MALE_GIVEN),
        female_given=_zipf(female_given.split()) if female_given else _zipf(FEMALE_GIVEN),
        **kwargs,
    )


KINH_NORTH = NameStyle(KINH_FAMILY_NORTH, MALE_MIDDLE, FEMALE_MIDDLE, _zipf(MALE_GIVEN), _zipf(FEMALE_GIVEN))
KINH_SOUTH = NameStyle(KINH_FAMILY_SOUTH, MALE_MIDDLE, FEMALE_MIDDLE, _zipf(MALE_GIVEN), _zipf(FEMALE_GIVEN))
# Ethnic group code (langso.core.ethnicity) -> how its members are named.
MINORITY_STYLES: dict[str, NameStyle] = {
    "02": _style("Hoàng Nông Lương Ma Hà Lục Đàm Triệu Lăng Bế Vi Lâm Hứa Nguyễn Dương"),  # Tày
    "03": _style("Lò Lường Cầm Quàng Tòng Vì Hà Lù Điêu Sầm"),  # Thái
    "04": _style("Lâm Trần Lý Hoàng Tăng Diệp Quan Lưu"),  # Hoa
    "06": _style("Bùi Đinh Quách Hà Xa Cao"),  # Mường
    "07": _style("Hoàng Nông Lương Lý Chu Vi Hứa Lăng Triệu Mã Lộc"),  # Nùng
    "08": _style(  # Mông: "Giàng A Páo", "Sùng Thị Mỷ"
        "Giàng Sùng Vàng Thào Lý Hầu Mùa Lầu Ly Hờ",
        male_given="Páo Chớ Dính Sử Lử Chá Dế Pó Chư Tủa Sình Lềnh Nhè Chua Dào Phừ",
        female_given="Mỷ Sua Say Dua Chía Mai Pằng Dợ Xúa Mo Chi Cở Dở Lan",
        male_middle={"A": 60, "Seo": 25, "Văn": 15},
        female_middle={"Thị": 55, "Mí": 30, "Thị Mỷ": 2},
    ),
    "09": _style(  # Dao
        "Triệu Bàn Đặng Lý Phùng Chảo Tẩn Dương",
        male_given="Tòn Phin Chòi Sinh Kiềm Quáy Chàn Phấy Vần Lai Tài Sơn Minh",
        female_given="Mùi Mẩy Quyên Hin Nhất Slim Liềm Mai Thu Dung Xuân",
        male_middle={"Văn": 75, "Tòn": 10, "Kiều": 5, "Phúc": 10},
    ),
    "12": _style(  # Ê-đê: "Y Moan Ênuôl" (men), "H'Hen Niê" (women)
        "Niê Êban Mlô Ksơr Adrơng Byă Ayŭn Kbuôr Hwing Êñuôl Buôn Yă Knul Hđơk",
        male_given="Moan Bih Ngông Thuôn Kuang Jit Khuê Wai Tlang Sơn Hlin Blin Kô Nuê Dhăm Mil",
        female_given="Hen Ngăn Bia Mai Loan Nhi Lim Yơn Ngôn Bliu Wiên Duyên Hra Juen Mlô",
        male_middle={"Y": 100},
        female_middle={"H'": 100},
        family_last=True,
    ),
    "10": _style(  # Gia-rai
        "Ksor Siu Rơ Châm Nay Rah Lan Rơ Mah Kpă Puih Hiao",
        male_given="Blép Nhă Thiên Djú Hyơng Kơ Khuynh Ngưm",
        female_given="Blin Mai Lê Hyơn Phú Nhuốt Djuăn",
        male_middle={"Y": 100},
        female_middle={"H'": 100},
        family_last=True,
    ),
    "20": _style(  # Mnông
        "Bđăp Liêng Siêng Ndu Bon Yo Kơ Nông Nđơr",
        male_given="Ngọc Krông Bruê Dôn Săn Thiêng Kan Brơi",
        female_given="Bia Mlo Jen Dôn Rin Ngơn",
        male_middle={"Y": 100},
        female_middle={"H'": 100},
        family_last=True,
    ),
    "18": _style("Lục Diệp Trương Tạ Lam Dương Bàn Trần"),  # Sán Dìu
    "15": _style("Hoàng Lâm Triệu Nịnh Lý Tô Trần"),  # Sán Chay
    "05": _style("Thạch Sơn Danh Kim Lâm Châu Dương Lý", male_middle={"": 100}, female_middle={"Thị": 100}),
    "17": _style("Đàng Thành Lưu Quảng Trượng Bá Châu"),  # Chăm
    "13": _style("Đinh Y Ksor Hiên"),  # Ba-na
}

# Shares of each ethnic group (code: per cent) where the reports are set, and a default.
PROVINCE_ETHNIC_MIX: dict[int, dict[str, float]] = {
    19: {"01": 66, "02": 17, "07": 6, "09": 4, "18": 2.5, "15": 2, "08": 1.5, "04": 0.5, "06": 0.5},
    66: {
        "01": 68,
        "12": 15,
        "07": 3,
        "02": 2.5,
        "08": 1.5,
        "10": 2,
        "20": 2,
        "09": 1,
        "03": 1,
        "06": 1,
        "17": 0.5,
        "13": 0.5,
    },
    4: {"01": 6, "02": 40, "07": 31, "08": 11, "09": 10, "04": 1, "15": 1},
    11: {"01": 18, "03": 38, "08": 35, "09": 1.5, "29": 3, "04": 0.5, "42": 1},
    52: {"01": 52, "10": 33, "13": 12, "14": 1, "02": 1, "07": 1},
    91: {"01": 92, "05": 5, "17": 1, "04": 2},
}
DEFAULT_ETHNIC_MIX = {"01": 90, "02": 2, "03": 2, "06": 2, "05": 2, "04": 1, "07": 1}
NORTHERN_MOUNTAINS = {4, 8, 11, 12, 14, 15, 19, 20}
CENTRAL_HIGHLANDS = {52, 66, 68}
SOUTH = {75, 79, 80, 82, 86, 91, 92, 96}

# Age pyramid of Viet Nam, 2024 (per cent by five-year band, 0–4 … 90+), rounded.
AGE_BANDS = [7.0, 7.8, 7.9, 7.0, 6.8, 7.4, 8.1, 8.2, 7.6, 6.9, 6.3, 5.6, 4.9, 3.8, 2.6, 1.6, 1.0, 0.7, 0.4]
AGE_BAND_WEIGHTS = list(itertools.accumulate(AGE_BANDS))

# Household sizes (members: per cent), mean about 3.5.
HOUSEHOLD_SIZES = {1: 10, 2: 18, 3: 21, 4: 25, 5: 14, 6: 7, 7: 3, 8: 2}
MOBILE_PREFIXES = [
    "032",
    "033",
    "034",
    "035",
    "036",
    "037",
    "038",
    "039",
    "086",
    "096",
    "097",
    "098",  # Viettel
    "081",
    "082",
    "083",
    "084",
    "085",
    "088",
    "091",
    "094",  # VinaPhone
    "070",
    "076",
    "077",
    "078",
    "079",
    "089",
    "090",
    "093",  # MobiFone
    "052",
    "056",
    "058",
    "092",
    "059",
    "099",
]


class Chooser:
    """Fast weighted choice from a fixed table (bisect on cumulative weights)."""

    def __init__(self, weights: dict[str, float] | dict[int, float]) -> None:
        self.values = list(weights)
        self.cumulative = list(itertools.accumulate(weights.values()))
        self.total = self.cumulative[-1]

    def __call__(self, rng: random.Random) -> Any:
        return self.values[bisect.bisect_right(self.cumulative, rng.random() * self.total)]


@dataclass
class _StyleChoosers:
    style: NameStyle
    family: Chooser = field(init=False)
    male_middle: Chooser = field(init=False)
    female_middle: Chooser = field(init=False)
    male_given: Chooser = field(init=False)
    female_given: Chooser = field(init=False)

    def __post_init__(self) -> None:
        for name in ("family", "male_middle", "female_middle", "male_given", "female_given"):
            setattr(self, name, Chooser(getattr(self.style, name)))

    def name(self, rng: random.Random, sex: str, family: str) -> str:
        middle = (self.male_middle if sex == "male" else self.female_middle)(rng)
        given = (self.male_given if sex == "male" else self.female_given)(rng)
        if self.style.family_last:
            return f"{middle}{given} {family}" if middle.endswith("'") else f"{middle} {given} {family}"
        # Some Kinh names carry two middle names ("Nguyễn Thị Ngọc Ánh").
        if middle in {"Thị", "Văn"} and rng.random() < 0.08:
            extra = (self.male_middle if sex == "male" else self.female_middle)(rng)
            if extra != middle:
                middle = f"{middle} {extra}"
        return " ".join(part for part in (family, middle, given) if part)


# --- Generation -------------------------------------------------------------------------------------


@dataclass
class GenerationResult:
    database_url: str
    vendor: str
    province_code: int
    communes: int
    villages: int
    households: int
    residents: int
    seed: int
    seconds: dict[str, float]

    @property
    def total_seconds(self) -> float:
        return sum(self.seconds.values())


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _age(rng: random.Random, low: int = 0, high: int = 99) -> int:
    """An age drawn from the pyramid, kept within [low, high]."""
    for _ in range(20):
        band = bisect.bisect_right(AGE_BAND_WEIGHTS, rng.random() * AGE_BAND_WEIGHTS[-1])
        age = band * 5 + rng.randrange(5 if band < len(AGE_BANDS) - 1 else 10)
        if low <= age <= high:
            return age
    return rng.randint(low, max(low, high))


class _Province:
    """Everything that is drawn per province: who lives there and how villages are named."""

    def __init__(self, province_code: int, rng: random.Random) -> None:
        self.code = province_code
        self.rng = rng
        mix = PROVINCE_ETHNIC_MIX.get(province_code, DEFAULT_ETHNIC_MIX)
        self.ethnic = Chooser(mix)
        kinh = KINH_SOUTH if province_code in SOUTH or province_code in CENTRAL_HIGHLANDS else KINH_NORTH
        self.styles = {code: _StyleChoosers(MINORITY_STYLES.get(code, kinh)) for code in mix}
        self.styles["01"] = _StyleChoosers(kinh)
        from langso.core.validators import CCCD_PROVINCE_CODES

        own = f"{province_code:03d}"
        others = sorted(CCCD_PROVINCE_CODES - {own})
        # Most people had their birth registered in the province; some moved in.
        self.cccd_places = (
            Chooser({own: 85, **{code: 15 / len(others) for code in others}})
            if own in CCCD_PROVINCE_CODES
            else Chooser(dict.fromkeys(others, 1))
        )
        self.used_cccd: set[str] = set()
        self.used_phone: set[str] = set()

    def village_kind_and_label(self, division_type: str, dominant_group: str) -> tuple[str, str]:
        if division_type == "phường":
            return "to_dan_pho", "Tổ dân phố"
        if self.code in CENTRAL_HIGHLANDS and dominant_group in {"12", "10", "20", "13"}:
            return "buon", "Buôn"
        if self.code in NORTHERN_MOUNTAINS and dominant_group in {"03", "08", "09", "02", "07"}:
            return "ban", "Bản"
        if self.code in SOUTH:
            return "ap", "Ấp"
        return "thon", "Thôn"

    def cccd(self, sex: str, birth_year: int) -> str:
        century_sex = (birth_year // 100 - 19) * 2 + (0 if sex == "male" else 1)
        prefix = f"{self.cccd_places(self.rng)}{century_sex}{birth_year % 100:02d}"
        while True:
            number = f"{prefix}{self.rng.randrange(1_000_000):06d}"
            if number not in self.used_cccd:
                self.used_cccd.add(number)
                return number

    def phone(self) -> str:
        while True:
            number = f"{self.rng.choice(MOBILE_PREFIXES)}{self.rng.randrange(10_000_000):07d}"
            if number not in self.used_phone:
                self.used_phone.add(number)
                return number


@dataclass
class _Person:
    age: int
    sex: str
    family: str
    ethnic_group: str
    is_head: bool = False


def _household_people(province: _Province, rng: random.Random, size: int, ethnic_group: str) -> list[_Person]:
    """A believable household: a head, often a spouse, children, sometimes a grandparent."""
    style = province.styles[ethnic_group]
    head_sex = "male" if rng.random() < 0.72 or size >= 4 and rng.random() < 0.5 else "female"
    # Heads of bigger households are older: their children include adults.
    head_age = _age(rng, 35 if size > 3 else 25, 95)
    head_family = style.family(rng)
    people = [_Person(head_age, head_sex, head_family, ethnic_group, is_head=True)]
    father_family = head_family
    if size >= 2 and rng.random() < 0.85:
        spouse_sex = "female" if head_sex == "male" else "male"
        spouse_age = max(18, min(99, head_age + rng.randint(-3, 6) * (1 if head_sex == "female" else -1)))
        spouse_group = ethnic_group if rng.random() < 0.9 else province.ethnic(rng)
        spouse_family = province.styles[spouse_group].family(rng)
        people.append(_Person(spouse_age, spouse_sex, spouse_family, spouse_group))
        if spouse_sex == "male":
            father_family = spouse_family
    if len(people) < size and head_age >= 45 and rng.random() < 0.2:
        elder_age = min(99, head_age + rng.randint(20, 32))
        people.append(
            _Person(elder_age, "female" if rng.random() < 0.65 else "male", head_family, ethnic_group)
        )
    youngest_parent = min(p.age for p in people[:2])
    while len(people) < size:
        # Children of any age the parents allow (adult children and grandchildren included), in the
        # proportions of the national pyramid.
        age = _age(rng, 0, max(0, youngest_parent - 18))
        people.append(_Person(age, "male" if rng.random() < 0.512 else "female", father_family, ethnic_group))
    return people


def _iter_rows(
    *,
    province: _Province,
    rng: random.Random,
    villages: list[dict[str, Any]],
    people: int,
    today: datetime.date,
    fold: Callable[[str], str],
    sort_key: Callable[[str], str],
) -> Iterator[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """Yield (household, residents) until `people` residents exist, filling villages in turn."""
    sizes = Chooser(HOUSEHOLD_SIZES)
    household_number: dict[int, int] = {}
    poverty_year = today.year - 1 if today.month < 12 else today.year
    made = 0
    per_village = people / len(villages)
    folded_cache: dict[str, tuple[str, str]] = {}
    for village in itertools.cycle(villages):
        if made >= people:
            return
        target = max(30, int(rng.gauss(per_village, per_village * 0.25)))
        in_village = 0
        while in_village < target and made < people:
            size = min(sizes(rng), people - made)
            group = village["dominant_group"] if rng.random() < 0.85 else province.ethnic(rng)
            commune_code = village["commune_id"]
            household_number[commune_code] = household_number.get(commune_code, 0) + 1
            household_id = _uuid(rng)
            draw = rng.random()
            poverty = (
                "poor"
                if draw < 0.10
                else "near_poor"
                if draw < 0.18
                else "disadvantaged"
                if draw < 0.20
                else "none"
            )
            members = []
            head_id = None
            for person in _household_people(province, rng, size, group):
                style = province.styles[person.ethnic_group]
                full_name = style.name(rng, person.sex, person.family)
                derived = folded_cache.get(full_name)
                if derived is None:
                    derived = folded_cache[full_name] = (fold(full_name), sort_key(full_name))
                birth_year = today.year - person.age - (1 if rng.random() < 0.5 else 0)
                # Many elderly people's records hold the year only.
                has_date = rng.random() < (0.95 if person.age < 60 else 0.6)
                birth_date = (
                    datetime.date(birth_year, 1, 1) + datetime.timedelta(days=rng.randrange(365))
                    if has_date
                    else None
                )
                cccd = None
                if person.age >= 14 and rng.random() < 0.96 or person.age < 14 and rng.random() < 0.2:
                    cccd = province.cccd(person.sex, birth_year)
                phone_chance = 0.93 if person.age >= 18 else 0.5 if person.age >= 12 else 0.0
                phone = province.phone() if rng.random() < phone_chance else ""
                smartphone_chance = 0.85 if person.age < 55 else 0.55 if person.age < 70 else 0.3
                resident_id = _uuid(rng)
                if person.is_head:
                    head_id = resident_id
                members.append(
                    {
                        "id": resident_id,
                        "household_id": household_id,
                        "village_id": village["id"],
                        "commune_id": commune_code,
                        "province_id": province.code,
                        "full_name": full_name,
                        "name_folded": derived[0],
                        "sort_key": derived[1],
                        "birth_date": birth_date,
                        "birth_year": birth_year,
                        "sex": person.sex,
                        "ethnic_group": person.ethnic_group,
                        "cccd": cccd,
                        "phone": phone,
                        "has_disability": rng.random() < (0.03 if person.age < 60 else 0.12),
                        "owns_smartphone": bool(phone) and rng.random() < smartphone_chance,
                        "is_head": person.is_head,
                    }
                )
            household = {
                "id": household_id,
                "code": f"HGD-{household_number[commune_code]:05d}",
                "village_id": village["id"],
                "commune_id": commune_code,
                "province_id": province.code,
                "address": f"Số {rng.randint(1, 250)}, {village['name']}"
                if rng.random() < 0.6
                else village["name"],
                "head_id": head_id,
                "poverty": poverty,
                "poverty_year": poverty_year - rng.randint(0, 1)
                if poverty in {"poor", "near_poor"}
                else None,
                "notes": "",
            }
            yield household, members
            made += len(members)
            in_village += len(members)


def _make_villages(
    *,
    province: _Province,
    rng: random.Random,
    communes: list[Any],
    count: int,
    fold: Callable[[str], str],
    place_sort_key: Callable[[str], str],
) -> list[dict[str, Any]]:
    # Communes differ in size: a log-normal share of the villages each.
    weights = [rng.lognormvariate(0, 0.5) for _ in communes]
    total = sum(weights)
    per_commune = [max(1, round(count * w / total)) for w in weights]
    villages = []
    for commune, how_many in zip(communes, per_commune, strict=True):
        numbers: dict[str, int] = {}
        for _ in range(how_many):
            group = province.ethnic(rng)
            kind, label = province.village_kind_and_label(commune.division_type, group)
            numbers[label] = numbers.get(label, 0) + 1
            name = f"{label} {numbers[label]}"
            villages.append(
                {
                    "id": _uuid(rng),
                    "commune_id": commune.code,
                    "name": name,
                    "kind": kind,
                    "broadband": rng.choice(["yes", "yes", "yes", "partial", "unknown"]),
                    "mobile_4g": rng.choice(["yes", "yes", "yes", "yes", "partial"]),
                    "mobile_5g": rng.choice(["no", "no", "partial", "yes", "unknown"]),
                    "coverage_checked_on": None,
                    "name_folded": fold(name),
                    "sort_key": place_sort_key(name),
                    "dominant_group": group,
                }
            )
    rng.shuffle(villages)
    return villages


# --- Writing ----------------------------------------------------------------------------------------


class _TableWriter:
    """Column order, defaults and value formats for one model's table, per database vendor."""

    def __init__(self, model: Any, vendor: str, now: datetime.datetime) -> None:
        from django.db import connection
        from django.db.models import NOT_PROVIDED

        self.table = model._meta.db_table
        self.vendor = vendor
        self.fields = list(model._meta.concrete_fields)
        self.columns = [f.column for f in self.fields]
        self.defaults: dict[str, Any] = {}
        for f in self.fields:
            if f.attname in {"created_at", "updated_at"}:
                self.defaults[f.attname] = now
            elif f.default is not NOT_PROVIDED:
                self.defaults[f.attname] = f.get_default()
            elif f.null:
                self.defaults[f.attname] = None
            elif f.blank and f.empty_strings_allowed:  # an optional text column the generator leaves empty
                self.defaults[f.attname] = ""
        self.attnames = [f.attname for f in self.fields]
        self.now_sqlite = connection.ops.adapt_datetimefield_value(now) if vendor == "sqlite" else None

    def _values(self, row: dict[str, Any]) -> list[Any]:
        try:
            return [row[name] if name in row else self.defaults[name] for name in self.attnames]
        except KeyError as exc:
            raise RuntimeError(f"{self.table}: the generator gives no value for column {exc}") from exc

    def copy_line(self, row: dict[str, Any]) -> str:
        out = []
        for value in self._values(row):
            if value is None:
                out.append("\\N")
            elif value is True:
                out.append("t")
            elif value is False:
                out.append("f")
            elif isinstance(value, datetime.date | datetime.datetime):
                out.append(value.isoformat())
            else:
                out.append(str(value))
        return "\t".join(out) + "\n"

    def sqlite_tuple(self, row: dict[str, Any]) -> tuple[Any, ...]:
        out: list[Any] = []
        for value in self._values(row):
            if isinstance(value, uuid.UUID):
                out.append(value.hex)  # Django keeps UUIDs as 32 hex characters on SQLite
            elif isinstance(value, datetime.datetime):
                out.append(self.now_sqlite)
            elif isinstance(value, datetime.date):
                out.append(value.isoformat())
            elif isinstance(value, bool):
                out.append(int(value))
            else:
                out.append(value)
        return tuple(out)


class _PostgresLoader:
    """COPY in big chunks; secondary indexes are dropped first and rebuilt once at the end."""

    tables = ("registry_resident", "registry_household", "places_village")

    def __init__(self, connection: Any) -> None:
        self.connection = connection
        self.cursor = connection.cursor()
        self.saved_indexes: list[tuple[str, str]] = []

    def begin(self) -> None:
        cursor = self.cursor
        cursor.execute("SET maintenance_work_mem = '512MB'")
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if cursor.fetchone()[0]:
            # Generated rows are consistent by construction: skip a million foreign-key checks.
            cursor.execute("SET session_replication_role = replica")
        cursor.execute(
            """
            SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
            FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
            WHERE t.relname = ANY(%s) AND NOT i.indisprimary
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
            """,
            [list(self.tables)],
        )
        self.saved_indexes = cursor.fetchall()
        for name, _definition in self.saved_indexes:
            cursor.execute(f'DROP INDEX "{name}"')

    def write(self, writer: _TableWriter, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        buffer = io.StringIO()
        buffer.writelines(writer.copy_line(row) for row in rows)
        columns = ", ".join(f'"{c}"' for c in writer.columns)
        raw_cursor = self.cursor.cursor  # psycopg's own cursor, under Django's wrapper
        with raw_cursor.copy(f'COPY "{writer.table}" ({columns}) FROM STDIN') as copy:
            copy.write(buffer.getvalue())

    def finish(self) -> None:
        for _name, definition in self.saved_indexes:
            self.cursor.execute(definition)
        self.cursor.execute("SET session_replication_role = DEFAULT")
        # Triggers were off for the load: fill the distinct-names table they keep (migration 0002).
        self.cursor.execute("SELECT to_regclass('registry_resident_name') IS NOT NULL")
        if self.cursor.fetchone()[0]:
            self.cursor.execute(
                "INSERT INTO registry_resident_name (province_id, sort_key, name_folded) "
                "SELECT DISTINCT province_id, sort_key, name_folded FROM registry_resident "
                "ON CONFLICT DO NOTHING"
            )


class _SqliteLoader:
    def __init__(self, connection: Any) -> None:
        self.connection = connection

    def begin(self) -> None:
        """One transaction holds the whole load, so WAL with synchronous=NORMAL syncs once."""

    def write(self, writer: _TableWriter, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        placeholders = ", ".join("?" * len(writer.columns))
        columns = ", ".join(f'"{c}"' for c in writer.columns)
        self.connection.connection.executemany(
            f'INSERT INTO "{writer.table}" ({columns}) VALUES ({placeholders})',
            [writer.sqlite_tuple(row) for row in rows],
        )

    def finish(self) -> None:
        pass


def generate_province(
    *,
    people: int,
    province_code: int = 19,
    communes: int | None = None,
    seed: int = 1,
    log: Callable[[str], None] = print,
) -> GenerationResult:
    """Fill the configured (migrated) database with one province. Django must be set up."""
    from django.db import connection, transaction

    from langso.core.text import fold, place_sort_key, vietnamese_sort_key
    from langso.places.loaders import load_administrative_units
    from langso.places.models import Commune, Village
    from langso.registry.models import Household, Resident

    timings: dict[str, float] = {}
    started = time.perf_counter()
    load_administrative_units()
    timings["administrative units"] = time.perf_counter() - started

    rng = random.Random(seed)
    province = _Province(province_code, rng)
    commune_list = list(Commune.objects.filter(province_id=province_code).order_by("code"))
    if not commune_list:
        raise SystemExit(f"Province {province_code} has no communes: is the code right?")
    if communes:
        commune_list = commune_list[:communes]
    if Resident.objects.filter(province_id=province_code).exists():
        raise SystemExit(
            f"Province {province_code} already has residents in this database; use --reset for a fresh one."
        )
    now = datetime.datetime.now(tz=datetime.UTC)
    today = datetime.date.today()
    vendor = connection.vendor
    writers = {model: _TableWriter(model, vendor, now) for model in (Village, Household, Resident)}
    loader: _PostgresLoader | _SqliteLoader = (
        _PostgresLoader(connection) if vendor == "postgresql" else _SqliteLoader(connection)
    )
    village_count = max(len(commune_list), round(people / PEOPLE_PER_VILLAGE))
    counts = {"villages": 0, "households": 0, "residents": 0}
    with transaction.atomic():
        step = time.perf_counter()
        loader.begin()
        villages = _make_villages(
            province=province,
            rng=rng,
            communes=commune_list,
            count=village_count,
            fold=fold,
            place_sort_key=place_sort_key,
        )
        loader.write(writers[Village], villages)
        counts["villages"] = len(villages)
        households: list[dict[str, Any]] = []
        residents: list[dict[str, Any]] = []
        rows = _iter_rows(
            province=province,
            rng=rng,
            villages=villages,
            people=people,
            today=today,
            fold=fold,
            sort_key=vietnamese_sort_key,
        )
        for household, members in rows:
            households.append(household)
            residents.extend(members)
            if len(residents) >= COPY_CHUNK_ROWS:
                loader.write(writers[Household], households)
                loader.write(writers[Resident], residents)
                counts["households"] += len(households)
                counts["residents"] += len(residents)
                log(f"  {counts['residents']:>10,} residents  {time.perf_counter() - step:6.1f} s")
                households, residents = [], []
        loader.write(writers[Household], households)
        loader.write(writers[Resident], residents)
        counts["households"] += len(households)
        counts["residents"] += len(residents)
        timings["rows written"] = time.perf_counter() - step
        step = time.perf_counter()
        loader.finish()
        timings["indexes rebuilt"] = time.perf_counter() - step
    step = time.perf_counter()
    _analyze(connection)
    timings["vacuum/analyze"] = time.perf_counter() - step
    return GenerationResult(
        database_url=_redacted(os.environ.get("DATABASE_URL", "")),
        vendor=vendor,
        province_code=province_code,
        communes=len(commune_list),
        villages=counts["villages"],
        households=counts["households"],
        residents=counts["residents"],
        seed=seed,
        seconds={k: round(v, 2) for k, v in timings.items()},
    )


def _analyze(connection: Any) -> None:
    """Fresh statistics for the planner and, on PostgreSQL, a visibility map for index-only scans."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in (
                "places_village",
                "registry_household",
                "registry_resident",
                "registry_resident_name",
            ):
                cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [table])
                if cursor.fetchone()[0]:
                    cursor.execute(f"VACUUM (ANALYZE) {table}")
        else:
            cursor.execute("ANALYZE")


# --- Database set-up --------------------------------------------------------------------------------


def _redacted(url: str) -> str:
    parsed = urlparse(url)
    if parsed.password:
        return url.replace(f":{parsed.password}@", ":***@")
    return url


def _database_name(database_url: str) -> str:
    import dj_database_url

    return str(dj_database_url.parse(database_url)["NAME"])


def _is_sqlite(database_url: str) -> bool:
    return database_url.startswith("sqlite")


def is_disposable(database_url: str) -> bool:
    """Only databases named for benchmarks are ever dropped and made again by these scripts."""
    return "bench" in Path(_database_name(database_url)).name


def reset_database(database_url: str) -> None:
    """Drop and re-create a benchmark database (refused for any name without "bench")."""
    if not is_disposable(database_url):
        raise SystemExit(f"Refusing to reset {_redacted(database_url)}: its name does not contain 'bench'.")
    name = _database_name(database_url)
    if _is_sqlite(database_url):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{name}{suffix}").unlink(missing_ok=True)
        Path(name).parent.mkdir(parents=True, exist_ok=True)
        return
    import psycopg

    admin_url = urlparse(database_url)._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def ensure_database_exists(database_url: str) -> None:
    name = _database_name(database_url)
    if _is_sqlite(database_url):
        Path(name).parent.mkdir(parents=True, exist_ok=True)
        return
    import psycopg

    admin_url = urlparse(database_url)._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


_configured_url: str | None = None


def setup_django(database_url: str) -> None:
    """Point Django at `database_url`, once per process (settings read DATABASE_URL at start-up)."""
    global _configured_url
    if _configured_url is not None:
        if _configured_url != database_url:
            raise RuntimeError("Django is already set up for another database in this process.")
        return
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "langso.settings"
    src = str(PROJECT_DIR / "src")
    if src not in sys.path:
        sys.path.insert(0, src)
    import django

    django.setup()
    _configured_url = database_url


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def ensure_generated_province(
    *,
    database_url: str,
    people: int,
    province_code: int = 19,
    communes: int | None = None,
    seed: int = 1,
    reset: bool = False,
    log: Callable[[str], None] = print,
) -> GenerationResult | None:
    """Re-use a benchmark database that already holds this province at this size, or make it.

    Returns the generation result, or None when an existing database was re-used.
    """
    from_scratch = reset
    if not from_scratch:
        ensure_database_exists(database_url)
        setup_django(database_url)
        migrate()
        from langso.registry.models import Resident

        existing = Resident.objects.filter(province_id=province_code).count()
        if existing == people:
            log(f"Re-using {_redacted(database_url)}: province {province_code} has {existing:,} residents.")
            return None
        if existing:
            if not is_disposable(database_url):
                raise SystemExit(
                    f"Province {province_code} has {existing:,} residents, not {people:,}; use --reset."
                )
            log(
                f"Province {province_code} has {existing:,} residents, not {people:,}: making the database again."
            )
            from_scratch = True
    if from_scratch:
        if _configured_url is not None:
            from django.db import connections

            connections.close_all()
        reset_database(database_url)
        setup_django(database_url)
        migrate()
    log(f"Generating {people:,} people in province {province_code} ({_redacted(database_url)}) …")
    result = generate_province(
        people=people, province_code=province_code, communes=communes, seed=seed, log=log
    )
    log(
        f"Done: {result.villages:,} villages, {result.households:,} households, {result.residents:,} residents "
        f"in {result.total_seconds:.1f} s ({', '.join(f'{k} {v:.1f} s' for k, v in result.seconds.items())})"
    )
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL))
    parser.add_argument("--province", type=int, default=19, help="province code (19 Thái Nguyên, 66 Đắk Lắk)")
    parser.add_argument(
        "--communes", type=int, default=None, help="use only the first K communes (default all)"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--reset", action="store_true", help="drop and re-create the (benchmark) database first"
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    result = ensure_generated_province(
        database_url=args.database_url,
        people=args.people,
        province_code=args.province,
        communes=args.communes,
        seed=args.seed,
        reset=args.reset,
    )
    if result is not None:
        BENCH_OUT.mkdir(parents=True, exist_ok=True)
        out = BENCH_OUT / f"generate-{result.vendor}-{result.residents}.json"
        payload = {
            **asdict(result),
            "total_seconds": round(result.total_seconds, 2),
            "wall_seconds": round(time.perf_counter() - started, 2),
        }
        import json

        out.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"Wrote {out.relative_to(PROJECT_DIR)}")


if __name__ == "__main__":
    main()
