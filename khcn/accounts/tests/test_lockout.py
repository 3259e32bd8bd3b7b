"""Login lockout (django-axes): five failures lock the username from that address only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from khcn.testing import PASSWORD


def login(client, password, address="203.0.113.7", username="science_officer"):
    return client.post(reverse("portal:login"), {"username": username, "password": password}, REMOTE_ADDR=address)


@pytest.mark.django_db
def test_five_failures_lock_the_username_from_that_address(client, settings, science_officer):
    settings.AXES_ENABLED = True
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(4):
        assert login(client, "sai-mat-khau").status_code == 200
    assert login(client, PASSWORD).status_code == 302  # four failures: still allowed, and reset
    client.logout()
    for _ in range(5):
        login(client, "sai-mat-khau")
    response = login(client, PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_the_lock_does_not_shut_out_the_user_elsewhere_or_others_there(client, settings, science_officer, host_user):
    settings.AXES_ENABLED = True
    for _ in range(5):
        login(client, "sai-mat-khau")
    assert login(client, PASSWORD, address="198.51.100.20").status_code == 302  # the real user, elsewhere
    client.logout()
    assert login(client, PASSWORD, username="host_user").status_code == 302  # another user, same address
