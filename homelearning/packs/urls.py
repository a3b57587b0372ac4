from django.urls import path

from homelearning.packs import views

app_name = "packs"
urlpatterns = [
    path("packs/", views.dashboard, name="dashboard"),
    path("packs/new/", views.request_new, name="request"),
    path("packs/settings/", views.settings_edit, name="settings"),
    path("packs/classes/<slug:code>/print", views.class_print, name="class_print"),
    path("packs/print-runs/<slug:code>/", views.batch, name="batch"),
    path("packs/print-runs/<slug:code>/packs-<int:part>.pdf", views.batch_pdf, name="batch_pdf"),
    path("packs/<slug:code>/", views.detail, name="detail"),
    path("packs/<slug:code>/pack.pdf", views.pdf, name="pdf"),
    path("packs/<slug:code>/print", views.compile_pack, name="compile"),
    path("packs/<slug:code>/ready", views.ready, name="ready"),
    path("packs/<slug:code>/collected", views.collected, name="collected"),
    path("packs/<slug:code>/returned", views.returned, name="returned"),
    path("packs/<slug:code>/review", views.review, name="review"),
    path("packs/<slug:code>/call", views.call, name="call"),
    path("packs/<slug:code>/cancel", views.cancel, name="cancel"),
]
