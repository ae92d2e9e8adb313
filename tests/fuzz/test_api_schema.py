"""Schemathesis against the OpenAPI schema the app serves at /api/openapi.json, in-process (WSGI).

Every operation is called with generated input, valid and invalid, as the officers of two communes.
Each answer must: not be a server error; have a status code and a body the schema documents; and
carry nothing of the other commune (ids, names, household codes, CCCD, phone numbers). The same
checks run with the other commune's ids placed in every id parameter, since random UUIDs never hit
real rows.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.db import close_old_connections
from hypothesis import given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from langso.api import api
from langso.wsgi import application
from tests.fuzz import profiles
from tests.fuzz.world import Side, two_communes

pytestmark = pytest.mark.django_db

# Read without a request (and without the database) so that each operation is its own test.
OPERATIONS = [
    (method.upper(), path) for path, item in api.get_openapi_schema()["paths"].items() for method in item
]
POSITIVE_CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
NEGATIVE_CHECKS = [*POSITIVE_CHECKS, negative_data_rejection]
# The session cookie is the security scheme, not input to negate: each call sends the real one.
SIGNED_IN_PLACEHOLDER = {"sessionid": "replaced-by-each-call"}


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Django closes "old" connections when a WSGI request ends; inside the test's transaction that
    would close it (PostgreSQL). Django's own test client unhooks the same signal handlers."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def sides(db) -> tuple[Side, Side]:
    return two_communes()


@pytest.fixture
def served_schema(db):  # type: ignore[no-untyped-def]
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
    # Unknown query parameters are ignored, as by most web APIs: not input to negate. Nor are the
    # session cookie and the bearer token, which each call sets for the user it plays.
    schema.config.generation.update(allow_extra_parameters=False, with_security_parameters=False)
    return schema


def _leaks(body: str, other: Side) -> list[str]:
    try:
        data = json.loads(body) if body else None
    except ValueError:
        data = None
    # JSON escapes non-ASCII letters ("Tr\u1ea7n"): search the decoded text as well.
    text = body + json.dumps(data, ensure_ascii=False)
    found = [secret for secret in other.secrets_of() if secret and secret in text]
    found += [f"commune_code={code}" for code in _commune_codes(data) if code == other.commune.code]
    return found


def _commune_codes(data: Any) -> list[int]:
    """Every commune code a JSON answer names (commune_code fields, and {code, name} of communes)."""
    out: list[int] = []
    if isinstance(data, dict):
        for key, value in data.items():
            if key in {"commune_code", "code"} and isinstance(value, int):
                out.append(value)
            out += _commune_codes(value)
    elif isinstance(data, list):
        for item in data:
            out += _commune_codes(item)
    return out


def _call_as(case: Any, side: Side, other: Side, mode: GenerationMode) -> None:
    # The field API allows 60 requests a minute per phone; the fuzzing is not about that limit.
    cache.clear()
    response = case.call(headers=side.headers(), cookies=side.cookies())
    case.validate_response(
        response,
        checks=NEGATIVE_CHECKS if mode == GenerationMode.NEGATIVE else POSITIVE_CHECKS,
        headers=side.headers(),
    )
    leaks = _leaks(response.text, other)
    assert not leaks, f"{case.method} {case.formatted_path} as {side.name} shows the other commune: {leaks}"


def _other_ids(operation: Any, side: Side, other: Side) -> dict[str, Any]:
    """Path parameters naming the other commune's rows, for the operations that take an id."""
    values = {
        "code": other.commune.code,
        "village_id": str(other.village.pk),
        "resident_id": str(other.residents[0].pk),
        "household_id": str(other.households[0].pk),
        "device_id": str(other.device.pk),
    }
    names = {p.name for p in operation.path_parameters}
    return {name: values[name] for name in names if name in values}


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_every_operation_as_two_communes(served_schema, sides, method: str, path: str) -> None:
    operation = served_schema[path][method]
    first, second = sides
    cases = st.one_of(
        *(
            st.tuples(st.just(mode), operation.as_strategy(mode, cookies=SIGNED_IN_PLACEHOLDER))
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
        )
    )

    @settings(max_examples=profiles.examples(12))
    @given(drawn=cases)
    def run(drawn: tuple[GenerationMode, Any]) -> None:
        mode, case = drawn
        _call_as(case, first, second, mode)
        _call_as(case, second, first, mode)

    run()


def _probe(cases: Any, side: Side, other: Side, *, expect_404: bool) -> None:
    @settings(max_examples=profiles.examples(4))
    @given(case=cases)
    def run(case: Any) -> None:
        _call_as(case, side, other, GenerationMode.POSITIVE)
        if expect_404:  # nothing of another commune is found by its id: the same 404 as a missing row
            assert case.call(headers=side.headers(), cookies=side.cookies()).status_code == 404

    run()


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_the_other_communes_ids_give_nothing(served_schema, sides, method: str, path: str) -> None:
    operation = served_schema[path][method]
    first, second = sides
    for side, other in ((first, second), (second, first)):
        fixed = _other_ids(operation, side, other)
        query: dict[str, Any] = {}
        if any(p.name == "village" for p in operation.query):
            query["village"] = str(other.village.pk)
        if any(p.name == "commune" for p in operation.query):
            query["commune"] = other.commune.code
        if not fixed and not query:
            continue

        _probe(
            operation.as_strategy(
                path_parameters=fixed or None, query=query or None, cookies=SIGNED_IN_PLACEHOLDER
            ),
            side,
            other,
            expect_404=bool(fixed),
        )


