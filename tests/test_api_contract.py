"""The API as a contract: the OpenAPI document is valid (openapi-spec-validator), and a client
made from it alone calls every documented route with its documented parameters; each answer
must carry the documented media type and validate against the documented schema, errors
included (one shape: `{"error": {"status", "message"}}`)."""
from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from jikenbo.record import CATEGORIES, DATA_TYPES, LEAK_STATUSES

# Values for path parameters, by route; every other value comes from the document itself.
PATH_VALUES = {
    "/categories/{name}": "ransomware", "/organizations/{name}": "白井市",
    "/vendors/{name}": "東京ガスエンジニアリングソリューションズ株式会社",
    "/cases/{name}": "J2024-0008", "/api/cases/{number}": "2024-313", "/api/export/{name}": "csv",
}
# Values for free-text query parameters (enums, booleans and integers come from the schema).
TEXT_VALUES = {"q": "個人情報", "year": "2024", "month": "2024-07", "organization": "白井市",
               "from": "2024-01", "to": "2024-12-31"}


@pytest.fixture(scope="module")
def document(base: str) -> dict:
    return httpx.get(base + "/api/openapi.json", timeout=30).json()


class Client:
    """A client that knows nothing but the OpenAPI document: it fills parameters from their
    schemas and checks answers against the documented responses."""

    def __init__(self, base: str, document: dict) -> None:
        self.base, self.document = base, document

    def operations(self) -> list[tuple[str, dict]]:
        return [(path, item["get"]) for path, item in self.document["paths"].items()
                if "get" in item]

    def query(self, operation: dict) -> dict[str, str]:
        """A value for every documented query parameter."""
        return {p["name"]: self.sample(p["name"], p["schema"])
                for p in operation.get("parameters", ()) if p["in"] == "query"}

    def sample(self, name: str, schema: dict) -> str:
        options = schema.get("anyOf", [schema])
        for option in options:
            option = self.resolve(option)
            if option.get("type") == "array":  # a facet named once
                return self.sample(name, option["items"])
            if "enum" in option:
                return option["enum"][0]
            if option.get("type") == "boolean":
                return "true"
            if option.get("type") == "integer":
                return str(max(1, option.get("minimum", 1)))
        return TEXT_VALUES.get(name, "x")

    def resolve(self, schema: dict) -> dict:
        while "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[1]
            schema = self.document["components"]["schemas"][name]
        return schema

    def call(self, path: str, values: dict[str, str], params: dict[str, str]) -> httpx.Response:
        address = re.sub(r"\{(\w+)\}", lambda m: httpx.URL("/" + values[m[1]]).raw_path.decode()[1:],
                         path)
        return httpx.get(self.base + address, params=params, timeout=60)

    def check(self, operation: dict, answer: httpx.Response) -> None:
        """The answer's status is documented, its media type too, and JSON bodies validate."""
        documented = operation["responses"].get(str(answer.status_code))
        assert documented, f"{answer.url}: status {answer.status_code} is not documented"
        media = answer.headers["content-type"].split(";")[0]
        content = documented.get("content", {})
        assert media in content or (media.endswith("json") and "application/json" in content), \
            f"{answer.url}: {media} not among {list(content)}"
        schema = content.get(media, content.get("application/json", {})).get("schema")
        if schema and media.endswith("json"):
            root = {**schema, "components": self.document["components"]}
            errors = list(Draft202012Validator(root).iter_errors(answer.json()))
            assert not errors, f"{answer.url}: {errors[0].message} at {list(errors[0].path)}"


def path_values(base: str, path: str) -> dict[str, str]:
    values = {"release_id": httpx.get(base + "/api/releases", timeout=30).json()["items"][0]["id"]}
    for pattern, value in PATH_VALUES.items():
        if path.startswith(pattern) or path.startswith("/feeds" + pattern):
            values[re.search(r"\{(\w+)\}", pattern)[1]] = value
    if "{collection_id}" in path:
        collections = httpx.get(base + "/taxii2/casebook/collections/", timeout=30).json()
        values["collection_id"] = collections["collections"][0]["id"]
        if "{object_id}" in path:
            objects = httpx.get(f"{base}/taxii2/casebook/collections/{values['collection_id']}"
                                "/objects/", timeout=30).json()
            values["object_id"] = objects["objects"][0]["id"]
    return values


