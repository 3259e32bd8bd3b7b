from django.contrib import admin
from django.urls import include, path

from khcn.core import health

urlpatterns = [
    # For the load balancer and monitoring: no login, nothing sensitive (khcn/core/health.py).
    path("health/", health.health, name="health"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("quan-tri/", admin.site.urls),
    path("tep/", include("khcn.core.urls")),
    path("hoi-dong/", include("khcn.councils.urls")),
    path("nhiem-vu/", include("khcn.research.urls")),
    path("so-dang-ky/buc-xa/", include("khcn.registries.radiation.urls")),
    path("so-dang-ky/do-luong/", include("khcn.registries.metrology.urls")),
    path("so-dang-ky/chat-luong/", include("khcn.registries.quality.urls")),
    path("so-dang-ky/cong-nghe/", include("khcn.registries.technology.urls")),
    path("so-dang-ky/so-huu-tri-tue/", include("khcn.registries.ip.urls")),
    path("so-dang-ky/sang-kien/", include("khcn.registries.initiatives.urls")),
    path("so-dang-ky/doi-moi-sang-tao/", include("khcn.registries.innovation.urls")),
    path("so-dang-ky/thanh-tra-kiem-tra/", include("khcn.registries.inspections.urls")),
    path("van-ban/", include("khcn.registries.legaldocs.urls")),
    path("tin-tuc/", include("khcn.registries.news.urls")),
    path("csdl/", include("khcn.public.urls")),
    path("api/", include("khcn.api.urls")),
    path("bao-cao/", include("khcn.reports.urls")),
    path("", include("khcn.portal.urls")),
]

# Under /api/ a 404 or 500 answers in JSON, as the schema says (khcn/api/exceptions.py).
handler404 = "khcn.api.exceptions.not_found"
handler500 = "khcn.api.exceptions.server_error"