def test_a_batch_naming_the_other_communes_rows_is_refused_without_revealing_them(served_schema, sides):
    operation = served_schema["/api/v1/field/batch"]["POST"]
    first, second = sides
    for side, other in ((first, second), (second, first)):
        records = [
            {
                "id": str(uuid.uuid4()),
                "kind": "visit",
                "data": {
                    "household_id": str(other.households[0].pk),
                    "visited_on": "2025-01-02",
                    "present": [str(other.residents[0].pk)],
                },
            },
            {
                "id": str(uuid.uuid4()),
                "kind": "helpdesk",
                "data": {
                    "commune_code": other.commune.code,
                    "helped_on": "2025-01-02",
                    "procedure": "vneid",
                    "outcome": "done",
                    "minutes": 10,
                    "resident_id": str(other.residents[0].pk),
                },
            },
            {
                "id": str(uuid.uuid4()),
                "kind": "signal",
                "data": {
                    "village_id": str(other.village.pk),
                    "description": "Cuối buôn",
                    "operator": "vnpt",
                    "technology": "4g",
                    "reported_on": "2025-01-02",
                },
            },
        ]
        case = operation.Case(body={"records": records}, media_type="application/json")
        cache.clear()
        response = case.call(headers=side.headers(), cookies=side.cookies())
        case.validate_response(response, checks=POSITIVE_CHECKS)
        assert [r["status"] for r in response.json()["results"]] == ["rejected"] * 3
        assert not _leaks(response.text, other)


def test_an_unsafe_call_with_the_session_but_without_the_csrf_token_is_refused(served_schema, sides):
    operation = served_schema["/api/v1/field/devices"]["POST"]
    side, _other = sides
    case = operation.Case(body={"name": "Điện thoại mới"}, media_type="application/json")
    without = case.call(cookies=side.cookies())
    case.validate_response(without, checks=POSITIVE_CHECKS)
    with_token = case.call(cookies=side.cookies(), headers={"X-CSRFToken": side.csrf})
    case.validate_response(with_token, checks=POSITIVE_CHECKS)
    assert (without.status_code, with_token.status_code) == (403, 200)


# Numbers past the database's integers. The first three were 500s (OverflowError on SQLite), found by
# make fuzz; Django itself turns an out-of-range primary key into "no row" (404).
OVERFLOWS = [
    ("/api/v1/registry/residents", {"commune": -(10**34)}, {}, 422),
    ("/api/v1/registry/residents", {"offset": 10**25}, {}, 422),
    ("/api/v1/registry/households", {"offset": 10**25}, {}, 422),
    ("/api/v1/places/communes/{code}/villages", {}, {"code": 10**30}, 404),
]


@pytest.mark.parametrize(("path", "query", "path_parameters", "status"), OVERFLOWS)
def test_numbers_too_big_for_the_database_are_refused_as_invalid_input(
    served_schema, sides, path, query, path_parameters, status
):
    operation = served_schema[path]["GET"]
    side, _other = sides
    case = operation.Case(query=query or None, path_parameters=path_parameters or None)
    response = case.call(headers=side.headers(), cookies=side.cookies())
    case.validate_response(response, checks=POSITIVE_CHECKS)
    assert response.status_code == status


# A NUL character: PostgreSQL text cannot hold one, so each of these was a 500 there (make fuzz).
@pytest.mark.parametrize(
    ("method", "path", "query", "body", "status"),
    [
        ("GET", "/api/v1/places/communes", {"q": "Cư\x00"}, None, 422),
        ("GET", "/api/v1/registry/households", {"q": "m\x00"}, None, 422),
        ("GET", "/api/v1/registry/residents", {"poverty": "\x00"}, None, 422),
        ("POST", "/api/v1/field/devices", None, {"name": "Máy\x00"}, 422),
    ],
)
def test_a_nul_character_is_refused_as_invalid_input(served_schema, sides, method, path, query, body, status):
    operation = served_schema[path][method]
    side, _other = sides
    case = operation.Case(body=body, media_type="application/json") if body else operation.Case(query=query)
    response = case.call(headers=side.headers(), cookies=side.cookies())
    case.validate_response(response, checks=POSITIVE_CHECKS)
    assert response.status_code == status


def test_a_synced_record_with_a_nul_character_is_rejected_alone(served_schema, sides):
    operation = served_schema["/api/v1/field/batch"]["POST"]
    side, _other = sides
    visit = {"household_id": str(side.households[0].pk), "visited_on": "2025-01-02"}
    records = [
        {"id": str(uuid.uuid4()), "kind": "visit", "data": {**visit, "notes": "ghi\x00chú"}},
        {"id": str(uuid.uuid4()), "kind": "visit", "data": visit},
    ]
    case = operation.Case(body={"records": records}, media_type="application/json")
    response = case.call(headers=side.headers(), cookies=side.cookies())
    case.validate_response(response, checks=POSITIVE_CHECKS)
    assert [r["status"] for r in response.json()["results"]] == ["rejected", "stored"]
