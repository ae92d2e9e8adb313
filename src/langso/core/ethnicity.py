"""Vietnam's 54 official ethnic groups (General Statistics Office codes) and the spellings people use."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from langso.core.text import fold_compact


class EthnicGroup(models.TextChoices):
    KINH = "01", _("Kinh")
    TAY = "02", _("Tày")
    THAI = "03", _("Thái")
    HOA = "04", _("Hoa")
    KHMER = "05", _("Khơ-me")
    MUONG = "06", _("Mường")
    NUNG = "07", _("Nùng")
    HMONG = "08", _("Mông")
    DAO = "09", _("Dao")
    GIA_RAI = "10", _("Gia-rai")
    NGAI = "11", _("Ngái")
    E_DE = "12", _("Ê-đê")
    BA_NA = "13", _("Ba-na")
    XO_DANG = "14", _("Xơ-đăng")
    SAN_CHAY = "15", _("Sán Chay")
    CO_HO = "16", _("Cơ-ho")
    CHAM = "17", _("Chăm")
    SAN_DIU = "18", _("Sán Dìu")
    HRE = "19", _("Hrê")
    MNONG = "20", _("Mnông")
    RA_GLAI = "21", _("Ra-glai")
    XTIENG = "22", _("Xtiêng")
    BRU_VAN_KIEU = "23", _("Bru-Vân Kiều")
    THO = "24", _("Thổ")
    GIAY = "25", _("Giáy")
    CO_TU = "26", _("Cơ-tu")
    GIE_TRIENG = "27", _("Gié-Triêng")
    MA = "28", _("Mạ")
    KHO_MU = "29", _("Khơ-mú")
    CO = "30", _("Co")
    TA_OI = "31", _("Tà-ôi")
    CHO_RO = "32", _("Chơ-ro")
    KHANG = "33", _("Kháng")
    XINH_MUN = "34", _("Xinh-mun")
    HA_NHI = "35", _("Hà Nhì")
    CHU_RU = "36", _("Chu-ru")
    LAO = "37", _("Lào")
    LA_CHI = "38", _("La Chí")
    LA_HA = "39", _("La Ha")
    PHU_LA = "40", _("Phù Lá")
    LA_HU = "41", _("La Hủ")
    LU = "42", _("Lự")
    LO_LO = "43", _("Lô Lô")
    CHUT = "44", _("Chứt")
    MANG = "45", _("Mảng")
    PA_THEN = "46", _("Pà Thẻn")
    CO_LAO = "47", _("Cơ Lao")
    CONG = "48", _("Cống")
    BO_Y = "49", _("Bố Y")
    SI_LA = "50", _("Si La")
    PU_PEO = "51", _("Pu Péo")
    BRAU = "52", _("Brâu")
    O_DU = "53", _("Ơ-đu")
    RO_MAM = "54", _("Rơ-măm")


# Other names and spellings met in commune files, folded (no accents, letters only).
_ALIASES = {
    "viet": "01",
    "nguoikinh": "01",
    "khmer": "05",
    "khome": "05",
    "hmong": "08",
    "mong": "08",
    "meo": "08",
    "jrai": "10",
    "giarai": "10",
    "rhade": "12",
    "ede": "12",
    "bahnar": "13",
    "sedang": "14",
    "koho": "16",
    "kho": "16",
    "cham": "17",
    "hre": "19",
    "mnong": "20",
    "raglai": "21",
    "stieng": "22",
    "vankieu": "23",
    "bru": "23",
    "katu": "26",
    "kmhmu": "29",
    "khmu": "29",
    "taoi": "31",
    "paco": "31",
    "churu": "36",
    "hanhi": "35",
    "lolo": "43",
    "boy": "49",
}

_BY_FOLDED = {fold_compact(str(label)): value for value, label in EthnicGroup.choices}
_BY_FOLDED.update(_ALIASES)


def match_ethnic_group(raw: str | None) -> str | None:
    """The group code for a name as people write it ("Ê-đê", "Ede", "ê đê", "12"), or None."""
    if raw is None:
        return None
    text = str(raw).strip()
    if not text:
        return None
    if text.isascii() and text.isdigit() and 1 <= int(text) <= 54:  # "²".isdigit() but int("²") fails
        return f"{int(text):02d}"
    return _BY_FOLDED.get(fold_compact(text))
