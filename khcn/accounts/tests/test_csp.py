"""Content-Security-Policy on every HTML page: nonces for scripts, never 'unsafe-inline' there,
nothing from another origin (security.md G13)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

SCRIPT_WITHOUT_SRC_OR_NONCE = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*\bnonce=)(?![^>]*application/json)[^>]*>")
EXTERNAL_RESOURCE = re.compile(r"""<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)=["'](?:https?:)?//""")


def directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    parts = (part.strip().split() for part in header.split(";") if part.strip())
    return {part[0]: part[1:] for part in parts}


@pytest.mark.django_db
def test_front_page_policy_has_a_nonce_and_no_unsafe_inline_script(client):
    response = client.get(reverse("portal:home"))
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    nonces = [source for source in policy["script-src"] if source.startswith("'nonce-")]
    assert len(nonces) == 1
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    # The nonce in the header is the one the page's scripts carry (htmx's tag takes it).
    nonce = nonces[0][len("'nonce-") : -1]
    assert f'nonce="{nonce}"' in response.content.decode()


@pytest.mark.django_db
def test_each_request_gets_a_new_nonce(client):
    first = directives(client.get(reverse("portal:home")))["script-src"]
    second = directives(client.get(reverse("portal:home")))["script-src"]
    assert first != second


@pytest.mark.django_db
def test_back_office_allows_eval_for_alpine_but_never_inline_scripts(client, superuser):
    client.force_login(superuser)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    policy = directives(response)
    assert "'unsafe-eval'" in policy["script-src"]  # unfold's Alpine.js evaluates its attributes
    assert "'unsafe-inline'" not in policy["script-src"]
    assert policy["frame-ancestors"] == ["'none'"]


@pytest.mark.django_db
def test_api_and_downloads_get_the_policy_too(client):
    response = client.get("/api/v1/")
    assert "Content-Security-Policy" in response
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_pages_have_no_inline_script_without_nonce_and_nothing_from_another_origin(client, superuser):
    client.force_login(superuser)
    urls = [
        reverse("portal:home"),
        reverse("public:home"),
        reverse("public:task-list"),
        reverse("news:article-list"),
        reverse("legaldocs:document-list"),
        reverse("research:index"),
        reverse("admin:index"),
        reverse("admin:accounts_user_changelist"),
        reverse("admin:accounts_user_add"),
        reverse("admin:password_change"),
        reverse("radiation:survey-list"),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert not SCRIPT_WITHOUT_SRC_OR_NONCE.findall(html), url
        assert not EXTERNAL_RESOURCE.findall(html), url
        assert "'unsafe-inline'" not in directives(response)["script-src"], url
