"""The default guides: one per skill of the default catalogue (langso.skills.catalogue).

Written for an elderly person holding a smartphone for the first time: short sentences, one action per
step, the exact thing to press. Each step has an English translation and a picture description (drawn
by langso.guides.illustrations); each guide has 3 to 5 check questions with one right answer.

The texts on the pictures stay in Vietnamese in both languages: they imitate the real screens, which
are in Vietnamese. Facts that matter (kept deliberately conservative):
- VNeID level 2 is activated with the police (công an xã/phường, or where the chip ID card is made),
  with the chip CCCD; the app alone gives at most level 1.
- Nobody (police, bank, VNeID, the team) ever needs a person's OTP, password or passcode.
- The national public-service portal is dichvucong.gov.vn; it is signed into with the VNeID account.
- The e-health book and the health-insurance card are in VNeID.
- Since 1 July 2024 a bank transfer above 10 million đồng (or above 20 million in a day) needs face
  authentication (Quyết định 2345/QĐ-NHNN).
Installed by `langso.guides.services.install_default_guides`, which never overwrites a guide staff edited.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class StepContent:
    text: str
    text_en: str
    illustration: dict[str, Any]


@dataclass(frozen=True)
class QuestionContent:
    prompt: str
    prompt_en: str
    choices: tuple[tuple[str, str], ...]
    correct: int
    explanation: str
    explanation_en: str

    def choices_json(self) -> list[dict[str, str]]:
        return [{"vi": vi, "en": en} for vi, en in self.choices]


@dataclass(frozen=True)
class GuideContent:
    skill_code: str
    title: str
    title_en: str
    summary: str
    summary_en: str
    steps: tuple[StepContent, ...]
    questions: tuple[QuestionContent, ...]


# --- picture helpers: they build the JSON described in langso.guides.illustrations ---------------


def screen(title: str, theme: str, *items: dict[str, Any]) -> dict[str, Any]:
    return {"title": title, "theme": theme, "items": list(items)}


def text(value: str) -> dict[str, Any]:
    return {"t": "text", "text": value}


def button(value: str, tap: bool = False) -> dict[str, Any]:
    return {"t": "button", "text": value, **({"tap": True} if tap else {})}


def field(label: str, value: str = "", tap: bool = False) -> dict[str, Any]:
    return {"t": "field", "text": label, "value": value, **({"tap": True} if tap else {})}


def row(value: str, tap: bool = False) -> dict[str, Any]:
    return {"t": "row", "text": value, **({"tap": True} if tap else {})}


def apps(names: list[str], colors: list[str], tap: int | None = None) -> dict[str, Any]:
    return {"t": "apps", "apps": names, "colors": colors, **({"tap": tap} if tap is not None else {})}


def qr(seed: str = "qr") -> dict[str, Any]:
    return {"t": "qr", "text": seed}


def chat(value: str, me: bool = False, tap: bool = False) -> dict[str, Any]:
    return {"t": "chat", "text": value, "me": me, **({"tap": True} if tap else {})}


def warn(value: str) -> dict[str, Any]:
    return {"t": "warn", "text": value}


def call(tap: str = "accept") -> dict[str, Any]:
    return {"t": "call", "tap": tap}


def home(tap: int, names: list[str] | None = None, colors: list[str] | None = None) -> dict[str, Any]:
    """The phone's home screen with a few app icons, one of them to press."""
    return screen(
        "Màn hình chính",
        "grey",
        apps(
            names or ["VNeID", "Zalo", "CH Play", "Ngân hàng"],
            colors or ["red", "blue", "green", "teal"],
            tap,
        ),
        text("Chạm nhẹ một lần vào biểu tượng để mở."),
    )


def S(vi: str, en: str, picture: dict[str, Any]) -> StepContent:  # noqa: N802 - reads as a table
    return StepContent(vi, en, picture)


def Q(  # noqa: N802
    vi: str, en: str, choices: list[tuple[str, str]], correct: int, why: str, why_en: str
) -> QuestionContent:
    return QuestionContent(vi, en, tuple(choices), correct, why, why_en)


NEVER_OTP = Q(
    "Có người gọi điện xưng là công an, đề nghị bác đọc mã OTP vừa nhận. Bác làm gì?",
    "Someone calling as 'the police' asks you to read out the OTP you just received. What do you do?",
    [
        ("Đọc mã cho họ vì là công an", "Read it out, since it is the police"),
        ("Không đọc, tắt máy và báo người thân", "Do not read it; hang up and tell your family"),
    ],
    1,
    "Không ai được hỏi mã OTP, kể cả công an hay ngân hàng. Ai hỏi là kẻ lừa đảo.",
    "Nobody may ask for your OTP, not the police nor the bank. Whoever asks is a scammer.",
)

