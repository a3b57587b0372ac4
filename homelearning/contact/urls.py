from django.urls import path

from homelearning.contact import views

app_name = "contact"
urlpatterns = [
    path("enquiries/", views.enquiry_inbox, name="inbox"),
    path("enquiries/new/", views.enquiry_new, name="enquiry_new"),
    path("enquiries/mine/", views.my_enquiries, name="my_enquiries"),
    path("enquiries/<slug:code>/", views.enquiry_detail, name="enquiry"),
    path("enquiries/<slug:code>/reply", views.enquiry_reply, name="enquiry_reply"),
]
