from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("quan-tri/", admin.site.urls),
    path("tep/", include("khcn.core.urls")),
    path("hoi-dong/", include("khcn.councils.urls")),
    path("nhiem-vu/", include("khcn.research.urls")),
    path("so-dang-ky/buc-xa/", include("khcn.registries.radiation.urls")),
    path("so-dang-ky/do-luong/", include("khcn.registries.metrology.urls")),
    path("so-dang-ky/chat-luong/", include("khcn.registries.quality.urls")),
    path("", include("khcn.portal.urls")),
]
