from django.urls import path

from . import views

app_name = "orders"

urlpatterns: list = [
    path("accounts/<int:account_id>/amazon/", views.connection, name="connection"),
    path("accounts/<int:account_id>/amazon/test/", views.test_connection, name="test_connection"),
    path("orders/<int:order_id>/panel/", views.order_panel, name="order_panel"),
]
