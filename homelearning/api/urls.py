from django.urls import path

from homelearning.api import views

app_name = "api"
urlpatterns = [
    path("tokens/", views.token_list, name="token_list"),
]
