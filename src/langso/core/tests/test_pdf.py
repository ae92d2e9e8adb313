import io
import socket

import pytest
from pypdf import PdfReader

from langso.core.pdf import BASE_URL, StaticOnlyFetcher, render_pdf

VIETNAMESE = "Nguyễn Thị Hường ở Đắk Lắk được hướng dẫn cài ứng dụng VNeID; Ông Y Ngông Êban, bà Hà Thị Ửng."


@pytest.fixture
def template_dir(tmp_path, settings):
    templates = [dict(engine) for engine in settings.TEMPLATES]
    templates[0] = {**templates[0], "DIRS": [tmp_path, *templates[0].get("DIRS", [])]}
    settings.TEMPLATES = templates
    return tmp_path


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_vietnamese_diacritics_survive_in_the_pdf_text(template_dir):
    (template_dir / "sample.html").write_text(
        "<html><body><h1>{{ title }}</h1><p>{{ body }}</p></body></html>", encoding="utf-8"
    )
    pdf = render_pdf("sample.html", {"title": "Làng Số — Bình dân học vụ số", "body": VIETNAMESE})
    assert pdf.startswith(b"%PDF-")
    text = _text(pdf)
    for word in ("Nguyễn", "Hường", "Đắk Lắk", "được", "hướng dẫn", "Ửng", "Êban", "Bình dân học vụ số"):
        assert word in text
    assert "ượ" in text


def test_outside_addresses_and_server_files_are_never_fetched(template_dir, monkeypatch):
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network used")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    (template_dir / "outside.html").write_text(
        '<html><head><link rel="stylesheet" href="https://example.com/evil.css"></head><body>'
        '<img src="http://example.com/track.png"><img src="file:///etc/hostname">'
        '<iframe src="file:///etc/passwd"></iframe>'
        "<p>Xin chào</p></body></html>",
        encoding="utf-8",
    )
    pdf = render_pdf("outside.html", {})
    assert attempts == []
    text = _text(pdf)
    assert "Xin chào" in text
    assert "root:" not in text


def test_the_fetcher_serves_static_files_and_refuses_everything_else():
    fetcher = StaticOnlyFetcher()
    served = fetcher.fetch(f"{BASE_URL}static/langso/app.css")
    assert served.read().strip()
    assert served.content_type == "text/css"
    for url in (
        "https://example.com/static/langso/app.css",
        "http://127.0.0.1:8000/static/langso/app.css",
        "file:///etc/passwd",
        f"{BASE_URL}static/../settings.py",
        f"{BASE_URL}static/%2e%2e/settings.py",
        f"{BASE_URL}media/anything.png",
        f"{BASE_URL}static/langso/missing.css",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def test_inline_data_images_are_allowed():
    response = StaticOnlyFetcher().fetch("data:image/svg+xml;base64,PHN2Zy8+")
    assert response.read() == b"<svg/>"
    assert response.content_type == "image/svg+xml"
