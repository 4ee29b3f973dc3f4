from django.urls import path

from .views import audit_log, invitations, security, signin

app_name = "accounts"

urlpatterns: list = [
    path("sign-in/code/", signin.verify_two_factor, name="two_factor_verify"),
    path("invitations/<str:token>/", invitations.accept_invitation, name="accept_invitation"),
    path("security/", security.security_page, name="security"),
    path("security/authenticator/", security.authenticator_start, name="authenticator_start"),
    path(
        "security/authenticator/confirm/",
        security.authenticator_confirm,
        name="authenticator_confirm",
    ),
    path(
        "security/recovery-codes/",
        security.recovery_codes_replace,
        name="recovery_codes_replace",
    ),
    path("security/turn-off/", security.second_factor_remove, name="second_factor_remove"),
    path("accounts/<int:account_id>/audit/", audit_log.audit_log, name="audit_log"),
    path("accounts/<int:account_id>/audit.csv", audit_log.audit_export, name="audit_export"),
]
