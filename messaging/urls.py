from django.urls import path  # views register their URLs here

from .views import dashboard

app_name = "messaging"

urlpatterns: list = []

urlpatterns += [
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("dashboard/figures.csv", dashboard.figures_csv, name="dashboard_figures_csv"),
    path("dashboard/messages.csv", dashboard.messages_csv, name="dashboard_messages_csv"),
    path("dashboard/alerts/", dashboard.alert_preferences, name="dashboard_alerts"),
    path(
        "dashboard/seller-central-nrn/<int:reminder_id>/done",
        dashboard.nrn_done,
        name="dashboard_nrn_done",
    ),
]
