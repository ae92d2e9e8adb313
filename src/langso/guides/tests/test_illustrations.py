"""A step's picture: a small phone-screen description drawn as accessible, self-contained SVG."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.core.exceptions import ValidationError

from langso.guides.illustrations import render_svg, validate_spec
from langso.guides.shipped import shipped_guides

SVG = "{http://www.w3.org/2000/svg}"
EVERY_KIND = {
    "title": "VNeID",
    "theme": "red",
    "items": [
        {"t": "apps", "apps": ["VNeID", "Zalo"], "colors": ["red", "blue"], "tap": 0},
        {"t": "text", "text": "Chạm vào biểu tượng"},
        {"t": "field", "text": "Số định danh", "value": "0xx"},
        {"t": "button", "text": "Đăng nhập", "tap": True},
        {"t": "warn", "text": "Không cho ai biết mã OTP"},
    ],
}


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output, parsed to prove it is well-formed


def test_a_picture_is_well_formed_svg_labelled_with_the_step_text() -> None:
    root = _parse(render_svg(EVERY_KIND, "Bấm vào biểu tượng VNeID màu đỏ"))

    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-label") == "Bấm vào biểu tượng VNeID màu đỏ"
    texts = " ".join("".join(t.itertext()) for t in root.iter(f"{SVG}text"))
    assert "VNeID" in texts and "Đăng nhập" in texts and "Số định danh" in texts


def test_a_picture_has_no_style_attribute_script_or_outside_reference() -> None:
    svg = render_svg(EVERY_KIND, "x")

    for element in _parse(svg).iter():
        assert "style" not in element.attrib
        assert not any("href" in key for key in element.attrib)
        assert element.tag not in (f"{SVG}script", f"{SVG}image", f"{SVG}foreignObject", f"{SVG}style")
    assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_every_text_is_escaped() -> None:
    hostile = '"><script>alert(1)</script>&'
    spec = {"title": hostile, "items": [{"t": "text", "text": hostile}, {"t": "button", "text": hostile}]}

    svg = render_svg(spec, hostile)

    assert "<script" not in svg
    root = _parse(svg)
    assert root.get("aria-label") == hostile
    assert not list(root.iter(f"{SVG}script"))


def test_the_tap_target_gets_a_finger_only_once() -> None:
    spec = {"items": [{"t": "button", "text": "A", "tap": True}, {"t": "button", "text": "B", "tap": True}]}

    root = _parse(render_svg(spec, "x"))

    rings = [c for c in root.iter(f"{SVG}circle") if c.get("stroke") == "#ff8f00"]
    assert len(rings) == 1


def test_the_first_app_icon_can_be_the_tap_target() -> None:
    spec = {"items": [{"t": "apps", "apps": ["VNeID", "Zalo"], "colors": ["red", "blue"], "tap": 0}]}

    root = _parse(render_svg(spec, "x"))

    icons = [r for r in root.iter(f"{SVG}rect") if r.get("width") == "28"]
    assert icons[0].get("stroke") == "#ff8f00" and icons[1].get("stroke") is None


def test_a_step_without_a_picture_draws_nothing() -> None:
    assert render_svg({}, "x") == ""
    assert render_svg(None, "x") == ""


def test_broken_stored_descriptions_never_break_the_page() -> None:
    spec = {"items": ["text", {"t": "unknown"}, {"t": "apps", "apps": "VNeID", "tap": "x"}, {"t": "qr"}] * 5}

    root = _parse(render_svg(spec, "x"))

    assert root.get("role") == "img"


def test_long_text_is_cut_to_two_lines_with_an_ellipsis() -> None:
    root = _parse(render_svg({"items": [{"t": "text", "text": "rất dài " * 40}]}, "x"))

    spans = [s.text for s in root.iter(f"{SVG}tspan")]
    assert len(spans) == 2 and spans[-1].endswith("…")


@pytest.mark.parametrize("content", shipped_guides(), ids=lambda g: g.skill_code)
def test_every_default_picture_is_under_4_kb(content) -> None:
    for step in content.steps:
        svg = render_svg(step.illustration, step.text)
        assert 0 < len(svg.encode()) < 4096
        _parse(svg)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ([], "đối tượng JSON"),
        ({"title": "x", "colour": "red"}, "khóa không dùng được"),
        ({"theme": "pink"}, "Màu"),
        ({"items": [{"t": "video"}]}, "Mục 1"),
        ({"items": [{"t": "apps", "apps": []}]}, "biểu tượng"),
        ({"items": [{"t": "apps", "apps": ["A"], "tap": 3}]}, "tap"),
        ({"items": [{"t": "qr"}] * 3}, "quá nhiều mục"),
        ({"items": [{"t": "text", "text": "x"}] * 7}, "tối đa"),
    ],
)
def test_bad_descriptions_are_refused_in_vietnamese(spec, message) -> None:
    with pytest.raises(ValidationError) as error:
        validate_spec(spec)
    assert message in " ".join(error.value.messages)


def test_an_empty_description_is_valid_and_means_no_picture() -> None:
    assert validate_spec("") == {}
    assert validate_spec(None) == {}
