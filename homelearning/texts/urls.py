from django.urls import path

from homelearning.texts import views

app_name = "texts"

urlpatterns = [
    path("texts/", views.texts_index, name="index"),
    path("texts/allowance", views.allowance_set, name="allowance_set"),
    path("texts/office-list/<slug:code>/done", views.office_done, name="office_done"),
]
