from django.urls import path

from . import views

app_name = "team"

urlpatterns = [
    path("team/", views.index, name="index"),
    path("accounts/<int:account_id>/team/", views.members, name="members"),
    path("accounts/<int:account_id>/team/invite/", views.invite, name="invite"),
    path("accounts/<int:account_id>/team/two-factor/", views.two_factor_policy, name="two_factor"),
    path("accounts/<int:account_id>/team/<int:membership_id>/", views.member, name="member"),
    path(
        "accounts/<int:account_id>/team/<int:membership_id>/deactivate/",
        views.deactivate,
        name="deactivate",
    ),
    path(
        "accounts/<int:account_id>/team/<int:membership_id>/reactivate/",
        views.reactivate,
        name="reactivate",
    ),
    path(
        "accounts/<int:account_id>/team/invitations/<int:invitation_id>/resend/",
        views.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "accounts/<int:account_id>/team/invitations/<int:invitation_id>/withdraw/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
]
