from django.urls import path

from homelearning.people import views

app_name = "people"
urlpatterns = [
    path("classes/", views.class_list, name="class_list"),
    path("classes/<slug:code>/", views.class_detail, name="class_detail"),
    path("pupils/<slug:code>/", views.pupil_detail, name="pupil_detail"),
    path("children/<slug:code>/", views.child_detail, name="child_detail"),
    path("staff/", views.staff_list, name="staff_list"),
    path("staff/<slug:code>/", views.staff_detail, name="staff_detail"),
    path("staff/<slug:code>/leave", views.staff_leave, name="staff_leave"),
    path("policy/", views.policy, name="policy"),
    path("switch-school", views.switch_school, name="switch_school"),
    path("language/", views.language, name="language"),
    path("pupils/<slug:code>/carers/<slug:carer_code>/language", views.carer_language, name="carer_language"),
    path("pupils/<slug:code>/carers/<slug:carer_code>/contact-by", views.carer_contact_by, name="carer_contact_by"),
    path("account/phones/", views.phone_list, name="phone_list"),
    path("account/phones/remember", views.phone_remember, name="phone_remember"),
    path("account/phones/not-now", views.phone_remember_not_now, name="phone_remember_not_now"),
    path("account/phones/<slug:code>/forget", views.phone_forget, name="phone_forget"),
]
