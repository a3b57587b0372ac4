from django.urls import path

from homelearning.engagement import views

app_name = "engagement"

urlpatterns = [
    path("engagement/", views.index, name="index"),
    path("engagement/settings", views.settings_change, name="settings"),
    path("engagement/pupils/<slug:code>/call", views.ask_for_call, name="ask_call"),
    path("reports/remote-education/", views.report_page, name="report"),
    path("reports/remote-education/report.pdf", views.report_pdf, name="report_pdf"),
    path("reports/remote-education/report.csv", views.report_csv, name="report_csv"),
]
