from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts.views import signin

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("login/", signin.sign_in, name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("accounts.urls")),
    path("", include("orders.urls")),
    path("", include("compliance.urls")),
    path("", include("messaging.urls")),
    path("", include("team.urls")),
]
