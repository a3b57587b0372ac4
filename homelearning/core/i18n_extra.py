"""Strings of Django and allauth that parents meet, pulled into Home Learning's own catalogues (issue 16).

Django and allauth ship no Somali, and some of the other languages only in part. Listing the strings
they show on a parent's pages here puts them in `homelearning/locale`, which comes before the
libraries' own catalogues (LOCALE_PATHS), so every shipped language has them. Nothing calls this module:
`makemessages` reads it.
"""

from django.utils.translation import gettext_noop as _

DJANGO_FORMS = [
    _("This field is required."),
    _("Enter a valid date."),
    _("Enter a valid date/time."),
    _("Enter a valid email address."),
    _("Select a valid choice. %(value)s is not one of the available choices."),
    _("Enter a list of values."),
    _("The submitted file is empty."),
    _("No file was submitted. Check the encoding type on the form."),
]
DATES = [
    _("Monday"),
    _("Tuesday"),
    _("Wednesday"),
    _("Thursday"),
    _("Friday"),
    _("Saturday"),
    _("Sunday"),
    _("January"),
    _("February"),
    _("March"),
    _("April"),
    _("May"),
    _("June"),
    _("July"),
    _("August"),
    _("September"),
    _("October"),
    _("November"),
    _("December"),
]
ALLAUTH_SIGN_IN = [
    _("Email"),
    _("Email address"),
    _("Code"),
    _("Incorrect code."),
    _("Too many failed login attempts. Try again later."),
    _("Invalid login."),
]
