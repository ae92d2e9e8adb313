"""The HTTP API (django-ninja). Closed by default: every endpoint needs a signed-in session
(with CSRF) unless it says otherwise. The OpenAPI schema is served at /api/openapi.json."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI
from ninja.errors import ValidationError
from ninja.parser import Parser
from ninja.security import django_auth

from langso.field.api import router as field_router
from langso.places.api import router as places_router
from langso.registry.api import router as registry_router

# The answers ninja and the endpoints give besides 200, as {"detail": ...}. Documented so a client
# (and the schema fuzzing in tests/fuzz) can rely on every status code and body the API sends.
_MESSAGE = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
_INVALID_INPUT = {
    "type": "object",
    "properties": {"detail": {"type": "array", "items": {"type": "object"}}},
    "required": ["detail"],
}
_ERROR_DESCRIPTIONS = {  # plain Vietnamese, like the operations' summaries
    400: "Nội dung yêu cầu không đọc được",
    401: "Chưa đăng nhập, hoặc khóa thiết bị không hợp lệ",
    403: "Không có quyền, hoặc thiếu mã CSRF",
    404: "Không tìm thấy, hoặc ngoài phạm vi của người dùng (cùng một câu trả lời)",
    422: "Dữ liệu gửi lên không đúng lược đồ",
    429: "Quá nhiều yêu cầu từ thiết bị này",
}


class _Parser(Parser):
    """Refuses a NUL character in query (and form) parameters with a 422: PostgreSQL text cannot
    hold one, so it reached the database as a 500 (found by make fuzz on PostgreSQL)."""

    def parse_querydict(self, data: Any, list_fields: list[str], request: Any) -> dict[str, Any]:
        for key, values in data.lists():
            if "\x00" in key or any(isinstance(v, str) and "\x00" in v for v in values):
                raise ValidationError(
                    [{"type": "string_nul", "loc": ["query", key], "msg": "NUL character not allowed"}]
                )
        return super().parse_querydict(data, list_fields, request)


class LangSoAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: Any = None) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for item in schema["paths"].values():
            for operation in item.values():
                _document_errors(operation)
        return schema


def _document_errors(operation: dict[str, Any]) -> None:
    """Add the error answers an operation can give, from its shape: how it authenticates,
    whether it has path parameters, parameters or a body."""
    schemes = {name for requirement in operation.get("security", []) for name in requirement}
    parameters = operation.get("parameters", [])
    codes = {401}
    if "SessionAuth" in schemes:
        codes.add(403)  # permissions, and CSRF on unsafe methods
    if "DeviceAuth" in schemes:
        codes.add(429)
    if any(p.get("in") == "path" for p in parameters):
        codes.add(404)
    if parameters or "requestBody" in operation:
        codes.add(422)
    if "requestBody" in operation:
        codes.add(400)
    responses = operation.setdefault("responses", {})
    for code in sorted(codes):
        body = _INVALID_INPUT if code == 422 else _MESSAGE
        responses.setdefault(
            code,
            {"description": _ERROR_DESCRIPTIONS[code], "content": {"application/json": {"schema": body}}},
        )


api = LangSoAPI(
    title="Làng Số API",
    version="1",
    description=str(
        _("API của Làng Số: đơn vị hành chính, sổ hộ và người dân trong phạm vi của người dùng.")
    ),
    auth=django_auth,
    urls_namespace="api",
    parser=_Parser(),
)
api.add_router("/v1/places/", places_router)
api.add_router("/v1/registry/", registry_router)
api.add_router("/v1/field/", field_router)
