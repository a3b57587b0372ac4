"""allauth includes these under /accounts/ (allauth.urls builds each provider's patterns)."""

from django.urls import path

from homelearning.sso import views

urlpatterns = [
    path("school/<str:provider_id>/login/", views.login, name="school_login"),
    path("school/<str:provider_id>/login/callback/", views.callback, name="school_callback"),
]
