"""Administrative units: loading today's and the pre-2025 units, and finding records by place."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command

from khcn.directory import units
from khcn.directory.models import AdministrativeUnit, Organisation
from khcn.directory.selectors import current_unit_for, unit_ids_within, units_current

Level = AdministrativeUnit.Level
OLD_END = dt.date(2025, 7, 1)


@pytest.fixture
def loaded(db):
    # The whole load takes a fraction of a second (bulk writes), so each test gets a fresh copy
    # inside its own transaction instead of sharing state across tests.
    return units.load_all()


def current(level: str, code: str) -> AdministrativeUnit:
    return AdministrativeUnit.objects.get(level=level, code=code, valid_from=units.REFORM_DATE)


def old(level: str, code: str, valid_to: dt.date = OLD_END) -> AdministrativeUnit:
    return AdministrativeUnit.objects.get(level=level, code=code, valid_to=valid_to)


def org_in(unit: AdministrativeUnit, name: str) -> Organisation:
    return Organisation.objects.create(name=name, administrative_unit=unit)


def test_current_units_come_from_the_package(loaded):
    assert units_current(Level.PROVINCE).count() == 34
    assert units_current(Level.COMMUNE).count() == 3321
    new_hung_yen = current(Level.PROVINCE, "33")
    assert new_hung_yen.name == "Hưng Yên"
    assert new_hung_yen.valid_to is None and new_hung_yen.is_current()
    assert new_hung_yen.children.count() == 104
    assert new_hung_yen.children.filter(division_type="phường").count() == 11
    assert new_hung_yen.children.filter(division_type="xã").count() == 93
    pho_hien = current(Level.COMMUNE, "11953")
    assert (pho_hien.name, pho_hien.parent_id, pho_hien.name_folded) == (
        "Phường Phố Hiến",
        new_hung_yen.pk,
        "phuong pho hien",
    )
    assert current(Level.PROVINCE, "01").name == "Thành phố Hà Nội"
    # The package spells one name with a double space; we store it clean.
    assert AdministrativeUnit.objects.filter(name__contains="  ").count() == 0


def test_pre2025_units_are_kept_with_dates_and_successors(loaded):
    new_hung_yen = current(Level.PROVINCE, "33")
    old_hung_yen, thai_binh = old(Level.PROVINCE, "33"), old(Level.PROVINCE, "34")
    for province in (old_hung_yen, thai_binh):
        assert not province.is_current()
        assert province.is_current(dt.date(2025, 6, 30))
        assert list(province.successors.all()) == [new_hung_yen]

    hy_districts = old_hung_yen.children.filter(level=Level.DISTRICT, valid_to=OLD_END)
    assert sorted(hy_districts.values_list("code", flat=True)) == [
        "323", "325", "326", "327", "328", "329", "330", "331", "332", "333",
    ]  # fmt: skip
    assert thai_binh.children.filter(level=Level.DISTRICT).count() == 8
    assert not units_current(Level.DISTRICT).exists()
    khoai_chau = old(Level.DISTRICT, "330")
    assert (khoai_chau.name, khoai_chau.is_current()) == ("Huyện Khoái Châu", False)
    assert list(khoai_chau.successors.all()) == [new_hung_yen]

    # Mỹ Hào: a district until 01/05/2019, then a town (thị xã) under the same code.
    my_hao_town = old(Level.DISTRICT, "328")
    my_hao_district = old(Level.DISTRICT, "328", valid_to=dt.date(2019, 5, 1))
    assert my_hao_town.valid_from == dt.date(2019, 5, 1)
    assert list(my_hao_district.successors.all()) == [my_hao_town]

    hien_nam = old(Level.COMMUNE, "11953")
    assert (hien_nam.name, hien_nam.parent_id) == ("Phường Hiến Nam", old(Level.DISTRICT, "323").pk)
    assert list(hien_nam.successors.all()) == [current(Level.COMMUNE, "11953")]
    # Where the new commune is unknown the file leaves the successor empty.
    assert not old(Level.COMMUNE, "12367").successors.exists()  # xã Thủ Sỹ


def test_loading_twice_adds_nothing(loaded):
    assert loaded.current.created == 3355 and loaded.pre2025.created > 60 and loaded.pre2025.links_added > 40
    rows = AdministrativeUnit.objects.count()
    links = AdministrativeUnit.successors.through.objects.count()

    again = units.load_all()

    assert not again.changed
    assert again.current.unchanged == 3355
    assert again.pre2025.unchanged == loaded.pre2025.created
    assert AdministrativeUnit.objects.count() == rows
    assert AdministrativeUnit.successors.through.objects.count() == links


def test_reloading_repairs_edited_names_and_links(loaded):
    pho_hien = current(Level.COMMUNE, "11953")
    hien_nam = old(Level.COMMUNE, "11953")
    AdministrativeUnit.objects.filter(pk=pho_hien.pk).update(name="Sai tên")
    hien_nam.successors.set([current(Level.COMMUNE, "11983")])

    again = units.load_all()

    assert (again.current.created, again.current.updated) == (0, 1)
    assert (again.pre2025.links_added, again.pre2025.links_removed) == (1, 1)
    pho_hien.refresh_from_db()
    assert (pho_hien.name, pho_hien.name_folded) == ("Phường Phố Hiến", "phuong pho hien")
    assert list(hien_nam.successors.all()) == [pho_hien]


def test_pre2025_needs_the_current_units_first(db):
    with pytest.raises(ValueError, match="load_current_units"):
        units.load_pre2025_units()
    assert not AdministrativeUnit.objects.exists()  # the failed load left nothing behind


def test_pre2025_file_is_checked(tmp_path, db):
    data = json.loads(units.PRE2025_FILE.read_text(encoding="utf-8"))
    data["units"].append({**data["units"][-1]})
    bad = tmp_path / "units.json"
    bad.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ValueError, match="khoá trùng"):
        units.read_pre2025(bad)


def test_a_mistyped_successor_code_is_refused(tmp_path, db):
    units.load_current_units()
    data = json.loads(units.PRE2025_FILE.read_text(encoding="utf-8"))
    hien_nam = next(u for u in data["units"] if u["key"] == "c11953")
    hien_nam["successors"] = [{"level": "commune", "code": "11983", "name": "Phường Phố Hiến"}]
    bad = tmp_path / "units.json"
    bad.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ValueError, match="Phường Sơn Nam"):
        units.load_pre2025_units(bad)


def test_records_in_old_units_are_found_under_todays_province(loaded):
    new_hung_yen = current(Level.PROVINCE, "33")
    in_khoai_chau = org_in(old(Level.DISTRICT, "330"), "HTX gà Đông Tảo (ghi theo huyện cũ)")
    in_thai_binh = org_in(old(Level.PROVINCE, "34"), "Sở KH&CN Thái Bình (cũ)")
    in_an_khe = org_in(old(Level.COMMUNE, "12475"), "HTX nông nghiệp An Khê")  # Quỳnh Phụ, no known successor
    in_pho_hien = org_in(current(Level.COMMUNE, "11953"), "Sở KH&CN Hưng Yên")
    in_my_hao_before_2019 = org_in(old(Level.DISTRICT, "328", dt.date(2019, 5, 1)), "Công ty ghi huyện Mỹ Hào")
    in_ha_noi = org_in(current(Level.COMMUNE, "00004"), "Viện ở Hà Nội")
    in_ha_noi_province = org_in(current(Level.PROVINCE, "01"), "Bộ KH&CN")

    found = set(Organisation.objects.filter(administrative_unit_id__in=unit_ids_within(new_hung_yen)))

    assert found == {in_khoai_chau, in_thai_binh, in_an_khe, in_pho_hien, in_my_hao_before_2019}
    assert in_ha_noi not in found and in_ha_noi_province not in found
    within_ha_noi = Organisation.objects.filter(
        administrative_unit_id__in=unit_ids_within(current(Level.PROVINCE, "01"))
    )
    assert set(within_ha_noi) == {in_ha_noi, in_ha_noi_province}


def test_a_new_commune_takes_in_the_old_communes_it_merged(loaded):
    pho_hien = current(Level.COMMUNE, "11953")
    within = unit_ids_within(pho_hien)
    names = set(AdministrativeUnit.objects.filter(pk__in=within).values_list("name", flat=True))
    assert names == {
        "Phường Phố Hiến", "Phường Hiến Nam", "Phường An Tảo", "Phường Lê Lợi", "Phường Minh Khai",
        "Xã Trung Nghĩa", "Xã Liên Phương",
    }  # fmt: skip
    # Neither the old city it sat in nor a neighbour merged elsewhere belongs to the new commune.
    assert old(Level.DISTRICT, "323").pk not in within
    assert old(Level.COMMUNE, "11983").pk not in within  # xã Bảo Khê -> phường Sơn Nam
    # An old district holds its communes, and none of today's.
    city = unit_ids_within(old(Level.DISTRICT, "323"))
    assert old(Level.COMMUNE, "11953").pk in city and pho_hien.pk not in city


def test_unit_ids_within_costs_a_fixed_number_of_queries(loaded, django_assert_max_num_queries):
    new_hung_yen = current(Level.PROVINCE, "33")
    with django_assert_max_num_queries(2):
        province_ids = unit_ids_within(new_hung_yen)
    with django_assert_max_num_queries(2):
        unit_ids_within(new_hung_yen.pk)
    # 1 + 104 new communes + 2 old provinces + 19 old districts + the old communes in the file.
    old_rows = AdministrativeUnit.objects.filter(valid_to__isnull=False).count()
    assert len(province_ids) == 1 + 104 + old_rows


def test_current_unit_for_follows_successors_and_parents(loaded, django_assert_max_num_queries):
    new_hung_yen = current(Level.PROVINCE, "33")
    pho_hien = current(Level.COMMUNE, "11953")
    hien_nam = old(Level.COMMUNE, "11953")

    with django_assert_max_num_queries(3):
        assert current_unit_for(hien_nam) == [pho_hien]
    assert current_unit_for(hien_nam.pk) == [pho_hien]
    assert current_unit_for(old(Level.DISTRICT, "330")) == [new_hung_yen]
    assert current_unit_for(old(Level.PROVINCE, "34")) == [new_hung_yen]
    # Mỹ Hào district -> Mỹ Hào town -> today's province.
    assert current_unit_for(old(Level.DISTRICT, "328", dt.date(2019, 5, 1))) == [new_hung_yen]
    # xã Thủ Sỹ: no known new commune, so through its old district to the province.
    assert current_unit_for(old(Level.COMMUNE, "12367")) == [new_hung_yen]
    # A unit in force is its own answer; on a date before the reform the old unit is.
    assert current_unit_for(pho_hien) == [pho_hien]
    assert current_unit_for(hien_nam, on=dt.date(2024, 1, 19)) == [hien_nam]
    assert current_unit_for(pho_hien, on=dt.date(2024, 1, 19)) == []


def test_units_current_on_a_date(loaded):
    before = units_current(Level.PROVINCE, on=dt.date(2024, 1, 19))
    assert set(before.values_list("code", flat=True)) == {"33", "34"}  # only the old ones we keep
    assert all(u.valid_to == OLD_END for u in before)
    assert units_current(on=dt.date(2025, 7, 1)).filter(valid_to__isnull=False).count() == 0
    assert units_current(Level.DISTRICT, on=dt.date(2019, 4, 30)).filter(code="328").get().name == "Huyện Mỹ Hào"


def test_load_units_command(db):
    out = StringIO()
    call_command("load_units", stdout=out)
    assert "3355 mới" in out.getvalue()
    out = StringIO()
    call_command("load_units", stdout=out)
    assert "0 mới, 0 cập nhật, 3355 không đổi" in out.getvalue()
    assert units_current(Level.PROVINCE).count() == 34
