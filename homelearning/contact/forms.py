from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from homelearning.contact.models import Enquiry
from homelearning.contact.services import MAX_MESSAGE, MAX_REPLY
from homelearning.people.models import School


class EnquiryForm(forms.Form):
    about = forms.ChoiceField(label=_("What is it about?"), choices=Enquiry.About.choices, widget=forms.RadioSelect)
    child = forms.ChoiceField(label=_("Which child?"), required=False)
    school = forms.ChoiceField(label=_("Which school is it for?"), required=False)
    message = forms.CharField(
        label=_("Your question"), max_length=MAX_MESSAGE, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, schools: Sequence[School] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.schools = {school.code: school for school in schools}
        if len(self.schools) > 1:
            # A carer with children at two schools says which one a question not about one child is for.
            cast(forms.ChoiceField, self.fields["school"]).choices = [("", _("Choose a school"))] + [
                (code, school.name) for code, school in self.schools.items()
            ]
        else:
            del self.fields["school"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "school" in self.fields and not data.get("child") and not data.get("school"):
            self.add_error("school", _("Choose which school the question is for."))
        return data

    def school_chosen(self) -> School:
        """The school of a question not about one child: the one chosen, or the carer's only school."""
        if "school" in self.fields:
            return self.schools[self.cleaned_data["school"]]
        return next(iter(self.schools.values()))


class ReplyForm(forms.Form):
    reply = forms.CharField(label="Reply", max_length=MAX_REPLY, widget=forms.Textarea(attrs={"rows": 4}))