def test_the_openapi_document_is_valid(document: dict) -> None:
    validate(document)  # raises on any violation of the OpenAPI 3.1 specification
    assert document["openapi"].startswith("3.1")


def test_a_client_from_the_document_calls_every_route(base: str, document: dict) -> None:
    client = Client(base, document)
    called = 0
    for path, operation in client.operations():
        values = path_values(base, path)
        for params in ({}, client.query(operation)):
            answer = client.call(path, values, params)
            assert answer.status_code == 200, f"{path} {params}: {answer.text[:200]}"
            client.check(operation, answer)
            called += 1
    assert called >= 2 * 30  # the API, the take-aways and feeds, TAXII, export, sources


@pytest.mark.parametrize("path, params, status", [
    ("/api/releases", {"category": "bogus"}, 400), ("/api/search", {"leak": "maybe"}, 400),
    ("/api/search", {"q": "あ" * 201}, 400), ("/api/releases", {"page": "0"}, 400),
    ("/api/releases", {"per_page": "abc"}, 400), ("/api/cases", {"per_page": "1000"}, 400),
    ("/api/cases", {"year": "24"}, 400), ("/api/releases/{release_id}", {}, 404),
    ("/api/cases/{number}", {}, 404), ("/categories/{name}.csv", {}, 404),
    ("/feeds/cases/{name}.atom", {}, 404), ("/search.json", {"data_type": "dna"}, 400),
])
def test_errors_have_the_one_documented_shape(base: str, document: dict, path: str,
                                               params: dict, status: int) -> None:
    client = Client(base, document)
    missing = {"release_id": "0" * 64, "number": "J1999-0999", "name": "nosuch"}
    answer = client.call(path, missing, params)
    assert answer.status_code == status
    client.check(document["paths"][path]["get"], answer)
    assert answer.json()["error"]["status"] == status and answer.json()["error"]["message"]
    assert set(answer.json()) == {"error"}


def test_facet_parameters_are_enums_of_the_records_vocabularies(document: dict) -> None:
    schemas = document["components"]["schemas"]
    assert schemas["Category"]["enum"] == list(CATEGORIES)
    assert schemas["DataType"]["enum"] == list(DATA_TYPES)
    assert schemas["LeakStatus"]["enum"] == list(LEAK_STATUSES)
    parameters = {p["name"]: p for p in document["paths"]["/api/search"]["get"]["parameters"]}
    # facets take several values (any of them) and exclusions, each an enum of the vocabulary
    for name, kind in (("category", "Category"), ("not_leak", "LeakStatus"),
                       ("data_type", "DataType")):
        schema = parameters[name]["schema"]
        assert schema["type"] == "array" and schema["items"] == {
            "$ref": f"#/components/schemas/{kind}"}, name
    assert {"from", "to", "vendor", "year", "month"} <= set(parameters)


def test_every_json_route_has_a_typed_response(document: dict) -> None:
    for path in ("/api/releases", "/api/search", "/api/releases/{release_id}", "/api/cases",
                 "/api/cases/{number}", "/api/stats"):
        responses = document["paths"][path]["get"]["responses"]
        ok: Any = responses["200"]["content"]["application/json"]["schema"]
        assert "$ref" in ok, path  # a model, not a bare object
        for status in ("400", "404"):
            assert responses[status]["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/Error"}
        assert "422" not in responses
    for path, item in document["paths"].items():
        if path.endswith(".atom"):
            assert list(item["get"]["responses"]["200"]["content"]) == ["application/atom+xml"]


def test_the_reference_page_is_served_from_the_package(base: str) -> None:
    page = httpx.get(base + "/api/docs", timeout=30)
    assert page.status_code == 200 and "API リファレンス" in page.text
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert sources and all(source.startswith("/") for source in sources)  # nothing remote
    assert "<script>" not in page.text  # no inline script: the CSP allows none
    assert "script-src 'self'" in page.headers["content-security-policy"]
    for source in sources:
        assert httpx.get(base + source, timeout=30).status_code == 200, source
    assert "SwaggerUIBundle" in httpx.get(base + "/api/docs/assets/swagger-ui-bundle.js",
                                          timeout=30).text
