"""Every string the field app's JavaScript shows, translated on the server (no JS catalogue needed)."""

from __future__ import annotations

from django.utils.translation import gettext as _


def ui_strings() -> dict[str, str]:
    return {
        "app_title": _("Tổ công nghệ số"),
        "worklist": _("Hộ cần đến"),
        "outbox": _("Chờ gửi"),
        "guides": _("Hướng dẫn"),
        "guide_languages": _("Giữ trên máy để xem không có mạng, bằng tiếng:"),
        "guides_count": _("%(count)s hướng dẫn"),
        "keep_guides": _("Lưu về máy"),
        "keeping_guides": _("Đang tải hướng dẫn về máy…"),
        "kept_guides": _("Đã lưu %(count)s trang và bản ghi âm để xem không có mạng."),
        "keep_failed": _("Không tải được. Hãy thử lại khi có mạng."),
        "guides_vietnamese": _("Tiếng Việt"),
        "record_guides": _("Ghi âm hướng dẫn bằng tiếng của bạn"),
        "signal": _("Báo lõm sóng"),
        "helpdesk": _("Hỗ trợ tại một cửa"),
        "online": _("Có mạng"),
        "offline": _("Không có mạng — vẫn ghi được, sẽ gửi sau"),
        "not_connected": _("Máy này chưa được kết nối với tài khoản của bạn."),
        "connect": _("Kết nối máy này"),
        "revoked": _(
            "Khóa của máy này đã bị thu hồi (đăng xuất ở nơi khác, có người khác kết nối, hoặc báo mất "
            "máy). Máy đã xóa danh sách hộ và ghi chú của bạn. Nếu đây là máy của bạn, hãy kết nối lại."
        ),
        "revoked_held": _(
            "Khóa của máy này đã bị thu hồi. %(count)s bản ghi chưa gửi đã chuyển cho cán bộ xã xem xét "
            "(“từ máy đã thu hồi”); máy đã xóa dữ liệu của bạn."
        ),
        "refresh": _("Tải lại danh sách"),
        "loaded_at": _("Danh sách tải lúc"),
        "no_households": _("Chưa có hộ nào được giao cho bạn."),
        "search": _("Tìm theo tên, mã hộ"),
        "last_visit": _("Lần đến gần nhất"),
        "never": _("chưa đến"),
        "follow_up": _("Hẹn lại"),
        "record_visit": _("Ghi buổi hướng dẫn"),
        "people_present": _("Ai có mặt?"),
        "skills_taught": _("Kỹ năng đã hướng dẫn"),
        "add_skill": _("+ Thêm kỹ năng"),
        "person": _("Người"),
        "skill": _("Kỹ năng"),
        "level": _("Mức đạt được"),
        "level_1": _("1 · Đã được giới thiệu"),
        "level_2": _("2 · Làm được khi có người giúp"),
        "level_3": _("3 · Tự làm được"),
        "level_4": _("4 · Hướng dẫn được người khác"),
        "services_done": _("Việc đã làm xong"),
        "add_service": _("+ Thêm việc đã làm"),
        "service": _("Việc"),
        "problems": _("Vấn đề gặp phải"),
        "no_signal": _("Không có sóng/mạng yếu"),
        "broken_phone": _("Điện thoại hỏng"),
        "no_phone": _("Không có điện thoại thông minh"),
        "scam": _("Gia đình bị lừa đảo qua mạng"),
        "notes": _("Ghi chú"),
        "follow_up_on": _("Hẹn lần sau (nếu có)"),
        "visited_on": _("Ngày đến"),
        "never_store_secrets": _(
            "Khi giúp trên điện thoại của người dân: không bao giờ ghi lại mật khẩu, mã OTP hay mã PIN của họ."
        ),
        "save": _("Lưu"),
        "cancel": _("Quay lại"),
        "remove": _("Xóa dòng"),
        "saved_offline": _("Đã lưu trên máy. Sẽ tự gửi khi có mạng."),
        "send_now": _("Gửi ngay"),
        "sending": _("Đang gửi…"),
        "sent": _("Đã gửi"),
        "waiting": _("Chờ gửi"),
        "failed": _("Bị từ chối"),
        "nothing_waiting": _("Không có gì chờ gửi."),
        "recently_sent": _("Đã gửi gần đây"),
        "fix_and_resend": _("Sửa rồi gửi lại"),
        "discard": _("Bỏ bản ghi này"),
        "confirm_discard": _("Bỏ hẳn bản ghi này? Không lấy lại được."),
        "kind_visit": _("Buổi hướng dẫn"),
        "kind_signal": _("Báo lõm sóng"),
        "kind_helpdesk": _("Lượt hỗ trợ"),
        "village": _("Thôn/bản"),
        "description": _("Vị trí (ví dụ: cuối xóm, gần nhà văn hóa)"),
        "operator": _("Nhà mạng"),
        "technology": _("Loại sóng"),
        "households_affected": _("Số hộ bị ảnh hưởng"),
        "get_gps": _("Lấy vị trí GPS"),
        "gps_ok": _("Đã lấy vị trí"),
        "gps_failed": _("Không lấy được vị trí; có thể bỏ qua."),
        "reported_on": _("Ngày báo"),
        "commune": _("Xã/phường"),
        "resident_or_walk_in": _("Người được hỗ trợ"),
        "walk_in_name": _("Tên người đến (nếu không có trong danh sách)"),
        "birth_year": _("Năm sinh"),
        "procedure": _("Thủ tục"),
        "outcome": _("Kết quả"),
        "minutes": _("Số phút"),
        "helped_on": _("Ngày"),
        "choose": _("— Chọn —"),
        "required": _("Cần điền mục này."),
        "privacy_title": _("Máy này lưu gì?"),
        "privacy_text": _(
            "Chỉ lưu những gì cần cho buổi đến nhà: tên, năm sinh, giới tính, có điện thoại thông minh hay "
            "không và mức kỹ năng của người trong các hộ được giao. Không lưu số CCCD, số điện thoại, dân "
            "tộc hay diện hộ nghèo. Mọi thứ được khóa bằng khóa riêng của bạn. Khi đăng xuất, máy xóa danh "
            "sách hộ và ghi chú; bản ghi chưa gửi vẫn được giữ kín và sẽ gửi khi chính bạn kết nối lại."
        ),
        "error_network": _("Mất mạng giữa chừng"),
        "error_server": _("Máy chủ đang bận"),
        "retry_in": _("%(message)s; sẽ tự gửi lại sau %(seconds)s giây."),
        "sync_running": _("Đang gửi, chờ một chút…"),
        "cannot_send_offline": _("Chưa gửi được: máy đang không có mạng. Sẽ tự gửi khi có mạng."),
        "cannot_send_not_connected": _("Chưa gửi được: máy chưa kết nối với tài khoản của bạn."),
        "nothing_to_send": _("Không có gì chờ gửi."),
        "sending_progress": _("Đang gửi… %(done)s/%(total)s"),
        "sent_result": _("Đã gửi %(sent)s"),
        "rejected_result": _("%(count)s bị từ chối: %(reason)s"),
        "commune_kept_hint": _("Có thông tin xã giữ khác với bạn ghi — xem mục “Đã gửi gần đây”."),
        "signed_out": _("Đã đăng xuất. Khóa của máy đã bị thu hồi."),
        "signed_out_offline": _("Đã đăng xuất trên máy. Khóa sẽ bị thu hồi ngay khi máy có mạng."),
        "signed_out_screen": _("Đã đăng xuất: danh sách hộ, ghi chú và khóa của bạn đã bị xóa khỏi máy này."),
        "others_waiting": _(
            "Máy còn giữ %(count)s bản ghi chưa gửi của %(name)s. Bản ghi được giữ kín và chỉ gửi khi "
            "chính %(name)s kết nối lại máy này."
        ),
        "someone": _("một người dùng trước"),
        "signed_in_as": _("Đang dùng: %(name)s"),
        "loading_list": _("Đang tải danh sách hộ của bạn…"),
        "device_checks_due": _("%(count)s lần hỏi thăm điện thoại được cấp"),
        "device_check_title": _("Hỏi thăm điện thoại được cấp (sau %(months)s tháng, đến hạn %(due)s)"),
        "device_check_outcome": _("Kết quả hỏi thăm"),
        "device_check_not_now": _("— Chưa hỏi lần này —"),
        "sim_active": _("SIM còn hoạt động"),
        "yes": _("Có"),
        "no": _("Không"),
        "unknown": _("Không rõ"),
        "kind_followup": _("Hỏi thăm điện thoại"),
        "after_months": _("sau %(months)s tháng"),
        "no_people": _("Hộ này chưa có ai trong sổ."),
        "no_people_for_skills": _(
            "Hộ chưa có ai trong sổ nên chưa ghi được kỹ năng; hãy ghi vào ghi chú và báo cán bộ xã bổ sung."
        ),
        "skill_needs_person": _("Mỗi kỹ năng cần chọn người được hướng dẫn."),
        "this_phone": _("Máy này"),
        "sign_out": _("Đăng xuất khỏi máy này"),
        "confirm_sign_out": _(
            "Đăng xuất? Máy sẽ gửi những gì còn chờ (nếu có mạng), rồi xóa danh sách hộ, ghi chú và khóa của bạn."
        ),
        "sign_out_help": _(
            "Dùng khi trao máy cho người khác hoặc hết ngày làm việc. Làm được cả khi không có mạng: khóa "
            "sẽ bị thu hồi ngay khi máy có mạng trở lại."
        ),
        "reasons": _("Lý do"),
        "open_guide": _("Mở hướng dẫn"),
        "all_guides": _("Tất cả hướng dẫn"),
        "web_version": _("Trang đầy đủ"),
        "years_old": _("tuổi"),
        "facts": _("Cập nhật thông tin (nếu có thay đổi)"),
        "owns_smartphone": _("có điện thoại thông minh"),
        "address": _("Địa chỉ"),
        "photo": _("Ảnh (không bắt buộc)"),
        "photo_failed": _("Không đọc được ảnh này; hãy chụp lại hoặc bỏ ảnh."),
        "members_count": _("người"),
    }
