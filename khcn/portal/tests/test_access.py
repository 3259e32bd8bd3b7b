"""Who reaches which page: every view of the foundation, for every role."""

from __future__ import annotations

import pytest
from django.urls import reverse

from khcn.accounts import roles
from khcn.testing import empty_inline, make_organisation, make_user

STAFF = [
    roles.DEPARTMENT_LEADER,
    roles.SCIENCE_OFFICER,
    roles.TECHNOLOGY_OFFICER,
    roles.QUALITY_OFFICER,
    roles.RADIATION_OFFICER,
    roles.INSPECTOR,
    roles.FINANCE_OFFICER,
    roles.PROVINCIAL_LEADER,
]
NON_STAFF = [roles.COUNCIL_MEMBER, roles.HOST_USER, None]


def _user_for(role):
    org = make_organisation("Công ty TNHH Thử nghiệm") if role == roles.HOST_USER else None
    return make_user(f"u_{role or 'none'}", *([role] if role else []), organisation=org)


@pytest.mark.django_db
@pytest.mark.parametrize("role", STAFF)
def test_every_staff_role_opens_the_back_office_and_directory_lists(client, role):
    client.force_login(_user_for(role))
    assert client.get(reverse("admin:index")).status_code == 200
    for model in ("organisation", "person", "officialdocument"):
        assert client.get(reverse(f"admin:directory_{model}_changelist")).status_code == 200, model


@pytest.mark.django_db
@pytest.mark.parametrize("role", NON_STAFF)
def test_non_staff_never_reach_the_back_office(client, role):
    client.force_login(_user_for(role))
    for url in (reverse("admin:index"), reverse("admin:directory_organisation_changelist")):
        response = client.get(url, follow=True)
        assert response.redirect_chain, url
        assert response.request["PATH_INFO"] == reverse("portal:login")
        assert response.status_code == 200


@pytest.mark.django_db
def test_anonymous_sees_the_front_site_and_login_only(client):
    assert client.get(reverse("portal:home")).status_code == 200
    assert client.get(reverse("portal:login")).status_code == 200
    for name in ("portal:otp-verify", "portal:otp-setup"):
        assert client.get(reverse(name)).status_code == 302
    assert client.get(reverse("admin:index")).status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "can_edit"),
    [
        (roles.SCIENCE_OFFICER, True),
        (roles.QUALITY_OFFICER, True),
        (roles.DEPARTMENT_LEADER, False),
        (roles.PROVINCIAL_LEADER, False),
        (roles.FINANCE_OFFICER, False),
    ],
)
def test_who_may_edit_organisations(client, role, can_edit):
    org = make_organisation("Trung tâm Nấm Văn Giang")
    client.force_login(_user_for(role))
    response = client.post(
        reverse("admin:directory_organisation_change", args=[org.pk]),
        {
            "name": "Trung tâm Nấm Văn Giang (đổi tên)",
            "kind": "research_institute",
            "loaded_version": org.version,
            **empty_inline(),
        },
    )
    org.refresh_from_db()
    if can_edit:
        assert response.status_code == 302, response.content.decode()[:2000]
        assert org.name == "Trung tâm Nấm Văn Giang (đổi tên)"
    else:
        assert response.status_code == 403
        assert org.name == "Trung tâm Nấm Văn Giang"


@pytest.mark.django_db
def test_nobody_can_delete_an_official_record_in_the_back_office(client):
    org = make_organisation("Hợp tác xã nhãn lồng Hồng Nam")
    client.force_login(make_user("root", is_superuser=True, is_staff=True))
    assert client.get(reverse("admin:directory_organisation_delete", args=[org.pk])).status_code == 403


@pytest.mark.django_db
def test_personal_data_is_hidden_from_read_only_leaders(client):
    from khcn.directory.models import Person

    person = Person.objects.create(full_name="Lê Thị Hương", id_number="033190000123", phone="0912000111")
    client.force_login(_user_for(roles.PROVINCIAL_LEADER))
    page = client.get(reverse("admin:directory_person_change", args=[person.pk])).content.decode()
    assert "Lê Thị Hương" in page
    assert "033190000123" not in page and "0912000111" not in page

    client.force_login(_user_for(roles.SCIENCE_OFFICER))
    page = client.get(reverse("admin:directory_person_change", args=[person.pk])).content.decode()
    assert "033190000123" in page


@pytest.mark.django_db
def test_a_stale_edit_in_the_back_office_is_refused_with_a_message(client):
    org = make_organisation("Trung tâm Thông tin và Thống kê KH&CN")
    client.force_login(_user_for(roles.SCIENCE_OFFICER))
    url = reverse("admin:directory_organisation_change", args=[org.pk])
    stale = org.version
    first = client.post(url, {"name": "Tên A", "kind": "state_agency", "loaded_version": stale, **empty_inline()})
    assert first.status_code == 302
    second = client.post(url, {"name": "Tên B", "kind": "state_agency", "loaded_version": stale, **empty_inline()})
    assert second.status_code == 200
    assert "vừa được người khác sửa" in second.content.decode()
    org.refresh_from_db()
    assert org.name == "Tên A"


@pytest.mark.django_db
def test_history_of_a_record_is_viewable(client):
    org = make_organisation("Trường Đại học Sư phạm Kỹ thuật Hưng Yên")
    client.force_login(_user_for(roles.SCIENCE_OFFICER))
    client.post(
        reverse("admin:directory_organisation_change", args=[org.pk]),
        {
            "name": org.name,
            "kind": "university",
            "phone": "0221 3713 319",
            "loaded_version": org.version,
            **empty_inline(),
        },
    )
    page = client.get(reverse("admin:directory_organisation_history", args=[org.pk]))
    assert page.status_code == 200
    assert "0221 3713 319" in page.content.decode()


@pytest.mark.django_db
def test_host_user_sees_only_its_own_organisation(client):
    from khcn.directory.models import Person

    org_a = make_organisation("Trung tâm Nấm Văn Giang")
    org_b = make_organisation("Hợp tác xã chăn nuôi và kinh doanh gà Đông Tảo")
    Person.objects.create(full_name="Lê Thị Hương", organisation=org_a)
    Person.objects.create(full_name="Đinh Thị Ngọc", organisation=org_b)
    host = make_user("host_a", roles.HOST_USER, organisation=org_a)
    client.force_login(host)
    page = client.get(reverse("portal:my-organisation")).content.decode()
    assert "Trung tâm Nấm Văn Giang" in page and "Lê Thị Hương" in page
    assert "gà Đông Tảo" not in page and "Đinh Thị Ngọc" not in page


@pytest.mark.django_db
def test_user_without_organisation_is_sent_home_with_a_message(client):
    client.force_login(make_user("lonely", roles.COUNCIL_MEMBER))
    response = client.get(reverse("portal:my-organisation"), follow=True)
    assert "chưa gắn với tổ chức nào" in response.content.decode()


@pytest.mark.django_db
def test_the_menu_shows_each_role_its_own_pages(client):
    client.force_login(_user_for(roles.COUNCIL_MEMBER))
    page = client.get(reverse("portal:home")).content.decode()
    assert reverse("councils:my-councils") in page and reverse("admin:index") not in page

    client.force_login(_user_for(roles.HOST_USER))
    page = client.get(reverse("portal:home")).content.decode()
    assert reverse("portal:my-organisation") in page and reverse("councils:my-councils") not in page
