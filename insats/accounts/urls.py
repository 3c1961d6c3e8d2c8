from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("logga-in/", views.login_view, name="login"),
    path("logga-in/kod/", views.otp_verify, name="otp_verify"),
    path("tvafaktor/", views.otp_setup, name="otp_setup"),
    path("logga-ut/", auth_views.LogoutView.as_view(), name="logout"),
]
