from django.urls import path

from khcn.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("to-chuc/", views.my_organisation, name="my-organisation"),
    path("dang-nhap/", views.login, name="login"),
    path("dang-xuat/", views.logout, name="logout"),
    path("xac-thuc/", views.otp_verify, name="otp-verify"),
    path("xac-thuc/cai-dat/", views.otp_setup, name="otp-setup"),
]
