from django.urls import path

from homelearning.provision import views

app_name = "provision"
urlpatterns = [
    path("remote-education/", views.dashboard, name="dashboard"),
    path("remote-education/closures/", views.closure_list, name="closure_list"),
    path("remote-education/closures/<slug:code>/", views.closure_detail, name="closure_detail"),
    path("remote-education/cases/", views.case_list, name="case_list"),
    path("remote-education/cases/new/", views.case_new, name="case_new"),
    path("remote-education/cases/<slug:code>/", views.case_detail, name="case_detail"),
    path("remote-education/cases/<slug:code>/risk-assessment", views.case_risk_assessment, name="case_risk"),
    path("remote-education/cases/<slug:code>/medical-advice", views.case_medical_advice, name="case_advice"),
    path("remote-education/cases/<slug:code>/agreement", views.case_agreement, name="case_agreement"),
    path("remote-education/cases/<slug:code>/start", views.case_activate, name="case_activate"),
    path("remote-education/cases/<slug:code>/review", views.case_review, name="case_review"),
    path("remote-education/cases/<slug:code>/end", views.case_end, name="case_end"),
    path("remote-education/cases/<slug:code>/withdraw", views.case_withdraw, name="case_withdraw"),
    path("remote-education/cases/<slug:code>/documents/<str:kind>/<int:pk>", views.case_document, name="case_document"),
    path("remote-education/register.csv", views.register_export, name="register_export"),
]
