from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts.views import signin
from messaging.views import inbox as inbox_views

from . import views

urlpatterns = [
    # The signed-in home page is the inbox; the seller accounts and system status moved.
    path("", inbox_views.inbox, name="home"),
    path("status/", views.home, name="status"),
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
