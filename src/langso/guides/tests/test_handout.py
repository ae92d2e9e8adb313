import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from langso.guides.models import Guide, GuideStep

pytestmark = pytest.mark.django_db

PICTURE = {
    "title": "Ngân hàng",
    "theme": "green",
    "items": [
        {"t": "text", "text": "Xin chào"},
        {"t": "button", "text": "Quét QR", "tap": True},
        {"t": "qr"},
    ],
}


def _guide(steps: int = 5, code: str = "qr_payment_test") -> Guide:
    guide = Guide.objects.create(
        skill_code=code,
        title="Thanh toán bằng mã QR ở Đắk Lắk",
        title_en="Pay with a QR code",
        summary="Trả tiền điện, nước và mua hàng bằng điện thoại.",
    )
    for number in range(1, steps + 1):
        GuideStep.objects.create(
            guide=guide,
            number=number,
            text=f"Bước {number}: mở ứng dụng ngân hàng, chọn “Quét QR”, kiểm tra tên người nhận rồi mới trả tiền.",
            text_en=f"Step {number}: open the banking app and scan.",
            illustration=PICTURE,
        )
    return guide


def _reader(response) -> PdfReader:
    return PdfReader(
        io.BytesIO(b"".join(response) if hasattr(response, "streaming_content") else response.content)
    )


def test_the_handout_is_one_public_page_with_the_title_and_steps_in_vietnamese(client):
    guide = _guide()
    response = client.get(reverse("guides:handout", args=[guide.skill_code]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.public_content is True
    reader = _reader(response)
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    assert "Thanh toán bằng mã QR ở Đắk Lắk" in text
    assert "mở ứng dụng ngân hàng" in text
    assert "người nhận rồi mới trả tiền" in text
    assert "Người hướng dẫn:" in text
    assert "Điện thoại:" in text


def test_a_long_guide_is_squeezed_onto_one_page(client):
    guide = _guide(steps=12, code="long_guide")
    reader = _reader(client.get(reverse("guides:handout", args=[guide.skill_code])))
    assert len(reader.pages) == 1
    assert "Bước 12" in reader.pages[0].extract_text()


def test_the_handout_follows_the_chosen_language(client, settings):
    guide = _guide()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = _reader(client.get(reverse("guides:handout", args=[guide.skill_code]))).pages[0]
    text = " ".join(page.extract_text().split())
    assert "Pay with a QR code" in text
    assert "Step 1: open the banking app" in text


def test_the_handout_is_cached_until_the_guide_changes(client, monkeypatch):
    from langso.guides import handout

    guide = _guide(steps=2)
    url = reverse("guides:handout", args=[guide.skill_code])
    calls = []
    real = handout.render_document

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(handout, "render_document", counting)
    client.get(url)
    client.get(url)
    assert len(calls) == 1
    guide.title = "Trả tiền bằng mã QR"
    guide.save()
    text = _reader(client.get(url)).pages[0].extract_text()
    assert len(calls) == 2
    assert "Trả tiền bằng mã QR" in text


def test_an_unknown_guide_has_no_handout(client):
    assert client.get(reverse("guides:handout", args=["no_such_skill"])).status_code == 404


def test_every_default_guide_prints_on_one_page(client):
    guides = list(Guide.objects.filter(steps__isnull=False).distinct())
    if not guides:  # the default guides come with the guides app's data migration
        guides = [_guide(steps=6, code="fallback")]
    for guide in guides:
        response = client.get(reverse("guides:handout", args=[guide.skill_code]))
        reader = _reader(response)
        assert len(reader.pages) == 1, guide.skill_code
        text = " ".join(reader.pages[0].extract_text().split())
        assert " ".join(guide.title.split()) in text, guide.skill_code
