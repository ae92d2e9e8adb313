"""The indicators Làng Số ships with: those the news reports and provinces name (BRIEF §3)."""

from __future__ import annotations

from typing import Any

# (code, name vi, name en, numerator, numerator params, denominator, denominator params, lowest level,
#  display, higher is better, description vi)
DEFAULT_INDICATORS: tuple[dict[str, Any], ...] = (
    {"code": "adults_reached", "name": "Tỉ lệ người trưởng thành được hướng dẫn kỹ năng số",
     "name_en": "Adults reached by digital-skills guidance", "numerator": "adults_reached", "denominator": "adults",
     "description": "Người từ 18 tuổi có mặt ở ít nhất một buổi hướng dẫn tại nhà hoặc buổi hướng dẫn nhóm, được giúp tại bộ phận một cửa, được thành viên tổ ghi nhận kỹ năng, có tên trong danh sách học viên của nền tảng quốc gia hoặc danh sách kích hoạt định danh mức 2 của công an xã; mỗi người tính một lần."},
    {"code": "adults_smartphone", "name": "Tỉ lệ người trưởng thành có điện thoại thông minh",
     "name_en": "Adults with a smartphone", "numerator": "adults_smartphone", "denominator": "adults",
     "description": "Theo sổ: cán bộ xã nhập, buổi hướng dẫn tại nhà ghi nhận, hoặc máy được bàn giao."},
    {"code": "villages_with_team", "name": "Tỉ lệ thôn/bản có tổ công nghệ số cộng đồng",
     "name_en": "Villages with a community digital technology team", "numerator": "villages_with_team",
     "denominator": "villages"},
    {"code": "communes_with_committee", "name": "Tỉ lệ xã/phường có ban chỉ đạo",
     "name_en": "Communes with a steering committee", "numerator": "communes_with_committee",
     "denominator": "communes", "lowest_level": "commune"},
    {"code": "villages_broadband", "name": "Tỉ lệ thôn/bản có Internet cáp quang",
     "name_en": "Villages with fixed broadband", "numerator": "villages_covered",
     "numerator_params": {"field": "broadband"}, "denominator": "villages"},
    {"code": "population_4g", "name": "Tỉ lệ dân số được phủ sóng 4G", "name_en": "Population covered by 4G",
     "numerator": "residents_covered", "numerator_params": {"field": "mobile_4g"}, "denominator": "residents"},
    {"code": "population_5g", "name": "Tỉ lệ dân số được phủ sóng 5G", "name_en": "Population covered by 5G",
     "numerator": "residents_covered", "numerator_params": {"field": "mobile_5g"}, "denominator": "residents"},
    {"code": "adults_vneid2", "name": "Tỉ lệ người trưởng thành có định danh điện tử mức 2",
     "name_en": "Adults with VNeID level 2", "numerator": "adults_vneid2", "denominator": "adults"},
    {"code": "adults_online_procedure", "name": "Tỉ lệ người trưởng thành đã làm thủ tục trực tuyến",
     "name_en": "Adults who did an online procedure", "numerator": "adults_online_procedure",
     "denominator": "adults"},
    {"code": "adults_cashless", "name": "Tỉ lệ người trưởng thành thanh toán không dùng tiền mặt",
     "name_en": "Adults who can pay cashless", "numerator": "adults_cashless", "denominator": "adults"},
    {"code": "digital_citizens", "name": "Tỉ lệ công dân số", "name_en": "Digital citizens",
     "numerator": "adults_digital_citizens", "denominator": "adults"},
    {"code": "households_basic_skills", "name": "Tỉ lệ hộ có người thành thạo 5 kỹ năng cơ bản",
     "name_en": "Households with a member proficient in the 5 basic skills",
     "numerator": "households_basic_skills", "denominator": "households"},
    {"code": "signal_reports_overdue", "name": "Báo cáo lõm sóng quá hạn (phản hồi hoặc khắc phục)",
     "name_en": "Weak-signal reports open past their deadline", "numerator": "signal_reports_overdue",
     "display": "count", "higher_is_better": False},
    {"code": "helpdesk_done_week", "name": "Thủ tục làm xong tại một cửa trong tuần",
     "name_en": "Help-desk procedures done in the week", "numerator": "helpdesk_done_week", "display": "count",
     "lowest_level": "commune"},
    {"code": "visits_week", "name": "Buổi hướng dẫn tại nhà trong tuần", "name_en": "Home visits in the week",
     "numerator": "visits_week", "display": "count"},
    {"code": "teams_inactive", "name": "Tổ không hoạt động 14 ngày", "name_en": "Teams inactive for 14 days",
     "numerator": "teams_inactive", "display": "count", "higher_is_better": False},
    {"code": "devices_vs_quota", "name": "Điện thoại đã cấp so với chỉ tiêu", "name_en": "Devices distributed vs quota",
     "numerator": "devices_handed_over", "denominator": "device_quota", "lowest_level": "commune",
     "description": "Máy hoặc khoản hỗ trợ đã bàn giao (chưa trả lại) so với chỉ tiêu của các chương trình đang chạy."},
    {"code": "devices_in_use_3m", "name": "Tỉ lệ người được cấp còn dùng điện thoại sau 3 tháng",
     "name_en": "Recipients using the phone at 3 months", "numerator": "followups_3_months_in_use",
     "denominator": "followups_3_months"},
    {"code": "signal_reports_open", "name": "Báo cáo lõm sóng đang mở", "name_en": "Open weak-signal reports",
     "numerator": "signal_reports_open", "display": "count", "higher_is_better": False},
    {"code": "signal_days_to_fix", "name": "Số ngày trung bình để khắc phục lõm sóng",
     "name_en": "Average days to fix a weak-signal spot", "numerator": "signal_days_to_fix",
     "denominator": "signal_reports_fixed", "display": "average", "higher_is_better": False},
) + tuple(
    {"code": f"skills_{area}", "name": f"Tỉ lệ người trưởng thành tự làm được: {label}",
     "name_en": f"Adults who can do alone: {label_en}", "numerator": "adults_with_area",
     "numerator_params": {"area": area}, "denominator": "adults"}
    for area, label, label_en in (
        ("device", "sử dụng điện thoại thông minh", "smartphone use"),
        ("communication", "giao tiếp, kết nối", "communication"),
        ("information", "tìm kiếm và đánh giá thông tin", "information"),
        ("public_services", "định danh điện tử và dịch vụ công", "e-identity and public services"),
        ("money", "thanh toán không dùng tiền mặt", "cashless payment"),
        ("livelihood", "sinh kế số", "digital livelihood"),
        ("safety", "an toàn trên không gian mạng", "online safety"),
    )
) + (
    {"code": "group_sessions_week", "name": "Buổi học cộng đồng trong tuần",
     "name_en": "Group sessions held in the week", "numerator": "group_sessions_week", "display": "count",
     "lowest_level": "commune"},
    {"code": "group_attendance_week", "name": "Lượt người dự buổi học cộng đồng trong tuần",
     "name_en": "Attendance at group sessions in the week", "numerator": "attendance_week", "display": "count",
     "lowest_level": "commune",
     "description": "Mỗi người có mặt ở một buổi tính một lượt, kể cả người đến không có trong sổ."},
    {"code": "adults_reached_minority_villages",
     "name": "Tỉ lệ người trưởng thành ở thôn/bản đồng bào dân tộc thiểu số được hướng dẫn",
     "name_en": "Adults reached in minority-language villages", "numerator": "adults_minority_villages_reached",
     "denominator": "adults_minority_villages",
     "description": "Thôn/bản mà người dân tộc thiểu số trong sổ đông hơn người Kinh; được hướng dẫn theo mọi cách, mỗi người một lần."},
) + tuple(
    {"code": f"adults_reached_{way}", "name": f"Tỉ lệ người trưởng thành được hướng dẫn qua: {label}",
     "name_en": f"Adults reached through {label_en}", "numerator": "adults_reached_via",
     "numerator_params": {"way": way}, "denominator": "adults",
     "description": "Một phần của chỉ số người trưởng thành được hướng dẫn: người được tiếp cận nhiều cách có mặt ở nhiều phần, nhưng chỉ tính một lần ở tổng."}
    for way, label, label_en in (
        ("visit", "buổi hướng dẫn tại nhà", "home visits"),
        ("group", "buổi học cộng đồng", "group sessions"),
        ("helpdesk", "bộ phận một cửa", "the help desk"),
        ("observed", "thành viên tổ ghi nhận kỹ năng", "skills observed by a team member"),
        ("platform", "nền tảng quốc gia Bình dân học vụ số", "the national learning platform"),
        ("police", "công an xã (định danh điện tử mức 2)", "the commune police (VNeID level 2)"),
    )
)  # fmt: skip


def install_default_indicators(indicator_model: Any = None) -> int:
    """Create the shipped indicators that do not exist yet (never overwrites edited ones)."""
    if indicator_model is None:
        from langso.campaigns.models import Indicator as indicator_model  # noqa: N813
    existing = set(indicator_model.objects.values_list("code", flat=True))
    created = 0
    for position, spec in enumerate(DEFAULT_INDICATORS):
        if spec["code"] in existing:
            continue
        indicator_model.objects.create(position=position, **spec)
        created += 1
    return created