DEFAULT_GUIDES: tuple[GuideContent, ...] = (
    GuideContent(
        "phone_basics",
        "Dùng điện thoại thông minh cơ bản",
        "Smartphone basics",
        "Bật máy, sạc pin, mở ứng dụng, chỉnh tiếng và bật mạng.",
        "Turn on, charge, open apps, set the volume and connect.",
        (
            S(
                "Bấm và giữ nút nguồn ở cạnh máy khoảng 3 giây. Màn hình sáng lên là máy đã bật.",
                "Press and hold the power button on the side for about 3 seconds. The screen lights up.",
                screen("Bật máy", "grey", text("Giữ nút nguồn 3 giây"), button("Nút nguồn", tap=True)),
            ),
            S(
                "Khi pin yếu, cắm dây sạc vào máy và vào ổ điện. Hình cục pin có tia sét là đang sạc.",
                "When the battery is low, plug the charger into the phone and the socket. A lightning mark means charging.",
                screen("Sạc pin", "green", text("Pin 15% - đang sạc"), warn("Pin yếu, hãy cắm sạc")),
            ),
            S(
                "Vuốt từ mép trên màn hình xuống. Bấm vào ô Wi-Fi hoặc Dữ liệu di động để bật mạng.",
                "Swipe down from the top edge of the screen. Tap Wi-Fi or Mobile data to connect.",
                screen(
                    "Cài đặt nhanh", "blue", row("Wi-Fi", tap=True), row("Dữ liệu di động"), row("Âm lượng")
                ),
            ),
            S(
                "Bấm nút tăng hoặc giảm âm lượng ở cạnh máy để nghe to hơn hoặc nhỏ hơn.",
                "Press the volume up or down button on the side to make the sound louder or softer.",
                screen(
                    "Âm lượng",
                    "grey",
                    text("Âm lượng cuộc gọi"),
                    button("Tăng âm lượng +", tap=True),
                    button("Giảm âm lượng -"),
                ),
            ),
            S(
                "Chạm nhẹ một lần vào biểu tượng để mở ứng dụng. Về màn hình chính: bấm nút tròn ở dưới hoặc vuốt từ mép dưới lên.",
                "Tap an icon once to open the app. To go home: press the round button at the bottom or swipe up from the bottom edge.",
                home(1),
            ),
        ),
        (
            Q(
                "Muốn bật máy điện thoại, bác làm thế nào?",
                "How do you turn the phone on?",
                [
                    ("Bấm và giữ nút nguồn vài giây", "Press and hold the power button for a few seconds"),
                    ("Lắc mạnh điện thoại", "Shake the phone hard"),
                    ("Bấm nút âm lượng một lần", "Press the volume button once"),
                ],
                0,
                "Giữ nút nguồn khoảng 3 giây đến khi màn hình sáng.",
                "Hold the power button about 3 seconds until the screen lights up.",
            ),
            Q(
                "Hình cục pin có tia sét nghĩa là gì?",
                "What does a battery with a lightning mark mean?",
                [("Máy đang sạc pin", "The phone is charging"), ("Máy bị hỏng", "The phone is broken")],
                0,
                "Tia sét trên cục pin cho biết máy đang được sạc.",
                "The lightning mark shows the phone is charging.",
            ),
            Q(
                "Không vào được mạng, bác thử làm gì trước?",
                "You cannot get online. What do you try first?",
                [
                    (
                        "Vuốt từ trên xuống, bật Wi-Fi hoặc Dữ liệu di động",
                        "Swipe down and turn on Wi-Fi or Mobile data",
                    ),
                    ("Tháo pin ra", "Take the battery out"),
                    ("Mua điện thoại mới", "Buy a new phone"),
                ],
                0,
                "Mạng được bật trong bảng cài đặt nhanh khi vuốt từ mép trên xuống.",
                "Connections are turned on in the quick settings, opened by swiping down from the top.",
            ),
        ),
    ),
    GuideContent(
        "install_apps",
        "Cài đặt và cập nhật ứng dụng",
        "Install and update apps",
        "Tìm ứng dụng chính thức trong CH Play hoặc App Store, cài và cập nhật.",
        "Find the official app in the store, install and update it.",
        (
            S(
                "Bấm vào biểu tượng CH Play hình tam giác nhiều màu. Máy iPhone thì bấm App Store màu xanh.",
                "Tap the CH Play icon, a many-coloured triangle. On an iPhone tap the blue App Store.",
                home(2),
            ),
            S(
                "Bấm vào ô tìm kiếm ở trên cùng. Gõ tên ứng dụng, ví dụ VNeID.",
                "Tap the search box at the top. Type the app's name, for example VNeID.",
                screen(
                    "CH Play",
                    "green",
                    field("Tìm kiếm ứng dụng", "VNeID", tap=True),
                    row("VNeID"),
                    row("Zalo"),
                ),
            ),
            S(
                "Xem tên nhà phát triển dưới tên ứng dụng. Chỉ cài ứng dụng của cơ quan hoặc công ty chính thức.",
                "Check the developer's name under the app's name. Install only apps from the official body or company.",
                screen(
                    "VNeID",
                    "green",
                    text("Trung tâm dữ liệu quốc gia về dân cư"),
                    text("Hơn 10 triệu lượt tải"),
                    button("Cài đặt"),
                ),
            ),
            S(
                "Bấm nút Cài đặt màu xanh. Chờ đến khi hiện nút Mở.",
                "Tap the green Install button. Wait until the Open button appears.",
                screen(
                    "VNeID",
                    "green",
                    text("Trung tâm dữ liệu quốc gia về dân cư"),
                    button("Cài đặt", tap=True),
                ),
            ),
            S(
                "Khi có chữ Cập nhật bên cạnh ứng dụng, bấm vào đó để có bản mới và an toàn hơn.",
                "When Update shows next to an app, tap it to get the newer, safer version.",
                screen(
                    "Quản lý ứng dụng", "green", row("VNeID - có bản cập nhật"), button("Cập nhật", tap=True)
                ),
            ),
            S(
                "Không cài ứng dụng từ đường link lạ gửi qua tin nhắn hay Zalo. Đó thường là ứng dụng lừa đảo.",
                "Never install an app from a strange link sent by message or Zalo. It is usually a scam app.",
                screen(
                    "Tin nhắn",
                    "grey",
                    chat("Tải VNeID mới tại link này..."),
                    warn("Không bấm link lạ, không cài"),
                ),
            ),
        ),
        (
            Q(
                "Nên cài ứng dụng VNeID từ đâu?",
                "Where should you install VNeID from?",
                [
                    ("Từ CH Play hoặc App Store", "From CH Play or the App Store"),
                    ("Từ đường link người lạ gửi qua Zalo", "From a link a stranger sent on Zalo"),
                    ("Từ một trang web quảng cáo", "From an advertising website"),
                ],
                0,
                "Chỉ cài từ kho ứng dụng chính thức của máy; link lạ có thể cài ứng dụng lừa đảo.",
                "Install only from the phone's official store; strange links can install scam apps.",
            ),
            Q(
                "Trước khi bấm Cài đặt, bác cần xem gì?",
                "What do you check before tapping Install?",
                [
                    (
                        "Tên nhà phát triển có chính thức không",
                        "Whether the developer's name is the official one",
                    ),
                    ("Màu của biểu tượng", "The colour of the icon"),
                ],
                0,
                "Ứng dụng giả thường có biểu tượng giống hệt; tên nhà phát triển giúp nhận ra ứng dụng thật.",
                "Fake apps often copy the icon; the developer's name tells the real one apart.",
            ),
            Q(
                "Vì sao nên bấm Cập nhật ứng dụng?",
                "Why tap Update on an app?",
                [
                    (
                        "Để có bản mới, sửa lỗi và an toàn hơn",
                        "To get the new version, with fixes and better safety",
                    ),
                    ("Để xóa hết dữ liệu trong máy", "To delete all data on the phone"),
                ],
                0,
                "Bản cập nhật sửa lỗi và vá lỗ hổng bảo mật.",
                "Updates fix bugs and close security holes.",
            ),
        ),
    ),
    GuideContent(
        "video_call",
        "Gọi video qua Zalo",
        "Video calls with Zalo",
        "Gọi và nhận cuộc gọi có hình với con cháu ở xa.",
        "Make and answer video calls with family far away.",
        (
            S(
                "Bấm vào biểu tượng Zalo màu xanh dương.",
                "Tap the blue Zalo icon.",
                home(1),
            ),
            S(
                "Bấm vào tên người muốn gọi trong danh sách tin nhắn.",
                "Tap the name of the person you want to call in the message list.",
                screen(
                    "Zalo", "blue", row("Con gái - Lan", tap=True), row("Nhóm thôn Bản Cáu"), row("Anh Tuấn")
                ),
            ),
            S(
                "Bấm vào hình máy quay ở góc trên bên phải để gọi video.",
                "Tap the camera symbol at the top right to make a video call.",
                screen(
                    "Con gái - Lan", "blue", button("Gọi video", tap=True), chat("Mẹ ơi, tối con gọi nhé")
                ),
            ),
            S(
                "Khi có người gọi đến, bấm nút tròn màu xanh lá để nghe. Bấm nút đỏ để tắt.",
                "When someone calls, tap the green round button to answer. Tap the red one to end.",
                screen("Cuộc gọi video đến", "green", text("Con gái - Lan đang gọi"), call("accept")),
            ),
            S(
                "Cầm máy trước mặt, nhìn vào màn hình. Gọi xong bấm nút đỏ để kết thúc.",
                "Hold the phone in front of your face and look at the screen. When done, tap red to hang up.",
                screen("Đang gọi video", "grey", text("Con gái - Lan  02:15"), call("end")),
            ),
        ),
        (
            Q(
                "Có cuộc gọi video đến, bấm nút nào để nghe?",
                "A video call comes in. Which button answers it?",
                [
                    ("Nút tròn màu xanh lá", "The green round button"),
                    ("Nút tròn màu đỏ", "The red round button"),
                ],
                0,
                "Xanh lá là nghe, đỏ là tắt.",
                "Green answers, red ends.",
            ),
            Q(
                "Để gọi video cho con, bác bấm vào đâu sau khi mở tên con trong Zalo?",
                "After opening your child's name in Zalo, what do you tap for a video call?",
                [
                    ("Hình máy quay ở góc trên", "The camera symbol at the top"),
                    ("Hình cái loa", "The speaker symbol"),
                    ("Nút nguồn", "The power button"),
                ],
                0,
                "Hình máy quay là gọi video, hình điện thoại là gọi thường.",
                "The camera symbol makes a video call; the handset makes a voice call.",
            ),
            Q(
                "Người lạ gọi video rồi đòi chuyển tiền gấp. Bác làm gì?",
                "A stranger video-calls and asks for money urgently. What do you do?",
                [
                    (
                        "Tắt máy, gọi lại cho người thân bằng số quen để hỏi",
                        "Hang up and call your family on the number you know",
                    ),
                    ("Chuyển tiền ngay", "Send the money at once"),
                ],
                0,
                "Kẻ gian có thể giả mạo hình ảnh, giọng nói. Luôn gọi lại số quen để kiểm tra.",
                "Scammers can fake faces and voices. Always call back a number you know.",
            ),
        ),
    ),
    GuideContent(
        "zalo_groups",
        "Nhóm Zalo của thôn: đọc thông báo, nhắn tin",
        "The village Zalo group: announcements and messages",
        "Vào nhóm Zalo của thôn, đọc thông báo, gửi tin nhắn, ảnh và tin nhắn thoại.",
        "Join the village Zalo group, read announcements, send messages, photos and voice.",
        (
            S(
                "Nhờ trưởng thôn cho mã QR của nhóm. Mở Zalo, bấm biểu tượng quét mã QR ở trên cùng.",
                "Ask the village head for the group's QR code. Open Zalo and tap the QR scan symbol at the top.",
                screen("Zalo", "blue", button("Quét mã QR", tap=True), row("Nhóm thôn Bản Cáu")),
            ),
            S(
                "Đưa camera vào mã QR của nhóm. Bấm Tham gia nhóm.",
                "Point the camera at the group's QR code. Tap Join group.",
                screen("Quét mã QR", "blue", qr("zalo-group"), button("Tham gia nhóm", tap=True)),
            ),
            S(
                "Mở nhóm, xem tin được ghim ở trên cùng. Đó là thông báo quan trọng của thôn.",
                "Open the group and read the pinned message at the top. It is the village's important notice.",
                screen(
                    "Nhóm thôn Bản Cáu",
                    "blue",
                    row("Tin ghim: Họp thôn 19h thứ Bảy", tap=True),
                    chat("Mai tiêm phòng cho trẻ"),
                ),
            ),
            S(
                "Bấm vào ô Tin nhắn ở dưới, gõ chữ rồi bấm nút gửi hình mũi tên.",
                "Tap the Message box at the bottom, type, then tap the arrow send button.",
                screen(
                    "Nhóm thôn Bản Cáu",
                    "blue",
                    chat("Tôi sẽ đến họp", me=True),
                    field("Tin nhắn", "Tôi sẽ đến họp", tap=True),
                    button("Gửi"),
                ),
            ),
            S(
                "Muốn nói thay vì gõ: bấm hình micro, nói, rồi bấm gửi. Bấm hình ảnh để gửi ảnh.",
                "To speak instead of typing: tap the microphone, speak, then send. Tap the picture symbol to send a photo.",
                screen(
                    "Nhóm thôn Bản Cáu",
                    "blue",
                    chat("Tin nhắn thoại 0:12", me=True),
                    button("Giữ để nói", tap=True),
                ),
            ),
        ),
        (
            Q(
                "Thông báo quan trọng của nhóm thôn thường nằm ở đâu?",
                "Where is the village group's important notice usually kept?",
                [
                    ("Tin được ghim ở trên cùng nhóm", "The pinned message at the top of the group"),
                    ("Trong mục Cài đặt máy", "In the phone's Settings"),
                ],
                0,
                "Trưởng nhóm ghim tin quan trọng lên đầu để ai cũng thấy.",
                "The group admin pins important notices at the top for everyone to see.",
            ),
            Q(
                "Không biết gõ chữ, bác gửi tin nhắn thế nào?",
                "You cannot type. How do you send a message?",
                [
                    ("Bấm hình micro để gửi tin nhắn thoại", "Tap the microphone to send a voice message"),
                    ("Không gửi được", "You cannot send anything"),
                ],
                0,
                "Tin nhắn thoại giúp nói thay vì gõ chữ.",
                "A voice message lets you speak instead of typing.",
            ),
            Q(
                "Trong nhóm có tin 'nhận quà, bấm link để nhận'. Bác làm gì?",
                "A group message says 'free gift, tap the link'. What do you do?",
                [
                    (
                        "Không bấm, hỏi trưởng thôn hoặc tổ công nghệ số",
                        "Do not tap it; ask the village head or the digital team",
                    ),
                    ("Bấm ngay để nhận quà", "Tap at once to get the gift"),
                ],
                0,
                "Link lạ có thể lấy mất tài khoản hoặc tiền. Hỏi người tin cậy trước.",
                "Strange links can steal your account or money. Ask someone you trust first.",
            ),
        ),
    ),
    GuideContent(
        "search_information",
        "Tìm kiếm thông tin trên mạng",
        "Search for information",
        "Hỏi giá nông sản, thời tiết, chính sách bằng cách gõ hoặc nói.",
        "Look up crop prices, weather and policies by typing or speaking.",
        (
            S(
                "Bấm vào biểu tượng Google hoặc Chrome trên màn hình.",
                "Tap the Google or Chrome icon on the screen.",
                home(0, ["Google", "Zalo", "VNeID"], ["blue", "blue", "red"]),
            ),
            S(
                "Bấm vào ô tìm kiếm. Gõ điều muốn hỏi, ví dụ: giá cà phê hôm nay.",
                "Tap the search box. Type what you want to know, for example: coffee price today.",
                screen("Google", "blue", field("Tìm kiếm", "giá cà phê hôm nay", tap=True), button("Tìm")),
            ),
            S(
                "Không muốn gõ: bấm hình micro trong ô tìm kiếm rồi nói rõ ràng.",
                "Do not want to type: tap the microphone in the search box and speak clearly.",
                screen(
                    "Google",
                    "blue",
                    field("Tìm kiếm", "Đang nghe..."),
                    button("Micro - bấm để nói", tap=True),
                ),
            ),
            S(
                "Bấm vào một kết quả để đọc. Ưu tiên trang của cơ quan nhà nước, có đuôi .gov.vn.",
                "Tap a result to read it. Prefer government pages, ending in .gov.vn.",
                screen(
                    "Kết quả",
                    "blue",
                    row("Bản tin giá nông sản - .gov.vn", tap=True),
                    row("Quảng cáo: giá rẻ bất ngờ"),
                ),
            ),
        ),
        (
            Q(
                "Muốn tìm mà không gõ chữ, bác bấm vào đâu?",
                "To search without typing, what do you tap?",
                [
                    ("Hình micro trong ô tìm kiếm", "The microphone in the search box"),
                    ("Nút nguồn", "The power button"),
                ],
                0,
                "Bấm micro rồi nói, máy sẽ tự viết câu hỏi.",
                "Tap the microphone and speak; the phone writes the question for you.",
            ),
            Q(
                "Thông tin về chính sách, nên tin trang nào hơn?",
                "For information about a policy, which page is more trustworthy?",
                [
                    ("Trang có đuôi .gov.vn của cơ quan nhà nước", "A government page ending in .gov.vn"),
                    ("Trang quảng cáo nhiều chữ in hoa", "An advertising page full of capital letters"),
                ],
                0,
                "Trang .gov.vn là trang chính thức của cơ quan nhà nước.",
                ".gov.vn pages are official government pages.",
            ),
            Q(
                "Kết quả đầu tiên ghi chữ 'Quảng cáo'. Điều đó nghĩa là gì?",
                "The first result is marked 'Ad'. What does that mean?",
                [
                    (
                        "Có người trả tiền để hiện lên đầu, cần cẩn thận",
                        "Someone paid to put it first; be careful",
                    ),
                    ("Đó chắc chắn là kết quả đúng nhất", "It is surely the best answer"),
                ],
                0,
                "Quảng cáo không phải lúc nào cũng đáng tin.",
                "Ads are not always trustworthy.",
            ),
        ),
    ),
    GuideContent(
        "spot_false_news",
        "Nhận biết tin giả",
        "Spot false news",
        "Kiểm tra nguồn tin trước khi tin và trước khi chia sẻ.",
        "Check the source before you believe or share.",
        (
            S(
                "Đọc tin lạ, hãy dừng lại. Tin làm mình sợ hãi hay tức giận thường là tin giả.",
                "When you read surprising news, stop. News that makes you scared or angry is often false.",
                screen(
                    "Facebook",
                    "blue",
                    chat("KHẨN CẤP!!! Chia sẻ ngay kẻo muộn"),
                    warn("Dừng lại, đừng vội tin"),
                ),
            ),
            S(
                "Xem ai đăng tin. Trang báo chính thống hay cơ quan nhà nước đáng tin hơn trang lạ.",
                "Look at who posted it. Official newspapers and government bodies are more reliable than unknown pages.",
                screen(
                    "Bài viết",
                    "blue",
                    row("Người đăng: Trang lạ mới lập", tap=True),
                    text("Không ghi nguồn, không ghi ngày"),
                ),
            ),
            S(
                "Gõ nội dung tin vào Google. Nếu báo chính thống không đưa tin thì đừng tin.",
                "Type the news into Google. If official newspapers do not report it, do not believe it.",
                screen(
                    "Google",
                    "blue",
                    field("Tìm kiếm", "tin này có thật không", tap=True),
                    row("Báo chính thống: không có"),
                ),
            ),
            S(
                "Không bấm chia sẻ tin chưa rõ nguồn. Hỏi tổ công nghệ số hoặc cán bộ thôn khi nghi ngờ.",
                "Do not share news of unknown origin. Ask the digital team or the village officer when in doubt.",
                screen("Bài viết", "red", button("Chia sẻ"), warn("Chưa rõ nguồn: không chia sẻ")),
            ),
        ),
        (
            Q(
                "Một tin viết 'KHẨN CẤP, chia sẻ ngay'. Bác làm gì trước?",
                "A post says 'URGENT, share now'. What do you do first?",
                [
                    (
                        "Kiểm tra ai đăng và báo chính thống có đưa tin không",
                        "Check who posted it and whether official newspapers report it",
                    ),
                    ("Chia sẻ ngay cho cả nhóm", "Share it with the whole group at once"),
                ],
                0,
                "Tin giả thường giục chia sẻ gấp. Kiểm tra nguồn trước.",
                "False news usually pushes you to share fast. Check the source first.",
            ),
            Q(
                "Nguồn tin nào đáng tin hơn?",
                "Which source is more reliable?",
                [
                    ("Trang mới lập, không ghi tên người viết", "A new page with no author's name"),
                    ("Báo chính thống hoặc trang .gov.vn", "An official newspaper or a .gov.vn page"),
                ],
                1,
                "Báo chính thống và cơ quan nhà nước chịu trách nhiệm về tin họ đăng.",
                "Official newspapers and government bodies answer for what they publish.",
            ),
            Q(
                "Chia sẻ tin giả có sao không?",
                "Is sharing false news harmful?",
                [
                    (
                        "Có, làm người khác hoang mang và có thể bị xử phạt",
                        "Yes: it alarms others and can be fined",
                    ),
                    ("Không sao cả", "No harm at all"),
                ],
                0,
                "Đăng, chia sẻ tin sai sự thật có thể bị xử phạt theo pháp luật.",
                "Posting or sharing false information can be punished by law.",
            ),
        ),
    ),
    GuideContent(
        "vneid_install",
        "Cài đặt ứng dụng VNeID",
        "Install the VNeID app",
        "Cài VNeID chính thức và đăng nhập bằng số định danh cá nhân.",
        "Install the official VNeID app and sign in with the personal ID number.",
        (
            S(
                "Mở CH Play (iPhone: App Store). Gõ tìm VNeID.",
                "Open CH Play (iPhone: App Store). Search for VNeID.",
                screen("CH Play", "green", field("Tìm kiếm ứng dụng", "VNeID", tap=True), row("VNeID")),
            ),
            S(
                "Xem nhà phát triển là Trung tâm dữ liệu quốc gia về dân cư (Bộ Công an). Bấm Cài đặt.",
                "Check the developer is the National Population Data Centre (Ministry of Public Security). Tap Install.",
                screen(
                    "VNeID",
                    "green",
                    text("Trung tâm dữ liệu quốc gia về dân cư"),
                    button("Cài đặt", tap=True),
                ),
            ),
            S(
                "Bấm vào biểu tượng VNeID màu đỏ để mở ứng dụng.",
                "Tap the red VNeID icon to open the app.",
                home(0),
            ),
            S(
                "Gõ số định danh cá nhân, là 12 số trên thẻ căn cước. Gõ mật khẩu, bấm Đăng nhập.",
                "Type your personal ID number, the 12 digits on the ID card. Type the password and tap Sign in.",
                screen(
                    "VNeID",
                    "red",
                    field("Số định danh cá nhân", "0xx xxx xxx xxx"),
                    field("Mật khẩu", "••••••••"),
                    button("Đăng nhập", tap=True),
                ),
            ),
            S(
                "Máy gửi mã OTP qua tin nhắn. Gõ mã vào ứng dụng. Không đọc mã này cho bất kỳ ai.",
                "The phone gets an OTP by text message. Type it into the app. Never tell anyone this code.",
                screen("VNeID", "red", field("Mã OTP", "______", tap=True), warn("Không cho ai biết mã OTP")),
            ),
        ),
        (
            Q(
                "Tên đăng nhập VNeID là gì?",
                "What is the VNeID sign-in name?",
                [
                    (
                        "Số định danh cá nhân 12 số (số căn cước)",
                        "The 12-digit personal ID number (ID card number)",
                    ),
                    ("Tên của bác", "Your name"),
                    ("Số nhà", "Your house number"),
                ],
                0,
                "VNeID dùng số định danh cá nhân 12 số trên thẻ căn cước.",
                "VNeID uses the 12-digit personal ID number on the ID card.",
            ),
            Q(
                "Làm sao biết ứng dụng VNeID là thật?",
                "How do you know the VNeID app is the real one?",
                [
                    (
                        "Nhà phát triển là Trung tâm dữ liệu quốc gia về dân cư",
                        "The developer is the National Population Data Centre",
                    ),
                    ("Có người lạ gửi link qua tin nhắn", "A stranger sent the link by text message"),
                ],
                0,
                "VNeID thật chỉ có trên CH Play, App Store, do Bộ Công an phát hành.",
                "The real VNeID is only in CH Play and the App Store, published by the Ministry of Public Security.",
            ),
            NEVER_OTP,
        ),
    ),
    GuideContent(
        "vneid_level2",
        "Kích hoạt định danh điện tử mức 2",
        "Activate VNeID level 2",
        "Đăng ký tại công an, kích hoạt trên VNeID, dùng thẻ căn cước điện tử.",
        "Register with the police, activate in VNeID, use the electronic ID card.",
        (
            S(
                "Mang thẻ căn cước gắn chip và điện thoại đến công an xã hoặc nơi làm căn cước. Số điện thoại phải đứng tên bác.",
                "Take your chip ID card and phone to the commune police or the ID card office. The phone number must be in your name.",
                screen(
                    "Công an xã",
                    "red",
                    text("Mang theo: thẻ căn cước gắn chip"),
                    text("và điện thoại, số đứng tên mình"),
                ),
            ),
            S(
                "Cán bộ công an chụp ảnh, lấy vân tay và đăng ký tài khoản mức 2 cho bác.",
                "The police officer takes your photo and fingerprints and registers your level-2 account.",
                screen(
                    "Đăng ký mức 2",
                    "red",
                    row("Chụp ảnh chân dung"),
                    row("Lấy vân tay"),
                    text("Cán bộ công an làm giúp"),
                ),
            ),
            S(
                "Khi nhận tin nhắn báo đã duyệt, mở VNeID, bấm Kích hoạt tài khoản.",
                "When a text message says it is approved, open VNeID and tap Activate account.",
                screen(
                    "VNeID",
                    "red",
                    chat("Tài khoản định danh mức 2 đã được duyệt"),
                    button("Kích hoạt tài khoản", tap=True),
                ),
            ),
            S(
                "Gõ số định danh và số điện thoại, nhập mã OTP, rồi đặt mật khẩu và mã bảo vệ 6 số.",
                "Type your ID number and phone number, enter the OTP, then set a password and a 6-digit passcode.",
                screen(
                    "Kích hoạt",
                    "red",
                    field("Số định danh cá nhân", "0xx xxx xxx xxx"),
                    field("Số điện thoại", "09x xxx xxxx"),
                    button("Gửi yêu cầu", tap=True),
                ),
            ),
            S(
                "Xong: mở Ví giấy tờ để thấy thẻ căn cước điện tử. Dùng nó thay giấy tờ khi làm thủ tục.",
                "Done: open the Document wallet to see your electronic ID card. Use it instead of paper for procedures.",
                screen(
                    "VNeID",
                    "red",
                    row("Ví giấy tờ", tap=True),
                    row("Thủ tục hành chính"),
                    text("Tài khoản mức 2"),
                ),
            ),
        ),
        (
            Q(
                "Muốn có tài khoản định danh mức 2, bác đi đâu?",
                "Where do you go to get a level-2 identity account?",
                [
                    (
                        "Công an xã hoặc nơi làm căn cước, mang thẻ gắn chip",
                        "The commune police or ID card office, with the chip card",
                    ),
                    ("Cửa hàng điện thoại", "A phone shop"),
                    ("Chỉ cần tự làm trên mạng ở nhà", "Just do it online at home"),
                ],
                0,
                "Mức 2 cần xác thực trực tiếp tại cơ quan công an (ảnh, vân tay).",
                "Level 2 needs an in-person check at the police (photo, fingerprints).",
            ),
            Q(
                "Số điện thoại đăng ký VNeID phải thế nào?",
                "What must be true of the phone number for VNeID?",
                [
                    ("Đứng tên chính mình", "It is registered in your own name"),
                    ("Số của bất kỳ ai", "Anyone's number"),
                ],
                0,
                "Số điện thoại phải chính chủ để nhận mã kích hoạt và OTP.",
                "The number must be your own to receive the activation code and OTP.",
            ),
            Q(
                "Thẻ căn cước điện tử nằm ở đâu trong VNeID?",
                "Where is the electronic ID card in VNeID?",
                [("Trong mục Ví giấy tờ", "In the Document wallet"), ("Trong Zalo", "In Zalo")],
                0,
                "Ví giấy tờ chứa thẻ căn cước điện tử và các giấy tờ đã tích hợp.",
                "The Document wallet holds the electronic ID card and linked papers.",
            ),
            NEVER_OTP,
        ),
    ),
    GuideContent(
        "digital_signature",
        "Sử dụng chữ ký số",
        "Use a digital signature",
        "Đăng ký chữ ký số từ xa trên điện thoại và ký văn bản khi làm thủ tục.",
        "Register a remote digital signature on the phone and sign documents for procedures.",
        (
            S(
                "Cài ứng dụng ký số của nhà cung cấp được cấp phép, ví dụ VNPT SmartCA hoặc Viettel MySign, từ CH Play.",
                "Install the signing app of a licensed provider, for example VNPT SmartCA or Viettel MySign, from CH Play.",
                screen(
                    "CH Play",
                    "green",
                    field("Tìm kiếm ứng dụng", "SmartCA"),
                    row("VNPT SmartCA", tap=True),
                    row("Viettel MySign"),
                ),
            ),
            S(
                "Mở ứng dụng, bấm Đăng ký. Chụp thẻ căn cước hai mặt và chụp khuôn mặt theo hướng dẫn.",
                "Open the app and tap Register. Photograph both sides of the ID card and your face as shown.",
                screen(
                    "Ký số",
                    "blue",
                    button("Đăng ký", tap=True),
                    row("Chụp thẻ căn cước"),
                    row("Chụp khuôn mặt"),
                ),
            ),
            S(
                "Đặt mã PIN ký số. Chỉ mình bác biết mã này, không viết ra giấy để cạnh điện thoại.",
                "Set your signing PIN. Only you know it; do not write it down next to the phone.",
                screen(
                    "Ký số",
                    "blue",
                    field("Mã PIN ký số", "••••••", tap=True),
                    warn("Không cho ai biết mã PIN"),
                ),
            ),
            S(
                "Khi làm thủ tục cần ký, ứng dụng báo có văn bản chờ ký. Đọc kỹ nội dung văn bản.",
                "When a procedure needs your signature, the app shows a document waiting. Read it carefully.",
                screen(
                    "Ký số", "blue", row("Văn bản chờ ký: Tờ khai", tap=True), text("Đọc kỹ trước khi ký")
                ),
            ),
            S(
                "Đúng văn bản của mình thì bấm Ký và nhập mã PIN. Lạ thì bấm Từ chối.",
                "If it is your document, tap Sign and enter the PIN. If not, tap Refuse.",
                screen("Ký văn bản", "blue", button("Ký", tap=True), button("Từ chối")),
            ),
        ),
        (
            Q(
                "Có văn bản lạ chờ ký mà bác không làm thủ tục gì. Bác làm gì?",
                "A strange document is waiting for signature but you started no procedure. What do you do?",
                [
                    ("Bấm Từ chối và hỏi tổ công nghệ số", "Tap Refuse and ask the digital team"),
                    ("Ký cho xong", "Sign it to get it over with"),
                ],
                0,
                "Chữ ký số có giá trị như chữ ký tay. Chỉ ký văn bản mình hiểu và đã yêu cầu.",
                "A digital signature is worth a handwritten one. Sign only what you asked for and understand.",
            ),
            Q(
                "Ai được biết mã PIN ký số của bác?",
                "Who may know your signing PIN?",
                [
                    ("Chỉ mình bác", "Only you"),
                    ("Cán bộ xã", "The commune officer"),
                    ("Người bán điện thoại", "The phone seller"),
                ],
                0,
                "Ai có mã PIN có thể ký thay bác.",
                "Whoever has the PIN can sign in your name.",
            ),
            Q(
                "Nên đăng ký chữ ký số với ai?",
                "Whom should you register a digital signature with?",
                [
                    (
                        "Nhà cung cấp được cấp phép, qua ứng dụng chính thức",
                        "A licensed provider, through its official app",
                    ),
                    ("Người lạ nhắn tin mời làm nhanh", "A stranger offering a quick service by message"),
                ],
                0,
                "Chỉ dùng dịch vụ của tổ chức được cấp phép cung cấp chữ ký số.",
                "Use only a provider licensed to issue digital signatures.",
            ),
        ),
    ),
    GuideContent(
        "ehealth_book",
        "Sổ sức khỏe điện tử trên VNeID",
        "The e-health book in VNeID",
        "Xem sổ sức khỏe điện tử và thẻ bảo hiểm y tế ngay trên VNeID.",
        "See the e-health book and the health-insurance card in VNeID.",
        (
            S(
                "Bấm vào biểu tượng VNeID màu đỏ. Đăng nhập bằng mã bảo vệ 6 số.",
                "Tap the red VNeID icon. Sign in with your 6-digit passcode.",
                home(0),
            ),
            S(
                "Ở màn hình chính của VNeID, tìm và bấm mục Sổ sức khỏe điện tử.",
                "On the VNeID home screen, find and tap Electronic health book.",
                screen(
                    "VNeID",
                    "red",
                    row("Ví giấy tờ"),
                    row("Sổ sức khỏe điện tử", tap=True),
                    row("Thủ tục hành chính"),
                ),
            ),
            S(
                "Xem thông tin sức khỏe, lần khám gần đây và đơn thuốc. Bấm vào từng dòng để xem chi tiết.",
                "See your health information, recent visits and prescriptions. Tap a line for details.",
                screen(
                    "Sổ sức khỏe",
                    "red",
                    row("Thông tin sức khỏe"),
                    row("Lịch sử khám bệnh", tap=True),
                    row("Đơn thuốc"),
                ),
            ),
            S(
                "Thẻ bảo hiểm y tế nằm trong Ví giấy tờ. Khi đi khám, mở thẻ này cho nhân viên y tế xem.",
                "The health-insurance card is in the Document wallet. At the clinic, show it to the staff.",
                screen(
                    "Ví giấy tờ",
                    "red",
                    row("Căn cước điện tử"),
                    row("Thẻ BHYT", tap=True),
                    text("Dùng thay thẻ giấy khi đi khám"),
                ),
            ),
        ),
        (
            Q(
                "Sổ sức khỏe điện tử nằm trong ứng dụng nào?",
                "Which app holds the e-health book?",
                [("VNeID", "VNeID"), ("Zalo", "Zalo"), ("Máy ảnh", "Camera")],
                0,
                "Sổ sức khỏe điện tử được tích hợp trên VNeID.",
                "The e-health book is built into VNeID.",
            ),
            Q(
                "Đi khám bệnh, bác có thể dùng gì thay thẻ bảo hiểm y tế giấy?",
                "At the clinic, what can you use instead of the paper health-insurance card?",
                [
                    ("Thẻ BHYT trong Ví giấy tờ của VNeID", "The card in VNeID's Document wallet"),
                    ("Ảnh chụp thẻ của người khác", "A photo of someone else's card"),
                ],
                0,
                "Thẻ BHYT trên VNeID được dùng khi khám chữa bệnh.",
                "The insurance card in VNeID is accepted for medical visits.",
            ),
            Q(
                "Muốn dùng đầy đủ sổ sức khỏe điện tử, tài khoản VNeID cần mức mấy?",
                "What VNeID level do you need to use the e-health book fully?",
                [("Mức 2", "Level 2"), ("Không cần tài khoản", "No account needed")],
                0,
                "Các tiện ích về giấy tờ và sức khỏe cần tài khoản định danh mức 2.",
                "Document and health features need a level-2 identity account.",
            ),
        ),
    ),
    GuideContent(
        "online_birth_registration",
        "Đăng ký khai sinh trực tuyến",
        "Register a birth online",
        "Nộp hồ sơ khai sinh cho con trên Cổng Dịch vụ công quốc gia dichvucong.gov.vn.",
        "Submit a child's birth registration on the National Public Service Portal dichvucong.gov.vn.",
        (
            S(
                "Mở trình duyệt, gõ dichvucong.gov.vn. Bấm Đăng nhập, chọn đăng nhập bằng tài khoản VNeID.",
                "Open the browser and type dichvucong.gov.vn. Tap Sign in and choose VNeID.",
                screen(
                    "dichvucong.gov.vn",
                    "red",
                    text("Cổng Dịch vụ công quốc gia"),
                    button("Đăng nhập bằng VNeID", tap=True),
                ),
            ),
            S(
                "Tìm thủ tục liên thông đăng ký khai sinh, thường trú, cấp thẻ BHYT cho trẻ dưới 6 tuổi.",
                "Find the linked procedure: birth registration, residence and health insurance for a child under 6.",
                screen(
                    "Tìm thủ tục",
                    "red",
                    field("Tìm kiếm", "khai sinh"),
                    row("Liên thông khai sinh, thường trú, BHYT", tap=True),
                ),
            ),
            S(
                "Điền thông tin của cháu bé và cha mẹ. Kiểm tra kỹ họ tên, ngày sinh.",
                "Fill in the baby's and the parents' details. Check names and dates of birth carefully.",
                screen(
                    "Tờ khai",
                    "red",
                    field("Họ tên trẻ", "Nguyễn Văn An"),
                    field("Ngày sinh", "05/03/2026", tap=True),
                ),
            ),
            S(
                "Chụp giấy chứng sinh của bệnh viện và đính kèm. Bấm Nộp hồ sơ.",
                "Photograph the hospital's birth certificate and attach it. Tap Submit.",
                screen(
                    "Giấy tờ kèm theo",
                    "red",
                    row("Giấy chứng sinh - đã đính kèm"),
                    button("Nộp hồ sơ", tap=True),
                ),
            ),
            S(
                "Ghi lại mã hồ sơ. Theo dõi tin nhắn, rồi nhận giấy khai sinh theo cách đã chọn.",
                "Write down the file number. Watch for messages, then receive the birth certificate the way you chose.",
                screen(
                    "Đã nộp", "green", text("Mã hồ sơ: G22.xx-xxxx"), text("Theo dõi trong mục Hồ sơ của tôi")
                ),
            ),
        ),
        (
            Q(
                "Cổng Dịch vụ công quốc gia có địa chỉ nào?",
                "What is the address of the National Public Service Portal?",
                [
                    ("dichvucong.gov.vn", "dichvucong.gov.vn"),
                    ("dichvucong-nhanh.com", "dichvucong-nhanh.com"),
                    ("Link người lạ gửi qua Zalo", "A link a stranger sent on Zalo"),
                ],
                0,
                "Trang chính thức có đuôi .gov.vn. Trang giả thường có tên gần giống.",
                "The official site ends in .gov.vn. Fake sites use similar names.",
            ),
            Q(
                "Đăng nhập Cổng Dịch vụ công bằng gì?",
                "How do you sign in to the public-service portal?",
                [
                    ("Tài khoản định danh điện tử VNeID", "The VNeID electronic identity account"),
                    ("Tài khoản Facebook", "A Facebook account"),
                ],
                0,
                "Cổng Dịch vụ công quốc gia dùng tài khoản VNeID để đăng nhập.",
                "The national portal uses the VNeID account to sign in.",
            ),
            Q(
                "Khi khai sinh trực tuyến cần đính kèm giấy tờ gì của bệnh viện?",
                "Which hospital paper do you attach for an online birth registration?",
                [
                    ("Giấy chứng sinh", "The birth certificate from the hospital"),
                    ("Hóa đơn tiền điện", "An electricity bill"),
                ],
                0,
                "Giấy chứng sinh là giấy tờ chính để khai sinh cho trẻ.",
                "The hospital's birth certificate is the main document for registering a birth.",
            ),
        ),
    ),
    GuideContent(
        "online_marriage_registration",
        "Đăng ký kết hôn trực tuyến",
        "Register a marriage online",
        "Nộp hồ sơ kết hôn trên mạng, rồi hai người cùng đến nhận giấy chứng nhận.",
        "Submit the marriage file online, then both go together to receive the certificate.",
        (
            S(
                "Vào dichvucong.gov.vn, đăng nhập bằng tài khoản VNeID.",
                "Go to dichvucong.gov.vn and sign in with your VNeID account.",
                screen(
                    "dichvucong.gov.vn",
                    "red",
                    text("Cổng Dịch vụ công quốc gia"),
                    button("Đăng nhập bằng VNeID", tap=True),
                ),
            ),
            S(
                "Gõ tìm thủ tục Đăng ký kết hôn. Chọn nơi nộp là Ủy ban nhân dân xã nơi một trong hai người cư trú.",
                "Search for Marriage registration. Choose the commune People's Committee where one of you lives.",
                screen(
                    "Tìm thủ tục",
                    "red",
                    field("Tìm kiếm", "đăng ký kết hôn"),
                    row("Đăng ký kết hôn", tap=True),
                ),
            ),
            S(
                "Điền thông tin của hai người. Kiểm tra kỹ họ tên, ngày sinh, số định danh.",
                "Fill in both people's details. Check names, dates of birth and ID numbers carefully.",
                screen(
                    "Tờ khai",
                    "red",
                    field("Họ tên chồng", "..."),
                    field("Họ tên vợ", "..."),
                    button("Tiếp tục", tap=True),
                ),
            ),
            S(
                "Bấm Nộp hồ sơ và ghi lại mã hồ sơ.",
                "Tap Submit and write down the file number.",
                screen("Nộp hồ sơ", "red", button("Nộp hồ sơ", tap=True), text("Ghi lại mã hồ sơ")),
            ),
            S(
                "Khi xã hẹn, cả hai người cùng đến ký sổ và nhận giấy chứng nhận kết hôn.",
                "On the day the commune sets, both of you go together to sign and receive the marriage certificate.",
                screen(
                    "Lịch hẹn",
                    "green",
                    chat("Mời hai anh chị đến UBND xã nhận giấy"),
                    text("Cả hai người cùng có mặt"),
                ),
            ),
        ),
        (
            Q(
                "Nộp hồ sơ kết hôn trên mạng xong, có cần đến xã không?",
                "After submitting online, do you still go to the commune?",
                [
                    (
                        "Có, cả hai người cùng đến ký và nhận giấy chứng nhận",
                        "Yes: both go to sign and receive the certificate",
                    ),
                    ("Không cần đến bao giờ", "Never"),
                ],
                0,
                "Khi trao giấy chứng nhận kết hôn, hai bên nam, nữ phải có mặt.",
                "Both partners must be present when the marriage certificate is handed over.",
            ),
            Q(
                "Nộp hồ sơ kết hôn trực tuyến ở đâu?",
                "Where do you submit the marriage file online?",
                [
                    ("dichvucong.gov.vn", "dichvucong.gov.vn"),
                    ("Nhóm Facebook bán hàng", "A Facebook selling group"),
                ],
                0,
                "Dùng Cổng Dịch vụ công quốc gia, đăng nhập bằng VNeID.",
                "Use the National Public Service Portal, signing in with VNeID.",
            ),
            Q(
                "Sau khi nộp, bác nên giữ lại gì?",
                "After submitting, what should you keep?",
                [("Mã hồ sơ", "The file number"), ("Không cần giữ gì", "Nothing")],
                0,
                "Mã hồ sơ giúp tra cứu tình trạng giải quyết.",
                "The file number lets you check the progress.",
            ),
        ),
    ),
    GuideContent(
        "online_vehicle_registration",
        "Đăng ký xe trực tuyến",
        "Register a vehicle online",
        "Nộp hồ sơ đăng ký xe máy trên Cổng Dịch vụ công quốc gia.",
        "Submit a motorbike registration on the National Public Service Portal.",
        (
            S(
                "Vào dichvucong.gov.vn, đăng nhập bằng tài khoản VNeID.",
                "Go to dichvucong.gov.vn and sign in with your VNeID account.",
                screen(
                    "dichvucong.gov.vn",
                    "red",
                    text("Cổng Dịch vụ công quốc gia"),
                    button("Đăng nhập bằng VNeID", tap=True),
                ),
            ),
            S(
                "Gõ tìm Đăng ký xe. Chọn thủ tục đăng ký, cấp biển số xe lần đầu.",
                "Search for Vehicle registration. Choose first registration and number plate.",
                screen(
                    "Tìm thủ tục",
                    "red",
                    field("Tìm kiếm", "đăng ký xe"),
                    row("Đăng ký, cấp biển số lần đầu", tap=True),
                ),
            ),
            S(
                "Điền tờ khai: số khung, số máy ghi trên giấy tờ xe. Chọn cơ quan công an nơi đăng ký.",
                "Fill in the form: frame and engine numbers from the vehicle papers. Choose the police office.",
                screen(
                    "Tờ khai đăng ký xe",
                    "red",
                    field("Số khung", "RLHxxxxxxxx"),
                    field("Số máy", "JFxxxxxxx", tap=True),
                ),
            ),
            S(
                "Nộp lệ phí trực tuyến bằng ứng dụng ngân hàng. Lưu lại mã hồ sơ.",
                "Pay the fee online with your banking app. Keep the file number.",
                screen("Thanh toán lệ phí", "red", row("Lệ phí đăng ký xe"), button("Thanh toán", tap=True)),
            ),
            S(
                "Làm theo hẹn của công an: mang giấy tờ, xe nếu được yêu cầu, để nhận biển số.",
                "Follow the police's appointment: bring the papers, and the vehicle if asked, to receive the plate.",
                screen(
                    "Lịch hẹn", "green", chat("Mời ông/bà đến nhận biển số xe"), text("Mang theo giấy tờ xe")
                ),
            ),
        ),
        (
            Q(
                "Tờ khai đăng ký xe cần số nào trên giấy tờ xe?",
                "Which numbers from the vehicle papers does the form need?",
                [
                    ("Số khung và số máy", "The frame and engine numbers"),
                    ("Số điện thoại người bán", "The seller's phone number"),
                ],
                0,
                "Số khung, số máy giúp xác định đúng chiếc xe.",
                "The frame and engine numbers identify the vehicle.",
            ),
            Q(
                "Có người nhắn tin mời 'làm biển số nhanh, chuyển khoản trước'. Bác làm gì?",
                "A message offers 'fast number plates, pay first'. What do you do?",
                [
                    (
                        "Không chuyển tiền, chỉ nộp trên dichvucong.gov.vn",
                        "Do not pay; submit only on dichvucong.gov.vn",
                    ),
                    ("Chuyển tiền cho nhanh", "Pay to get it quickly"),
                ],
                0,
                "Lệ phí chỉ nộp qua cổng chính thức; người lạ nhận làm hộ thường là lừa đảo.",
                "Fees are paid only through the official portal; strangers offering help are usually scams.",
            ),
            Q(
                "Đăng nhập để đăng ký xe trực tuyến bằng gì?",
                "What do you sign in with to register a vehicle online?",
                [("Tài khoản VNeID", "The VNeID account"), ("Tài khoản Zalo", "A Zalo account")],
                0,
                "Cổng Dịch vụ công quốc gia dùng tài khoản VNeID.",
                "The national portal uses the VNeID account.",
            ),
        ),
    ),
    GuideContent(
        "medical_appointment",
        "Đặt lịch khám bệnh trực tuyến",
        "Book a medical appointment online",
        "Đặt lịch khám qua ứng dụng hoặc trang web chính thức của bệnh viện.",
        "Book a visit through the hospital's official app or website.",
        (
            S(
                "Mở ứng dụng hoặc trang web chính thức của bệnh viện. Hỏi trạm y tế xã nếu chưa biết.",
                "Open the hospital's official app or website. Ask the commune health station if unsure.",
                screen(
                    "Bệnh viện tỉnh",
                    "teal",
                    text("Trang chính thức của bệnh viện"),
                    button("Đặt lịch khám", tap=True),
                ),
            ),
            S(
                "Chọn khoa muốn khám, ví dụ khoa Nội.",
                "Choose the department, for example Internal medicine.",
                screen(
                    "Chọn khoa", "teal", row("Khoa Nội", tap=True), row("Khoa Mắt"), row("Khoa Răng hàm mặt")
                ),
            ),
            S(
                "Chọn ngày và giờ còn trống.",
                "Choose a free date and time.",
                screen(
                    "Chọn giờ",
                    "teal",
                    row("Thứ Hai 07:30", tap=True),
                    row("Thứ Hai 09:00"),
                    row("Thứ Ba 08:00"),
                ),
            ),
            S(
                "Điền họ tên, số điện thoại, số thẻ bảo hiểm y tế. Bấm Xác nhận.",
                "Fill in your name, phone number and health-insurance number. Tap Confirm.",
                screen(
                    "Thông tin",
                    "teal",
                    field("Họ tên", "Hoàng Văn Tuấn"),
                    field("Số thẻ BHYT", "xxxxxxxxxx"),
                    button("Xác nhận", tap=True),
                ),
            ),
            S(
                "Lưu mã lịch hẹn. Đến sớm 15 phút, mang căn cước hoặc VNeID.",
                "Keep the appointment code. Arrive 15 minutes early with your ID card or VNeID.",
                screen("Đã đặt lịch", "green", text("Mã lịch hẹn: KB-0425"), text("Đến sớm 15 phút")),
            ),
        ),
        (
            Q(
                "Đặt lịch khám ở đâu là an toàn?",
                "Where is it safe to book an appointment?",
                [
                    (
                        "Ứng dụng hoặc trang web chính thức của bệnh viện",
                        "The hospital's official app or website",
                    ),
                    (
                        "Người lạ gọi điện mời khám, đòi đặt cọc",
                        "A stranger calling to offer a visit and asking for a deposit",
                    ),
                ],
                0,
                "Kẻ gian có thể giả bệnh viện để lấy tiền đặt cọc.",
                "Scammers pose as hospitals to take deposits.",
            ),
            Q(
                "Khi đi khám theo lịch hẹn nên mang gì?",
                "What do you bring to the appointment?",
                [
                    ("Căn cước hoặc VNeID và mã lịch hẹn", "Your ID card or VNeID and the appointment code"),
                    ("Không cần mang gì", "Nothing"),
                ],
                0,
                "Căn cước hoặc VNeID dùng để làm thủ tục khám, cả bảo hiểm y tế.",
                "The ID card or VNeID is used to check in, including for health insurance.",
            ),
            Q(
                "Không biết bệnh viện có ứng dụng nào, bác hỏi ai?",
                "You do not know the hospital's app. Whom do you ask?",
                [
                    ("Trạm y tế xã hoặc tổ công nghệ số", "The commune health station or the digital team"),
                    ("Quảng cáo trên Facebook", "An advert on Facebook"),
                ],
                0,
                "Hỏi nơi tin cậy để dùng đúng ứng dụng chính thức.",
                "Ask a trusted place to use the right official app.",
            ),
        ),
    ),
    GuideContent(
        "bank_app",
        "Sử dụng ứng dụng ngân hàng",
        "Use a banking app",
        "Đăng nhập ứng dụng ngân hàng, xem số dư, giữ tài khoản an toàn.",
        "Sign in to the banking app, check the balance, keep the account safe.",
        (
            S(
                "Mở tài khoản tại quầy ngân hàng hoặc ngay trong ứng dụng với thẻ căn cước gắn chip.",
                "Open an account at the bank counter, or in the app with your chip ID card.",
                screen("Ngân hàng", "teal", button("Mở tài khoản"), text("Cần thẻ căn cước gắn chip")),
            ),
            S(
                "Cài ứng dụng chính thức của ngân hàng từ CH Play. Bấm vào biểu tượng ngân hàng để mở.",
                "Install the bank's official app from CH Play. Tap the bank icon to open it.",
                home(3),
            ),
            S(
                "Gõ tên đăng nhập và mật khẩu do ngân hàng cấp, bấm Đăng nhập.",
                "Type the user name and password the bank gave you, then tap Sign in.",
                screen(
                    "Ngân hàng",
                    "teal",
                    field("Tên đăng nhập", "09x xxx xxxx"),
                    field("Mật khẩu", "••••••••"),
                    button("Đăng nhập", tap=True),
                ),
            ),
            S(
                "Bấm vào Tài khoản để xem số dư và các lần chuyển, nhận tiền.",
                "Tap Account to see the balance and past payments in and out.",
                screen(
                    "Ngân hàng",
                    "teal",
                    row("Tài khoản - số dư", tap=True),
                    row("Chuyển tiền"),
                    row("Quét QR"),
                ),
            ),
            S(
                "Dùng xong bấm Đăng xuất. Không cho ai mượn điện thoại khi đang mở ứng dụng ngân hàng.",
                "When done tap Sign out. Never lend the phone while the banking app is open.",
                screen(
                    "Ngân hàng",
                    "teal",
                    button("Đăng xuất", tap=True),
                    warn("Không cho ai biết mật khẩu, OTP"),
                ),
            ),
        ),
        (
            Q(
                "Nhân viên 'ngân hàng' gọi điện hỏi mật khẩu để 'nâng cấp tài khoản'. Bác làm gì?",
                "A 'bank' employee phones asking for your password to 'upgrade the account'. What do you do?",
                [
                    (
                        "Không nói, tắt máy, gọi số tổng đài in trên thẻ",
                        "Say nothing, hang up, call the number on your card",
                    ),
                    ("Đọc mật khẩu cho họ", "Tell them the password"),
                ],
                0,
                "Ngân hàng không bao giờ hỏi mật khẩu hay OTP qua điện thoại.",
                "Banks never ask for passwords or OTPs by phone.",
            ),
            Q(
                "Muốn xem còn bao nhiêu tiền, bác bấm vào đâu?",
                "To see how much money you have, what do you tap?",
                [("Tài khoản - số dư", "Account - balance"), ("Đăng xuất", "Sign out")],
                0,
                "Mục Tài khoản cho biết số dư và lịch sử giao dịch.",
                "The Account section shows the balance and history.",
            ),
            Q(
                "Chuyển khoản trên 10 triệu đồng một lần thì ứng dụng ngân hàng yêu cầu gì?",
                "For a single transfer above 10 million đồng, what does the banking app require?",
                [("Xác thực bằng khuôn mặt", "Face authentication"), ("Không cần gì thêm", "Nothing more")],
                0,
                "Từ 1/7/2024, chuyển trên 10 triệu một lần hoặc trên 20 triệu một ngày phải xác thực khuôn mặt.",
                "Since 1 July 2024, transfers above 10 million at once or 20 million a day need face authentication.",
            ),
        ),
    ),
    GuideContent(
        "qr_payment",
        "Thanh toán bằng mã QR",
        "Pay with a QR code",
        "Quét mã QR để trả tiền, luôn xem tên người nhận trước khi trả.",
        "Scan a QR code to pay, always checking the payee's name first.",
        (
            S(
                "Mở ứng dụng ngân hàng, bấm Quét QR.",
                "Open the banking app and tap Scan QR.",
                screen("Ngân hàng", "teal", row("Tài khoản"), row("Chuyển tiền"), row("Quét QR", tap=True)),
            ),
            S(
                "Đưa camera vào mã QR của cửa hàng, giữ yên đến khi máy đọc xong.",
                "Point the camera at the shop's QR code and hold still until it is read.",
                screen("Quét QR", "teal", qr("pay"), text("Giữ yên điện thoại")),
            ),
            S(
                "Xem tên người nhận hiện trên màn hình. Đúng tên cửa hàng mới trả.",
                "Look at the payee's name on the screen. Pay only if it is the shop's name.",
                screen(
                    "Xác nhận",
                    "teal",
                    field("Người nhận", "TAP HOA CO HOA"),
                    warn("Sai tên người nhận: dừng lại"),
                ),
            ),
            S(
                "Gõ số tiền, bấm Xác nhận, nhập mã PIN hoặc xác thực khuôn mặt.",
                "Type the amount, tap Confirm, then enter your PIN or use face check.",
                screen("Thanh toán", "teal", field("Số tiền", "50.000 đ"), button("Xác nhận", tap=True)),
            ),
            S(
                "Màn hình báo Thành công. Đưa người bán xem màn hình này.",
                "The screen says Successful. Show this screen to the seller.",
                screen("Thành công", "green", text("Đã chuyển 50.000 đ"), text("Cho người bán xem")),
            ),
        ),
        (
            Q(
                "Trước khi trả tiền bằng QR, bác phải xem gì?",
                "Before paying by QR, what must you check?",
                [
                    ("Tên người nhận có đúng không", "That the payee's name is right"),
                    ("Màu của mã QR", "The colour of the QR code"),
                ],
                0,
                "Kẻ gian có thể dán mã QR giả đè lên mã thật; tên người nhận giúp phát hiện.",
                "Scammers can stick a fake QR over the real one; the payee's name reveals it.",
            ),
            Q(
                "Tên người nhận khác tên cửa hàng. Bác làm gì?",
                "The payee's name is not the shop's. What do you do?",
                [("Dừng lại, hỏi người bán", "Stop and ask the seller"), ("Vẫn trả tiền", "Pay anyway")],
                0,
                "Sai tên có thể là mã QR giả. Không trả khi chưa rõ.",
                "A wrong name may mean a fake QR. Do not pay until it is clear.",
            ),
            Q(
                "Trả xong, làm sao người bán biết bác đã trả?",
                "After paying, how does the seller know?",
                [
                    ("Cho người bán xem màn hình Thành công", "Show the seller the Successful screen"),
                    ("Không cần làm gì", "Nothing needed"),
                ],
                0,
                "Màn hình Thành công là bằng chứng đã trả tiền.",
                "The Successful screen proves the payment.",
            ),
        ),
    ),
    GuideContent(
        "money_transfer",
        "Chuyển tiền qua ứng dụng",
        "Transfer money with an app",
        "Chuyển tiền cho người thân, kiểm tra kỹ số tài khoản và tên người nhận.",
        "Send money to family, double-checking the account number and name.",
        (
            S(
                "Mở ứng dụng ngân hàng, bấm Chuyển tiền.",
                "Open the banking app and tap Transfer.",
                screen("Ngân hàng", "teal", row("Tài khoản"), row("Chuyển tiền", tap=True), row("Quét QR")),
            ),
            S(
                "Chọn ngân hàng của người nhận và gõ số tài khoản.",
                "Choose the payee's bank and type the account number.",
                screen(
                    "Chuyển tiền",
                    "teal",
                    field("Ngân hàng nhận", "Agribank"),
                    field("Số tài khoản", "xxxx xxxx xxxx", tap=True),
                ),
            ),
            S(
                "Xem tên người nhận hiện ra. Đúng người thân thì mới tiếp tục.",
                "Check the payee's name that appears. Continue only if it is your relative.",
                screen(
                    "Chuyển tiền",
                    "teal",
                    field("Tên người nhận", "NGUYEN THI LAN"),
                    button("Tiếp tục", tap=True),
                ),
            ),
            S(
                "Gõ số tiền và nội dung, ví dụ: Mẹ gửi tiền học. Bấm Xác nhận, nhập OTP hoặc xác thực khuôn mặt.",
                "Type the amount and a note, e.g. Money for school. Tap Confirm, then the OTP or face check.",
                screen(
                    "Chuyển tiền",
                    "teal",
                    field("Số tiền", "500.000 đ"),
                    field("Nội dung", "Me gui tien hoc"),
                    button("Xác nhận", tap=True),
                ),
            ),
            S(
                "Người lạ, kể cả xưng là công an, bảo chuyển tiền thì không chuyển. Gọi hỏi người thân trước.",
                "If a stranger, even one claiming to be police, tells you to transfer money, do not. Call your family first.",
                screen(
                    "Cảnh báo",
                    "red",
                    chat("Công an đây, chuyển tiền ngay!"),
                    warn("Không chuyển, gọi người thân"),
                ),
            ),
        ),
        (
            Q(
                "Trước khi bấm Xác nhận chuyển tiền, bác kiểm tra gì?",
                "Before confirming a transfer, what do you check?",
                [
                    ("Tên người nhận và số tiền", "The payee's name and the amount"),
                    ("Chỉ cần số tiền", "Only the amount"),
                ],
                0,
                "Chuyển nhầm rất khó lấy lại. Xem kỹ tên người nhận.",
                "A wrong transfer is very hard to get back. Check the name.",
            ),
            Q(
                "Người gọi xưng là công an bảo chuyển tiền để 'điều tra'. Bác làm gì?",
                "A caller claiming to be police says to transfer money 'for an investigation'. What do you do?",
                [
                    (
                        "Không chuyển, tắt máy, báo công an xã",
                        "Do not pay; hang up and tell the commune police",
                    ),
                    ("Chuyển ngay kẻo bị bắt", "Pay at once or be arrested"),
                ],
                0,
                "Công an không bao giờ yêu cầu chuyển tiền qua điện thoại.",
                "The police never ask for money transfers by phone.",
            ),
            NEVER_OTP,
        ),
    ),
    GuideContent(
        "sell_online",
        "Bán nông sản trên mạng",
        "Sell produce online",
        "Chụp ảnh đẹp, đăng bán, trả lời khách và nhận tiền an toàn.",
        "Take good photos, post for sale, answer buyers and get paid safely.",
        (
            S(
                "Chụp ảnh sản phẩm ở chỗ sáng, ban ngày. Chụp gần, rõ, nền gọn gàng.",
                "Photograph the produce in daylight, close up and clear, on a tidy background.",
                screen("Máy ảnh", "grey", text("Chụp ban ngày, chỗ sáng"), button("Chụp", tap=True)),
            ),
            S(
                "Viết tên sản phẩm, giá, cân nặng, nơi trồng. Ví dụ: Cà phê Buôn Đôn, 150.000 đ/kg.",
                "Write the name, price, weight and where it is grown. E.g. Buôn Đôn coffee, 150,000 đ/kg.",
                screen(
                    "Bài đăng mới",
                    "blue",
                    field("Tên sản phẩm", "Cà phê Buôn Đôn"),
                    field("Giá", "150.000 đ/kg", tap=True),
                ),
            ),
            S(
                "Đăng lên nhóm Zalo, Facebook hoặc sàn thương mại điện tử. Bấm Đăng.",
                "Post it to a Zalo or Facebook group or an online marketplace. Tap Post.",
                screen("Bài đăng mới", "blue", row("Ảnh: 3 ảnh"), button("Đăng", tap=True)),
            ),
            S(
                "Trả lời tin nhắn của khách. Thống nhất giá, số lượng, cách giao hàng.",
                "Answer buyers' messages. Agree on price, quantity and delivery.",
                screen(
                    "Tin nhắn",
                    "blue",
                    chat("Cho tôi 5 kg, giao về Buôn Ma Thuột"),
                    chat("Dạ, 750.000 đ, giao ngày mai", me=True, tap=True),
                ),
            ),
            S(
                "Nhận tiền bằng mã QR tài khoản của mình hoặc thu tiền khi giao. Kiểm tra tiền đã vào tài khoản.",
                "Get paid with your own account QR code or on delivery. Check the money has arrived.",
                screen("Ngân hàng", "teal", qr("my-account"), text("Kiểm tra số dư đã cộng tiền")),
            ),
        ),
        (
            Q(
                "Ảnh sản phẩm nên chụp thế nào?",
                "How should you photograph your produce?",
                [
                    ("Ban ngày, chỗ sáng, chụp gần và rõ", "In daylight, close up and clear"),
                    ("Buổi tối, không bật đèn", "At night with no light"),
                ],
                0,
                "Ảnh rõ, sáng giúp khách tin và dễ mua.",
                "Clear, bright photos win buyers' trust.",
            ),
            Q(
                "Khách gửi ảnh 'đã chuyển khoản' nhưng tài khoản chưa có tiền. Bác làm gì?",
                "A buyer sends a 'paid' screenshot but no money arrived. What do you do?",
                [
                    ("Chưa giao hàng, chờ tiền vào tài khoản", "Do not ship; wait for the money to arrive"),
                    ("Giao hàng ngay vì đã có ảnh", "Ship at once because there is a picture"),
                ],
                0,
                "Ảnh chụp màn hình có thể làm giả. Chỉ tin số dư trong tài khoản.",
                "Screenshots can be faked. Trust only your account balance.",
            ),
            Q(
                "Bài đăng bán cần ghi những gì?",
                "What should a sale post say?",
                [
                    ("Tên, giá, cân nặng, nơi trồng", "Name, price, weight and origin"),
                    ("Chỉ cần một ảnh", "Just one photo"),
                ],
                0,
                "Thông tin đầy đủ giúp khách quyết định nhanh.",
                "Full details help buyers decide quickly.",
            ),
        ),
    ),
    GuideContent(
        "buy_online",
        "Mua hàng trực tuyến an toàn",
        "Shop online safely",
        "Mua trên sàn uy tín, xem đánh giá, trả tiền khi nhận hàng.",
        "Buy on reputable marketplaces, read reviews, pay on delivery.",
        (
            S(
                "Mở ứng dụng sàn thương mại điện tử uy tín, cài từ CH Play. Gõ tên món cần mua.",
                "Open a reputable marketplace app, installed from CH Play. Type what you want to buy.",
                screen(
                    "Sàn mua sắm",
                    "orange",
                    field("Tìm sản phẩm", "nồi cơm điện", tap=True),
                    row("Nồi cơm điện 1,8 lít"),
                ),
            ),
            S(
                "Xem số sao và đánh giá của người mua trước. Chọn người bán có nhiều đánh giá tốt.",
                "Read the stars and earlier buyers' reviews. Choose a seller with many good reviews.",
                screen("Sản phẩm", "orange", text("4,8 sao - 2.300 đánh giá"), row("Xem đánh giá", tap=True)),
            ),
            S(
                "Bấm Mua ngay. Chọn Thanh toán khi nhận hàng nếu chưa quen trả trước.",
                "Tap Buy now. Choose Pay on delivery if you are not used to paying in advance.",
                screen(
                    "Thanh toán",
                    "orange",
                    row("Thanh toán khi nhận hàng", tap=True),
                    row("Ví điện tử"),
                    button("Đặt hàng"),
                ),
            ),
            S(
                "Kiểm tra địa chỉ và số điện thoại nhận hàng. Bấm Đặt hàng.",
                "Check the delivery address and phone number. Tap Place order.",
                screen(
                    "Đặt hàng",
                    "orange",
                    field("Địa chỉ", "Thôn Bản Cáu, xã ..."),
                    button("Đặt hàng", tap=True),
                ),
            ),
            S(
                "Giá rẻ bất thường, hoặc người lạ nhắn gửi link thanh toán riêng: không mua.",
                "An unusually low price, or a stranger messaging a private payment link: do not buy.",
                screen(
                    "Tin nhắn",
                    "red",
                    chat("Giảm 90%, chuyển khoản qua link này"),
                    warn("Giá quá rẻ: cẩn thận"),
                ),
            ),
        ),
        (
            Q(
                "Mới mua lần đầu, cách trả tiền nào an toàn hơn?",
                "Buying for the first time, which payment is safer?",
                [
                    ("Thanh toán khi nhận hàng", "Pay on delivery"),
                    ("Chuyển khoản trước cho người lạ", "Pay a stranger in advance"),
                ],
                0,
                "Trả tiền khi nhận hàng giúp tránh mất tiền mà không có hàng.",
                "Paying on delivery avoids losing money with no goods.",
            ),
            Q(
                "Nên mua của người bán nào?",
                "Which seller should you buy from?",
                [
                    ("Người có nhiều đánh giá tốt", "One with many good reviews"),
                    (
                        "Người không có đánh giá, giá rẻ bất thường",
                        "One with no reviews and an unusually low price",
                    ),
                ],
                0,
                "Đánh giá của người mua trước giúp biết người bán có uy tín.",
                "Earlier buyers' reviews show whether a seller is trustworthy.",
            ),
            Q(
                "Người bán nhắn: 'Giảm 90%, chuyển khoản qua link này'. Bác làm gì?",
                "A seller messages: '90% off, pay through this link'. What do you do?",
                [
                    ("Không bấm link, không mua", "Do not tap the link, do not buy"),
                    ("Bấm link trả tiền ngay", "Tap the link and pay now"),
                ],
                0,
                "Giá quá rẻ và link riêng là dấu hiệu lừa đảo.",
                "Too-good prices and private links are signs of a scam.",
            ),
        ),
    ),
    GuideContent(
        "passwords",
        "Mật khẩu và mã OTP",
        "Passwords and one-time codes",
        "Đặt mật khẩu mạnh, khóa màn hình, không bao giờ cho ai biết mã OTP.",
        "Use strong passwords, lock the screen, never share an OTP.",
        (
            S(
                "Mật khẩu mạnh có ít nhất 8 ký tự, có chữ, số và ký hiệu. Không dùng ngày sinh.",
                "A strong password has at least 8 characters with letters, numbers and symbols. Not your birthday.",
                screen(
                    "Đặt mật khẩu",
                    "purple",
                    field("Mật khẩu mới", "Lua#Chin2026", tap=True),
                    warn("Không dùng ngày sinh"),
                ),
            ),
            S(
                "Mỗi ứng dụng quan trọng dùng một mật khẩu khác nhau.",
                "Use a different password for each important app.",
                screen(
                    "Mật khẩu",
                    "purple",
                    row("Ngân hàng: mật khẩu riêng"),
                    row("VNeID: mật khẩu riêng"),
                    row("Zalo: mật khẩu riêng"),
                ),
            ),
            S(
                "Vào Cài đặt, bấm Bảo mật, đặt khóa màn hình bằng mã số hoặc vân tay.",
                "Go to Settings, tap Security, set a screen lock with a PIN or fingerprint.",
                screen("Cài đặt", "grey", row("Bảo mật", tap=True), row("Khóa màn hình"), row("Vân tay")),
            ),
            S(
                "Mã OTP gửi qua tin nhắn chỉ để bác tự gõ vào ứng dụng. Không đọc cho ai, kể cả người xưng là công an.",
                "An OTP by text message is only for you to type into the app. Never tell anyone, even someone claiming to be police.",
                screen("Tin nhắn", "red", chat("Ma OTP cua ban la 482913"), warn("Không cho ai biết mã OTP")),
            ),
        ),
        (
            Q(
                "Mật khẩu nào mạnh nhất?",
                "Which password is strongest?",
                [
                    ("123456", "123456"),
                    ("Ngày sinh 01011960", "Birthday 01011960"),
                    ("Lua#Chin2026", "Lua#Chin2026"),
                ],
                2,
                "Mật khẩu mạnh dài, có chữ hoa, chữ thường, số và ký hiệu.",
                "A strong password is long, with upper and lower case letters, numbers and symbols.",
            ),
            NEVER_OTP,
            Q(
                "Vì sao nên đặt khóa màn hình?",
                "Why set a screen lock?",
                [
                    (
                        "Để người khác không mở được máy khi bác để quên",
                        "So nobody can open the phone if you leave it",
                    ),
                    ("Để pin lâu hết", "To save battery"),
                ],
                0,
                "Khóa màn hình bảo vệ tin nhắn, ứng dụng ngân hàng khi mất máy.",
                "A screen lock protects messages and banking apps if the phone is lost.",
            ),
            Q(
                "Có nên dùng một mật khẩu cho mọi ứng dụng?",
                "Should you use one password for every app?",
                [
                    ("Không, mỗi ứng dụng quan trọng một mật khẩu", "No: one password per important app"),
                    ("Có, cho dễ nhớ", "Yes, it is easier to remember"),
                ],
                0,
                "Lộ một mật khẩu thì kẻ gian vào được mọi tài khoản dùng chung mật khẩu đó.",
                "If one password leaks, every account sharing it is open.",
            ),
        ),
    ),
    GuideContent(
        "scam_awareness",
        "Nhận biết lừa đảo trực tuyến",
        "Recognise online scams",
        "Nhận ra cuộc gọi, tin nhắn, đường link lừa đảo và biết báo cho ai.",
        "Recognise scam calls, messages and links, and know whom to tell.",
        (
            S(
                "Người gọi xưng công an, tòa án, ngân hàng, đòi chuyển tiền hay đọc mã OTP: đó là lừa đảo. Tắt máy.",
                "A caller claiming to be police, court or bank who wants money or your OTP is a scammer. Hang up.",
                screen("Cuộc gọi đến", "red", text("Số lạ: xưng là công an"), call("end")),
            ),
            S(
                "Tin nhắn báo trúng thưởng, nhận quà, kèm đường link: không bấm vào link.",
                "A message saying you won a prize or a gift, with a link: do not tap the link.",
                screen(
                    "Tin nhắn",
                    "red",
                    chat("Chúc mừng bạn trúng 50 triệu, bấm link"),
                    warn("Không bấm link lạ"),
                ),
            ),
            S(
                "Có người báo con cháu cấp cứu, cần tiền gấp: gọi ngay cho con cháu hoặc người nhà để hỏi lại.",
                "Someone says your grandchild is in hospital and needs money now: call the child or family to check.",
                screen("Danh bạ", "blue", row("Con trai - Minh", tap=True), text("Gọi lại số quen để hỏi")),
            ),
            S(
                "Không cài ứng dụng theo hướng dẫn của người lạ. Ứng dụng lạ có thể lấy hết tiền trong tài khoản.",
                "Never install an app a stranger tells you to. A strange app can empty your account.",
                screen(
                    "Cảnh báo", "red", chat("Cài app này để cập nhật VNeID"), warn("VNeID chỉ cài từ CH Play")
                ),
            ),
            S(
                "Nghi bị lừa: báo ngay ngân hàng qua số tổng đài trên thẻ, và báo công an xã.",
                "If you suspect a scam: tell the bank at the number on your card, and tell the commune police.",
                screen(
                    "Báo ngay", "green", row("Tổng đài ngân hàng (trên thẻ)", tap=True), row("Công an xã")
                ),
            ),
        ),
        (
            Q(
                "Người xưng công an gọi, bảo chuyển tiền vào 'tài khoản tạm giữ'. Đây là gì?",
                "A 'police officer' calls and says to move money to a 'holding account'. What is this?",
                [("Lừa đảo", "A scam"), ("Việc bình thường của công an", "Normal police work")],
                0,
                "Công an không làm việc qua điện thoại và không yêu cầu chuyển tiền.",
                "The police do not deal with cases by phone and never ask for transfers.",
            ),
            Q(
                "Có người báo cháu bị tai nạn, cần chuyển tiền gấp. Bác làm gì trước?",
                "Someone says your grandchild had an accident and needs money urgently. What first?",
                [
                    ("Gọi cho cháu hoặc người nhà để hỏi lại", "Call the grandchild or family to check"),
                    ("Chuyển tiền ngay", "Send the money at once"),
                ],
                0,
                "Kẻ gian dựa vào sự hoảng hốt. Kiểm tra bằng số quen trước.",
                "Scammers rely on panic. Check with a number you know first.",
            ),
            Q(
                "Tin nhắn báo trúng thưởng kèm đường link. Bác làm gì?",
                "A text says you won a prize and has a link. What do you do?",
                [
                    ("Không bấm, xóa tin nhắn", "Do not tap it; delete the message"),
                    ("Bấm vào để nhận thưởng", "Tap it to claim the prize"),
                ],
                0,
                "Link lạ có thể cài ứng dụng độc hại hoặc lấy mật khẩu.",
                "Strange links can install harmful apps or steal passwords.",
            ),
            NEVER_OTP,
        ),
    ),
    GuideContent(
        "personal_data",
        "Bảo vệ dữ liệu cá nhân",
        "Protect personal data",
        "Giữ kín căn cước, mã OTP, mật khẩu; xem ứng dụng được phép làm gì.",
        "Keep your ID card, OTP and passwords private; check what apps may do.",
        (
            S(
                "Không đăng ảnh thẻ căn cước, giấy tờ, vé máy bay lên mạng xã hội.",
                "Never post photos of your ID card, papers or tickets on social media.",
                screen("Facebook", "blue", row("Ảnh thẻ căn cước"), warn("Không đăng ảnh giấy tờ lên mạng")),
            ),
            S(
                "Vào Cài đặt, bấm Ứng dụng, chọn một ứng dụng, bấm Quyền để xem nó dùng gì.",
                "Go to Settings, tap Apps, choose an app and tap Permissions to see what it uses.",
                screen("Cài đặt", "grey", row("Ứng dụng", tap=True), row("Bảo mật"), row("Pin")),
            ),
            S(
                "Ứng dụng đèn pin mà đòi danh bạ, tin nhắn thì bấm Không cho phép.",
                "If a torch app asks for contacts or messages, tap Do not allow.",
                screen(
                    "Quyền",
                    "grey",
                    text("Đèn pin muốn đọc tin nhắn"),
                    button("Không cho phép", tap=True),
                    button("Cho phép"),
                ),
            ),
            S(
                "Không điền số căn cước, số tài khoản vào trang lạ hứa tặng quà.",
                "Do not type your ID or bank account number into strange pages promising gifts.",
                screen(
                    "Trang lạ", "red", field("Số căn cước", ""), warn("Trang lạ hứa tặng quà: không điền")
                ),
            ),
            S(
                "Cho người khác mượn máy xong, đăng xuất Zalo, ngân hàng nếu họ đã dùng.",
                "After lending your phone, sign out of Zalo or banking if they used it.",
                screen(
                    "Tài khoản", "grey", button("Đăng xuất", tap=True), text("Đăng xuất khi dùng máy chung")
                ),
            ),
        ),
        (
            Q(
                "Có nên đăng ảnh thẻ căn cước lên Facebook?",
                "Should you post a photo of your ID card on Facebook?",
                [
                    ("Không, kẻ gian có thể dùng để lừa đảo", "No: scammers can use it"),
                    ("Có, không sao", "Yes, it is fine"),
                ],
                0,
                "Thông tin trên căn cước có thể bị dùng để mở tài khoản, vay tiền giả mạo.",
                "ID card details can be used to open accounts or take loans in your name.",
            ),
            Q(
                "Ứng dụng đèn pin đòi đọc tin nhắn. Bác chọn gì?",
                "A torch app asks to read your messages. What do you choose?",
                [("Không cho phép", "Do not allow"), ("Cho phép", "Allow")],
                0,
                "Đèn pin không cần đọc tin nhắn; có thể nó muốn lấy mã OTP.",
                "A torch does not need your messages; it may want your OTP.",
            ),
            NEVER_OTP,
        ),
    ),
)


def default_guides_by_code() -> dict[str, GuideContent]:
    return {g.skill_code: g for g in DEFAULT_GUIDES}
