"""The columns an outside list may have, and the header spellings met in them (docs/outside-lists.md).

Read by the registry import's reader and mapping (`langso.registry.imports.parse_table` with these
specs): headers are matched after folding case, diacritics and punctuation, and an officer maps the
columns of a layout it does not know, remembered for the next file with the same headers.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from langso.outside_lists.models import ListSource
from langso.registry.imports import Column
from langso.registry.imports.columns import _VILLAGE_ALIASES

_NAME = Column(
    "full_name",
    gettext_lazy("Họ và tên"),
    True,
    (
        "ho ten",
        "ho va ten hoc vien",
        "ho ten hoc vien",
        "ten hoc vien",
        "hoc vien",
        "ho ten nguoi hoc",
        "ho va ten nguoi hoc",
        "ho ten cong dan",
        "ho va ten cong dan",
        "ho ten nguoi dan",
        "ho va ten cong dan kich hoat",
        "hoten",
        "ten",
    ),
    "Nguyễn Thị Hoa",
)
_BIRTH_DATE = Column(
    "birth_date",
    gettext_lazy("Ngày sinh"),
    False,
    ("ngay thang nam sinh", "ngay/thang/nam sinh", "sinh ngay", "ngaysinh", "ngay sinh (dd/mm/yyyy)"),
    "05/03/1980",
)
_BIRTH_YEAR = Column("birth_year", gettext_lazy("Năm sinh"), False, ("nam sinh (yyyy)",), "1980")
_CCCD = Column(
    "cccd",
    gettext_lazy("Số CCCD"),
    False,
    (
        "cccd",
        "so cccd/cmnd",
        "so cmnd/cccd",
        "so dinh danh",
        "so dinh danh ca nhan",
        "ma dinh danh",
        "so can cuoc",
        "so can cuoc cong dan",
        "can cuoc cong dan",
        "so cccd/ddcn",
        "so giay to tuy than",
        "so dddt",
    ),
    "036180001234",
)
_VILLAGE = Column(
    "village",
    gettext_lazy("Thôn"),
    False,
    (
        *_VILLAGE_ALIASES,
        "thon/ban/to",
        "noi cu tru (thon)",
        "dia chi thuong tru",
        "dia chi",
        "noi o hien tai",
    ),
    "Thôn Bản Cáu",
)
_COMMUNE = Column(
    "commune",
    gettext_lazy("Xã/phường"),
    False,
    (
        "xa",
        "xa phuong",
        "phuong/xa",
        "ten xa",
        "xa/phuong/thi tran",
        "don vi hanh chinh cap xa",
        "don vi cap xa",
        "dia ban xa",
        "cong an xa/phuong",
        "don vi",
    ),
    "Xã Nghĩa Tá",
)

COLUMNS: dict[str, tuple[Column, ...]] = {
    ListSource.PLATFORM: (
        _NAME,
        _BIRTH_DATE,
        _BIRTH_YEAR,
        _CCCD,
        _VILLAGE,
        _COMMUNE,
        Column(
            "course",
            gettext_lazy("Khóa học"),
            False,
            ("ten khoa hoc", "khoa hoc", "chuong trinh hoc", "ten chuong trinh", "noi dung hoc", "hoc phan"),
            "Kỹ năng số cơ bản",
        ),
        Column(
            "certificate",
            gettext_lazy("Số chứng nhận"),
            False,
            ("so chung chi", "ma chung nhan", "so chung nhan", "ma chung chi", "so hieu chung nhan"),
            "BDHVS-000123",
        ),
        Column(
            "done_on",
            gettext_lazy("Ngày hoàn thành"),
            False,
            (
                "ngay cap",
                "ngay cap chung nhan",
                "ngay hoan thanh khoa hoc",
                "thoi gian hoan thanh",
                "ngay cap chung chi",
                "ngay hoc",
            ),
            "20/11/2026",
        ),
    ),
    ListSource.POLICE: (
        _NAME,
        _BIRTH_DATE,
        _BIRTH_YEAR,
        _CCCD,
        _VILLAGE,
        _COMMUNE,
        Column(
            "done_on",
            gettext_lazy("Ngày kích hoạt"),
            False,
            (
                "thoi gian kich hoat",
                "ngay kich hoat muc 2",
                "ngay kich hoat tai khoan",
                "ngay duyet",
                "ngay cap tai khoan",
                "ngay kich hoat ddđt",
                "ngay kich hoat dddt",
            ),
            "20/11/2026",
        ),
        Column(
            "state",
            gettext_lazy("Trạng thái"),
            False,
            ("trang thai tai khoan", "muc tai khoan", "muc dinh danh", "muc do", "ket qua", "tinh trang"),
            "Đã kích hoạt mức 2",
        ),
    ),
}

# A police row whose state says the account is not (yet) level 2 brings no activation.
NOT_LEVEL_2 = ("muc1", "chuakichhoat", "khongdat", "tuchoi", "dahuy", "huy", "khoa", "biloi", "loi")
