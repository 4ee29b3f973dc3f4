"""The session engine: Django's database sessions, with the user's id in its own column.

`SESSION_ENGINE = "accounts.sessions"`. Knowing whose session a row is lets
`accounts.services.end_sessions` sign a person out everywhere at once (deactivation, a new
second factor) without decoding every session in the table.
"""

from django.contrib.sessions.backends.db import SessionStore as DBStore
from django.db import models


class SessionStore(DBStore):
    @classmethod
    def get_model_class(cls) -> type[models.Model]:
        from .models import UserSession

        return UserSession

    def create_model_instance(self, data: dict) -> models.Model:
        instance = super().create_model_instance(data)
        try:
            instance.user_id = int(data.get("_auth_user_id"))
        except (TypeError, ValueError):
            instance.user_id = None
        return instance
