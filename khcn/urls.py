from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("quan-tri/", admin.site.urls),
    path("tep/", include("khcn.core.urls")),
    path("hoi-dong/", include("khcn.councils.urls")),
    path("nhiem-vu/", include("khcn.research.urls")),
    path("", include("khcn.portal.urls")),
]
