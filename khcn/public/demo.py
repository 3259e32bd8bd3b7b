"""Demo publications: what the department has decided to show on the public S&T database.

Without them a fresh `make run` shows an empty public site, since nothing is public until staff
publish it (issue 8). The decisions are those a department would take: every task the province
has approved, with its host; recognised initiatives; valid geographical-indication and
certification-mark certificates, with the organisations holding them. People stay private: a
profile is public only with the person's recorded consent, which the demo does not invent.

Runs after the other apps' loaders (khcn.public comes after them in INSTALLED_APPS), through the
same service as the publish action of the back office, so each record is indexed for search too.
"""

from __future__ import annotations

from django.db.models import Model

from khcn.accounts.models import User
from khcn.core import demo
from khcn.directory.models import Organisation
from khcn.public import services
from khcn.public.models import Publication
from khcn.public.selectors import PUBLIC_TASK_STATUSES
from khcn.registries.initiatives.models import Initiative
from khcn.registries.ip.models import UseRightCertificate
from khcn.research.models import Task

CONSENT = "Dữ liệu mẫu: Sở quyết định công khai theo quy chế cung cấp thông tin KH&CN của tỉnh."


@demo.register
def load() -> str:
    by = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    if by is None:
        return "không có tài khoản quản trị để công bố"
    before = Publication.objects.count()
    tasks = list(Task.objects.active().filter(status__in=PUBLIC_TASK_STATUSES).order_by("pk"))
    initiatives = list(Initiative.objects.filter(status=Initiative.Status.RECOGNISED).order_by("pk"))
    certificates = list(UseRightCertificate.objects.filter(revoked=False).order_by("pk"))
    organisation_ids = {t.host_id for t in tasks} | {c.holder_organisation_id for c in certificates}
    organisations = list(Organisation.objects.active().filter(pk__in=organisation_ids - {None}).order_by("pk"))
    records: list[Model] = [*organisations, *tasks, *initiatives, *certificates]
    for record in records:
        services.publication_create(record=record, by=by, consent_note=CONSENT)
    return (
        f"{Publication.objects.count() - before} công bố mới; công khai {len(tasks)} nhiệm vụ, "
        f"{len(organisations)} tổ chức, {len(initiatives)} sáng kiến, {len(certificates)} giấy chứng nhận"
    )
