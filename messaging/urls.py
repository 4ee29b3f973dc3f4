from django.urls import path  # noqa: F401 - views register their URLs here

app_name = "messaging"

urlpatterns: list = []
