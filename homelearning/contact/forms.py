from __future__ import annotations

from django import forms

from homelearning.contact.models import Enquiry
from homelearning.contact.services import MAX_MESSAGE, MAX_REPLY


class EnquiryForm(forms.Form):
    about = forms.ChoiceField(label="What is it about?", choices=Enquiry.About.choices, widget=forms.RadioSelect)
    child = forms.ChoiceField(label="Which child?", required=False)
    message = forms.CharField(label="Your question", max_length=MAX_MESSAGE, widget=forms.Textarea(attrs={"rows": 4}))


class ReplyForm(forms.Form):
    reply = forms.CharField(label="Reply", max_length=MAX_REPLY, widget=forms.Textarea(attrs={"rows": 4}))
