from django.urls import path

from homelearning.api import views
from homelearning.api.api import api

app_name = "api"
urlpatterns = [
    path("tokens/", views.token_list, name="token_list"),
    path("tokens/<slug:code>/revoke", views.token_revoke, name="token_revoke"),
    # Namespaced "api:api-v1" (see api.py), beside the token pages.
    path("v1/", api.urls),
]
