from django.apps import AppConfig


class MetricsConfig(AppConfig):
    name = "messaging.metrics"
    label = "metrics"
    verbose_name = "Response metrics"
    default_auto_field = "django.db.models.BigAutoField"
