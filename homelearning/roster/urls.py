from django.urls import path

from homelearning.roster import views

app_name = "roster"
urlpatterns = [
    path("imports/", views.import_list, name="import_list"),
    path("imports/wonde/", views.wonde_page, name="wonde"),
    path("imports/wonde/sync", views.wonde_sync_now, name="wonde_sync"),
    path("imports/wonde/write-back", views.wonde_write_back_now, name="wonde_write_back"),
    path("imports/<slug:code>/", views.import_detail, name="import_detail"),
    path("imports/<slug:code>/columns", views.import_columns, name="import_columns"),
    path("imports/<slug:code>/commit", views.import_commit, name="import_commit"),
]
