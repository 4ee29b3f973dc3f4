from django.urls import path

from . import views

app_name = "compliance"

urlpatterns: list = [
    path("compliance/report/", views.report, name="report"),
    path("compliance/report.csv", views.report_csv, name="report_csv"),
]
