from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from homelearning.people.access import staff_required


@staff_required()
def token_list(request: HttpRequest) -> HttpResponse:
    return render(request, "base.html", {})
