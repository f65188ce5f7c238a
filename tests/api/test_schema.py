"""The OpenAPI schema is valid and complete; the docs are served from our own static files."""

import pytest
import yaml
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_the_schema_generates_without_warnings_and_validates(tmp_path):
    # The equivalent of `manage.py spectacular --validate --fail-on-warn` (raises on either).
    out = tmp_path / "schema.yaml"
    call_command(
        "spectacular",
        "--validate",
        "--fail-on-warn",
        "--file",
        str(out),
    )
    schema = yaml.safe_load(out.read_text())
    assert schema["openapi"].startswith("3.")


def test_the_schema_is_public_and_lists_every_endpoint(anonymous):
    response = anonymous.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert set(paths) == {
        "/api/v1/public/complaints/",
        "/api/v1/public/complaints/{tracking_number}/",
        "/api/v1/complaints/",
        "/api/v1/complaints/{id}/",
        "/api/v1/complaints/{id}/transitions/",
        "/api/v1/complaints/{id}/assign/",
        "/api/v1/complaints/{id}/classify/",
        "/api/v1/complaints/{id}/messages/",
        "/api/v1/complaints/{id}/questions/",
        "/api/v1/complaints/{id}/resume/",
        "/api/v1/complaints/{id}/decision-calls/",
        "/api/v1/complaints/{id}/acknowledgements/",
    }
    submit = paths["/api/v1/public/complaints/"]["post"]
    assert {p["name"] for p in submit["parameters"]} == {"Idempotency-Key"}
    assert {"200", "201", "400", "422", "429"} <= set(submit["responses"])
    transition = paths["/api/v1/complaints/{id}/transitions/"]["post"]
    assert {"400", "403", "404", "409"} <= set(transition["responses"])


def test_the_schema_names_each_choice_set_once(anonymous):
    schemas = anonymous.get("/api/schema/", {"format": "json"}).json()["components"]["schemas"]
    assert schemas["StageEnum"]["enum"][0] == "received"
    assert schemas["PublicChannelEnum"]["enum"] == ["web", "email", "sms", "api"]
    assert schemas["StaffChannelEnum"]["enum"] == ["phone", "in_person", "email", "sms"]


def test_the_docs_page_uses_our_static_files_not_a_cdn(anonymous):
    response = anonymous.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    assert "/api/schema/" in html


def test_the_docs_assets_are_shipped_as_static_files():
    from django.contrib.staticfiles import finders

    assert finders.find("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
    assert finders.find("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css")


def test_the_api_root_lists_where_things_are(anonymous):
    body = anonymous.get("/api/v1/").json()
    assert body["public_submit"].endswith("/api/v1/public/complaints/")
    assert body["complaints"].endswith("/api/v1/complaints/")
    assert body["docs"].endswith("/api/docs/")
