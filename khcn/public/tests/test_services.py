from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from khcn.public import selectors, services
from khcn.research.models import Task

pytestmark = pytest.mark.django_db


def test_science_officer_publishes_a_task_it_may_change(world, science_officer):
    services.publication_create(record=world.task_hidden, by=science_officer)
    assert selectors.task_list_public().filter(pk=world.task_hidden.pk).exists()


@pytest.mark.parametrize("persona", ["host_user", "outsider", "provincial_leader", "council_member"])
def test_others_cannot_publish(world, persona, request):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        services.publication_create(record=world.task_hidden, by=user)


def test_withdraw_hides_everywhere(world, django_user_model):
    admin = django_user_model.objects.get(username="quan_tri_csdl")
    services.publication_withdraw(record=world.task, by=admin)
    assert not selectors.task_list_public().filter(pk=world.task.pk).exists()
    assert Task.objects.filter(pk=world.task.pk).exists()  # the record itself is untouched
