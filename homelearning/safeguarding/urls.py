from django.urls import path

from homelearning.safeguarding import views

app_name = "safeguarding"
urlpatterns = [
    path("safeguarding/", views.dashboard, name="dashboard"),
    path("safeguarding/settings", views.settings_change, name="settings_change"),
    path("safeguarding/concerns/", views.concern_list, name="concern_list"),
    path("safeguarding/concerns/new", views.concern_raise, name="concern_raise"),
    path("safeguarding/concerns/<slug:code>/", views.concern_detail, name="concern_detail"),
    path("safeguarding/concerns/<slug:code>/acknowledge", views.concern_acknowledge, name="concern_acknowledge"),
    path("safeguarding/concerns/<slug:code>/entries", views.concern_entry_add, name="concern_entry_add"),
    path("safeguarding/concerns/<slug:code>/close", views.concern_close, name="concern_close"),
    path("safeguarding/report", views.carer_report, name="carer_report"),
    path("safeguarding/vulnerable/", views.vulnerable_list, name="vulnerable_list"),
    path("safeguarding/vulnerable/<slug:code>/end", views.vulnerable_end, name="vulnerable_end"),
    path("safeguarding/contacts/", views.my_contacts, name="my_contacts"),
    path("safeguarding/pupils/", views.pupil_list, name="pupil_list"),
    path("safeguarding/pupils/<slug:code>/contact", views.contact_log, name="contact_log"),
    path("safeguarding/pupils/<slug:code>/chronology", views.chronology, name="chronology"),
    path("safeguarding/reports/acknowledgement", views.acknowledgement_report, name="acknowledgement_report"),
    path("safeguarding/alerts/", views.alert_list, name="alert_list"),
    path("safeguarding/alerts/import", views.alert_import, name="alert_import"),
    path("safeguarding/alerts/<slug:code>/", views.alert_detail, name="alert_detail"),
]
