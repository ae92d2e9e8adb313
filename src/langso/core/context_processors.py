from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from langso.accounts.models import User

# The main menu: (URL name, label). Each link shows only to a user who may open it by the single
# statement of permissions (accounts.access: URL_ACCESS and ROLE_PERMISSIONS), so the menu never
# offers a page that answers "no".
MAIN_MENU = [
    ("places:communes", _("Địa bàn")),
    ("registry:residents", _("Người dân")),
    ("registry:households", _("Hộ gia đình")),
    ("skills:catalogue", _("Kỹ năng số")),
    ("guides:index", _("Hướng dẫn")),
    ("teams:worklist", _("Việc cần làm")),
    ("teams:commune", _("Tổ công nghệ số")),
    ("teams:helpdesk", _("Một cửa")),
    ("groups:sessions", _("Buổi học")),
    ("teams:signals", _("Lõm sóng")),
    ("devices:programmes", _("Cấp điện thoại")),
    ("campaigns:list", _("Chỉ tiêu")),
    ("national:dashboard", _("Toàn quốc")),  # on the national instance only
    ("registry:import_start", _("Nhập Excel")),
    ("outside_lists:lists", _("Danh sách quốc gia")),
    ("accounts:audit", _("Nhật ký")),
    ("operations:health", _("Vận hành")),
    ("admin:index", _("Quản trị")),
]


def main_menu(user: "User | AnonymousUser | None") -> list[tuple[str, Any]]:
    """The menu's links for `user`: (address, label)."""
    from langso.accounts.access import may_open

    if user is None or not user.is_authenticated:
        return []
    return [
        (reverse(name), label)
        for name, label in MAIN_MENU
        if may_open(user, name) and (settings.NATIONAL_INSTANCE or not name.startswith("national:"))
    ]


def langso(request: HttpRequest) -> dict[str, Any]:
    from langso.accounts.access import user_roles

    user = getattr(request, "user", None)
    roles = user_roles(user) if user is not None and user.is_authenticated else set()
    return {
        "DEMO_MODE": settings.DEMO_MODE,
        "user_roles": roles,
        "main_menu": lambda: main_menu(user),
    }
