"""The last demo step: a place for the demo's organisations that the registries' demos created
without one, so that the report by area (a former district, today's province) counts them.

Each place is read from the organisation's own name (a company named after Khoái Châu sits in
the district of Khoái Châu as it was before 01/07/2025; the province's own bodies sit in the city
of Hưng Yên), never guessed: an organisation whose name says nothing (a ministry, a university in
Hà Nội) keeps no place. Workshops held with no place recorded were held at the department.
"""

from __future__ import annotations

from django.db import transaction

from khcn.accounts.models import User
from khcn.core import demo
from khcn.core.services import record_save
from khcn.directory.models import AdministrativeUnit, Organisation

# Keyword in the name → the pre-2025 district (name as stored, valid until 01/07/2025).
PLACES = (
    ("Khoái Châu", "Huyện Khoái Châu"),
    ("Đông Kết", "Huyện Khoái Châu"),
    ("Châu Giang", "Huyện Khoái Châu"),
    ("Bãi Sậy", "Huyện Ân Thi"),
    ("Ân Thi", "Huyện Ân Thi"),
    ("Liêu Xá", "Huyện Yên Mỹ"),
    ("Yên Mỹ", "Huyện Yên Mỹ"),
    ("Thăng Long Hưng Yên", "Huyện Yên Mỹ"),
    ("Phố Nối", "Thị xã Mỹ Hào"),
    ("Mỹ Hào", "Thị xã Mỹ Hào"),
    ("Văn Lâm", "Huyện Văn Lâm"),
    ("Lạc Hồng", "Huyện Văn Lâm"),
    ("Như Quỳnh", "Huyện Văn Lâm"),
    ("Tài chính – Quản trị kinh doanh", "Huyện Văn Lâm"),
    ("Văn Giang", "Huyện Văn Giang"),
    ("Kim Động", "Huyện Kim Động"),
    ("Tiên Lữ", "Huyện Tiên Lữ"),
    ("Phù Cừ", "Huyện Phù Cừ"),
    ("Phố Hiến", "Thành phố Hưng Yên"),
    ("Quyết Thắng", "Thành phố Hưng Yên"),
    ("Nễ Châu", "Thành phố Hưng Yên"),
    ("Tiên Châu", "Thành phố Hưng Yên"),
    ("Phương Thượng", "Thành phố Hưng Yên"),
    ("tỉnh Hưng Yên", "Thành phố Hưng Yên"),
    ("chuyên Hưng Yên", "Thành phố Hưng Yên"),
    ("ThaiBinh Seed", "Thành phố Thái Bình"),
)


def _district(name: str) -> AdministrativeUnit | None:
    return (
        AdministrativeUnit.objects.filter(name=name, valid_to__isnull=False)
        .exclude(level=AdministrativeUnit.Level.PROVINCE)
        .order_by("-valid_to", "pk")
        .first()
    )


@demo.register
@transaction.atomic
def load() -> str:
    by = User.objects.filter(username="qlkh").first()
    placed = 0
    for organisation in Organisation.objects.filter(administrative_unit__isnull=True).order_by("pk"):
        for keyword, district in PLACES:
            if keyword in organisation.name:
                unit = _district(district)
                if unit is not None:
                    organisation.administrative_unit = unit
                    record_save(record=organisation, by=by, reason="Địa bàn theo tên (dữ liệu minh họa)")
                    placed += 1
                break
    city = _district("Thành phố Hưng Yên")
    workshops = 0
    if city is not None:
        from khcn.registries.technology.models import Workshop

        for workshop in Workshop.objects.filter(location__isnull=True):
            workshop.location = city
            record_save(record=workshop, by=by, reason="Tổ chức tại Sở (dữ liệu minh họa)")
            workshops += 1
    return f"địa bàn cho {placed} tổ chức, {workshops} hội thảo"
