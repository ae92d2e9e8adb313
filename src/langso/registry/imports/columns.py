"""The columns each kind of list has: keys, template headers, accepted header spellings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy

from langso.core.text import fold_compact
from langso.registry.models import (
    ImportKind,
)


@dataclass(frozen=True)
class Column:
    key: str
    header: Any  # lazy Vietnamese header, as written in the template
    required: bool = False
    aliases: tuple[str, ...] = ()
    example: str = ""
    help: Any = ""

    def names(self) -> set[str]:
        return {fold_compact(str(self.header)), *(fold_compact(a) for a in self.aliases)}


_YES_NO_HELP = gettext_lazy("Có hoặc Không; để trống là Không.")
_COVERAGE_HELP = gettext_lazy("Có, Một phần, Không, hoặc để trống nếu chưa rõ.")
# Headers communes give the village column: matched after folding case, diacritics and punctuation.
_VILLAGE_ALIASES = (
    "ten thon",
    "thon/ban",
    "thon/ban/to dan pho",
    "ten thon/ban",
    "thon, ban",
    "to dan pho",
    "to/xom",
    "thon/xom",
    "xom",
    "thon/to",
    "ban",
    "ten ban",
    "thon ban",
    "thon/ban/ap",
    "ap",
    "khu pho",
    "to",
    "thon/to dan pho",
    "noi o (thon)",
)
_HOUSEHOLD_CODE_ALIASES = (
    "ma ho gia dinh",
    "so ho",
    "ma so ho",
    "ma hgd",
    "ma ho gd",
    "so ho gia dinh",
    "so thu tu ho",
    "stt ho",
    "so so ho",
    "so ho khau",
    "so so ho khau",
)

COLUMNS: dict[str, tuple[Column, ...]] = {
    ImportKind.VILLAGES: (
        Column(
            "name",
            gettext_lazy("Tên thôn"),
            True,
            ("ten thon/ban", "thon", "ten", "thon/ban/to dan pho", "ten thon/ban/to dan pho"),
            "Thôn Bản Cáu",
            gettext_lazy("Tên thôn, bản, buôn, ấp hoặc tổ dân phố. Thôn đã có (cùng tên) được cập nhật."),
        ),
        Column(
            "kind",
            gettext_lazy("Loại"),
            False,
            ("loai thon",),
            "Thôn",
            gettext_lazy("Thôn, Bản, Buôn, Ấp, Tổ dân phố, Khu phố hoặc Khác; để trống là Thôn."),
        ),
        Column(
            "broadband",
            gettext_lazy("Cáp quang"),
            False,
            ("internet cap quang", "bang rong", "bang rong co dinh"),
            "Có",
            _COVERAGE_HELP,
        ),
        Column("mobile_4g", gettext_lazy("4G"), False, ("song 4g",), "Một phần", _COVERAGE_HELP),
        Column("mobile_5g", gettext_lazy("5G"), False, ("song 5g",), "Không", _COVERAGE_HELP),
        Column(
            "coverage_checked_on",
            gettext_lazy("Ngày kiểm tra"),
            False,
            ("ngay kiem tra phu song",),
            "05/03/2026",
            gettext_lazy("Ngày kiểm tra phủ sóng, dạng ngày/tháng/năm."),
        ),
    ),
    ImportKind.HOUSEHOLDS: (
        Column(
            "code",
            gettext_lazy("Mã hộ"),
            True,
            _HOUSEHOLD_CODE_ALIASES,
            "01-001",
            gettext_lazy("Số hộ trong sổ hộ của xã; không trùng trong xã. Hộ đã có (cùng mã) được cập nhật."),
        ),
        Column(
            "village",
            gettext_lazy("Thôn"),
            True,
            _VILLAGE_ALIASES,
            "Thôn Bản Cáu",
            gettext_lazy("Tên một thôn đã có của xã."),
        ),
        Column("address", gettext_lazy("Địa chỉ"), False, ("dia chi ho",), "Xóm Trên", ""),
        Column(
            "poverty",
            gettext_lazy("Phân loại hộ"),
            False,
            ("ho ngheo/can ngheo", "phan loai", "ho ngheo, can ngheo"),
            "Hộ nghèo",
            gettext_lazy("Hộ nghèo, Hộ cận nghèo, Hộ khó khăn khác, Không; để trống là giữ như cũ."),
        ),
        Column(
            "poverty_year",
            gettext_lazy("Năm rà soát"),
            False,
            ("nam ra soat ho ngheo",),
            "2025",
            gettext_lazy("Năm rà soát hộ nghèo/cận nghèo; bắt buộc với hộ nghèo và cận nghèo."),
        ),
        Column("notes", gettext_lazy("Ghi chú"), False, (), "", ""),
    ),
    ImportKind.RESIDENTS: (
        Column(
            "household_code",
            gettext_lazy("Mã hộ"),
            True,
            _HOUSEHOLD_CODE_ALIASES,
            "01-001",
            gettext_lazy(
                "Số hộ trong sổ hộ của xã. Hộ chưa có sẽ được tạo nếu dòng ghi cột Thôn (và nếu cần: "
                "Địa chỉ, Phân loại hộ, Năm rà soát)."
            ),
        ),
        Column(
            "full_name",
            gettext_lazy("Họ và tên"),
            True,
            (
                "ho ten",
                "ho va ten nguoi dan",
                "ten",
                "ho ten nguoi dan",
                "ho va ten khai sinh",
                "ten nguoi dan",
                "ho, ten",
                "ho va ten thanh vien",
                "ho ten thanh vien",
                "nhan khau",
            ),
            "Hoàng Văn Tuấn",
            gettext_lazy("Họ và tên đầy đủ, có dấu."),
        ),
        Column(
            "birth_date",
            gettext_lazy("Ngày sinh"),
            False,
            (
                "ngay thang nam sinh",
                "ngay/thang/nam sinh",
                "ngay sinh (dd/mm/yyyy)",
                "ngay, thang, nam sinh",
                "sinh ngay",
            ),
            "05/03/1960",
            gettext_lazy(
                "Dạng ngày/tháng/năm, ví dụ 05/03/1960. Nếu chỉ biết năm, ghi năm ở đây hoặc ở cột Năm sinh."
            ),
        ),
        Column(
            "birth_year",
            gettext_lazy("Năm sinh"),
            False,
            ("nam sinh (yyyy)", "ns", "sinh nam"),
            "",
            gettext_lazy("Bốn chữ số, ví dụ 1962."),
        ),
        Column(
            "sex",
            gettext_lazy("Giới tính"),
            True,
            ("gioi", "nam/nu", "nam, nu", "gt", "gioi tinh (nam/nu)", "phai"),
            "Nam",
            gettext_lazy("Nam hoặc Nữ."),
        ),
        Column(
            "ethnic_group",
            gettext_lazy("Dân tộc"),
            False,
            ("thanh phan dan toc",),
            "Tày",
            gettext_lazy("Tên một trong 54 dân tộc, ví dụ Kinh, Tày, Ê-đê, Mông."),
        ),
        Column(
            "cccd",
            gettext_lazy("Số CCCD"),
            False,
            (
                "cccd",
                "so can cuoc",
                "can cuoc cong dan",
                "so dinh danh",
                "so dinh danh ca nhan",
                "so cmnd/cccd",
                "cmnd/cccd",
                "so can cuoc cong dan",
                "so cmnd",
                "cmnd",
                "so cccd/cmnd",
                "cccd/cmnd",
                "so cmt/cccd",
                "so dinh danh/cccd",
                "ma dinh danh",
                "so cmnd/cccd/ddcn",
            ),
            "019060001234",
            gettext_lazy("12 chữ số. Nên định dạng cột là Văn bản để giữ số 0 ở đầu."),
        ),
        Column(
            "phone",
            gettext_lazy("Số điện thoại"),
            False,
            (
                "dien thoai",
                "sdt",
                "so dt",
                "so di dong",
                "dien thoai lien he",
                "so dien thoai lien he",
                "dt lien lac",
                "so dt lien lac",
                "sdt lien he",
                "di dong",
            ),
            "0912345678",
            gettext_lazy("Số di động 10 chữ số, ví dụ 0912 345 678 hoặc +84 912 345 678."),
        ),
        Column(
            "has_disability",
            gettext_lazy("Khuyết tật"),
            False,
            ("nguoi khuyet tat", "la nguoi khuyet tat", "nkt"),
            "Không",
            _YES_NO_HELP,
        ),
        Column(
            "owns_smartphone",
            gettext_lazy("Có điện thoại thông minh"),
            False,
            ("dien thoai thong minh", "smartphone", "co smartphone"),
            "Có",
            _YES_NO_HELP,
        ),
        Column(
            "is_head", gettext_lazy("Là chủ hộ"), False, ("chu ho", "la chu ho?", "ch"), "Có", _YES_NO_HELP
        ),
        Column(
            "village",
            gettext_lazy("Thôn"),
            False,
            _VILLAGE_ALIASES,
            "Thôn Bản Cáu",
            gettext_lazy("Thôn của hộ; cần khi hộ chưa có trong sổ."),
        ),
        Column(
            "address",
            gettext_lazy("Địa chỉ"),
            False,
            ("noi o", "noi o hien nay", "dia chi thuong tru", "cho o hien nay", "dia chi ho"),
            "",
            gettext_lazy("Địa chỉ của hộ mới."),
        ),
        Column(
            "poverty",
            gettext_lazy("Phân loại hộ"),
            False,
            ("ho ngheo/can ngheo", "phan loai", "ho ngheo, can ngheo"),
            "",
            gettext_lazy("Của hộ mới: Hộ nghèo, Hộ cận nghèo, Hộ khó khăn khác hoặc để trống."),
        ),
        Column("poverty_year", gettext_lazy("Năm rà soát"), False, (), "", gettext_lazy("Của hộ mới.")),
        # Last, so the bits of the columns before it (kept on jobs as `given`) do not move.
        Column(
            "notes",
            gettext_lazy("Ghi chú"),
            False,
            ("ghi chu ve nguoi dan", "ghi chu khac", "chu thich"),
            "",
            gettext_lazy("Ghi chú về người này; được thêm vào ghi chú đã có, không xoá ghi chú cũ."),
        ),
    ),
}


def _required(kind: str) -> list[str]:
    return [c.key for c in COLUMNS[kind] if c.required]


# Which columns a row gives is kept as a bit mask over the kind's column order (compact in JSON).
_BITS = {kind: {c.key: 1 << i for i, c in enumerate(spec)} for kind, spec in COLUMNS.items()}


def _bit(kind: str, key: str) -> int:
    return _BITS[kind][key]


# "Quan hệ với chủ hộ" (relation to the head) stands for "Là chủ hộ": the row whose relation is "Chủ hộ"
# is the head, any other relation is a member.
RELATION = "relation"
RELATION_HEADERS = frozenset(
    fold_compact(h)
    for h in (
        "quan he voi chu ho",
        "quan he",
        "quan he chu ho",
        "qh voi chu ho",
        "quan he voi chu ho (chu ho/vo/chong/con...)",
        "moi quan he voi chu ho",
        "vai tro trong ho",
    )
)
RELATION_LABEL = gettext_lazy("Quan hệ với chủ hộ (dòng “Chủ hộ” là chủ hộ)")
HEAD_WORDS = frozenset({"chuho", "ch", "lachuho", "chuhogiadinh"})
# The reasons column of a refused-rows file (see refused.py): ignored when that file comes back.
REASONS_HEADER = gettext_lazy("Lý do bị từ chối (sửa dòng rồi nhập lại; cột này được bỏ qua)")


def spec(kind: str) -> tuple[Column, ...]:
    return COLUMNS[kind]
