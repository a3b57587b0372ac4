"""Who may see safeguarding records: the one place the rule lives.

The DSL and deputy DSLs see every record of their school; the headteacher does too unless the
school turns that off. Any other member of staff sees only the concerns they raised. Parents see
nothing but their own report form. Every helper answers 404 for "missing" and "not yours" alike.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec, TypeVar
from urllib.parse import urlencode

from allauth.account.internal.flows.login import get_authentication_records
from allauth.mfa.models import Authenticator
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from homelearning.core import clock
from homelearning.people.access import viewer_of
from homelearning.people.models import SAFEGUARDING_ROLES, ClassStaff, Pupil, Role, School, Staff, User
from homelearning.people.viewer import Viewer
from homelearning.safeguarding.models import Concern, FilterAlert, SafeguardingSettings, VulnerablePupil

P = ParamSpec("P")
R = TypeVar("R", bound=HttpResponse)

# Opening a chronology needs an MFA code entered within this many seconds.
RECENT_MFA_SECONDS = 15 * 60


def settings_for(school: School) -> SafeguardingSettings:
    return SafeguardingSettings.objects.get_or_create(school=school)[0]


def is_dsl_team(viewer: Viewer) -> bool:
    """The DSL, a deputy DSL, or the headteacher when the school's setting lets them see records."""
    if viewer.staff is None:
        return False
    if viewer.is_safeguarding:
        return True
    return viewer.is_headteacher and settings_for(viewer.staff.school).headteacher_sees_records


def dsl_team(school: School) -> list[Staff]:
    """Everyone who receives safeguarding notifications for the school."""
    roles = set(SAFEGUARDING_ROLES)
    if settings_for(school).headteacher_sees_records:
        roles.add(Role.HEADTEACHER)
    return list(
        Staff.objects.filter(school=school, is_active=True, user__is_active=True, roles__role__in=roles)
        .select_related("user")
        .distinct()
        .order_by("surname", "first_name")
    )


def dsl_team_required(
    view: Callable[Concatenate[HttpRequest, P], R],
) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        viewer = viewer_of(request)
        if not viewer.is_staff:
            raise PermissionDenied("This page is for school staff.")
        if not is_dsl_team(viewer):
            raise PermissionDenied("Safeguarding records are for the designated safeguarding lead and deputies.")
        return view(request, *args, **kwargs)

    return wrapped


def reauthenticate(request: HttpRequest) -> HttpResponseRedirect:
    """allauth's "enter your authenticator code" page, coming back here afterwards."""
    return HttpResponseRedirect(reverse("mfa_reauthenticate") + "?" + urlencode({"next": request.get_full_path()}))


def can_change_settings(viewer: Viewer) -> bool:
    """Only the DSL and deputies decide whether the headteacher sees records (a head cannot grant themselves)."""
    return viewer.is_safeguarding


def mfa_is_recent(request: HttpRequest) -> bool:
    user = request.user
    if not isinstance(user, User):
        return False
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        return True
    # Signing in with a code and re-confirming one both leave an "mfa" record in the session.
    records = get_authentication_records(request, user)
    now = time.time()
    return any(r.get("method") == "mfa" and now - float(r.get("at", 0)) < RECENT_MFA_SECONDS for r in records)


def concerns_visible_to(viewer: Viewer) -> QuerySet[Concern]:
    staff = viewer.staff
    if staff is None or viewer.user is None:
        return Concern.objects.none()
    concerns = Concern.objects.filter(school=staff.school)
    if is_dsl_team(viewer):
        return concerns
    return concerns.filter(raised_by=viewer.user)


def unacknowledged_count(viewer: Viewer) -> int | None:
    """For the DSL team's home page: how many concerns wait to be acknowledged (None for anyone else).
    A number only, with no child named, so the home page shows it without opening a record."""
    if not is_dsl_team(viewer):
        return None
    return (
        concerns_visible_to(viewer).filter(acknowledged_at__isnull=True).exclude(status=Concern.Status.CLOSED).count()
    )


def get_concern_for_staff(viewer: Viewer, code: str) -> Concern:
    try:
        return concerns_visible_to(viewer).select_related("category", "school").get(code=code)
    except Concern.DoesNotExist:
        raise Http404("No such concern.") from None


def get_pupil_for_dsl(viewer: Viewer, code: str) -> Pupil:
    """Any pupil of the DSL's school, including those who have left (their record stays)."""
    if viewer.staff is None or not is_dsl_team(viewer):
        raise Http404("No such pupil.")
    try:
        return Pupil.objects.select_related("school_class", "school").get(school=viewer.staff.school, code=code)
    except Pupil.DoesNotExist:
        raise Http404("No such pupil.") from None


def get_vulnerable_for_dsl(viewer: Viewer, code: str) -> VulnerablePupil:
    if viewer.staff is None or not is_dsl_team(viewer):
        raise Http404("No such record.")
    try:
        return VulnerablePupil.objects.select_related("pupil", "reason").get(school=viewer.staff.school, code=code)
    except VulnerablePupil.DoesNotExist:
        raise Http404("No such record.") from None


def get_alert_for_dsl(viewer: Viewer, code: str) -> FilterAlert:
    if viewer.staff is None or not is_dsl_team(viewer):
        raise Http404("No such alert.")
    try:
        return FilterAlert.objects.select_related("pupil").get(school=viewer.staff.school, code=code)
    except FilterAlert.DoesNotExist:
        raise Http404("No such alert.") from None


def pupils_for_concern(viewer: Viewer) -> QuerySet[Pupil]:
    """Pupils staff may name in a concern: anyone on roll in their school, since a concern may come from anywhere."""
    if viewer.staff is None:
        return Pupil.objects.none()
    return Pupil.objects.filter(school=viewer.staff.school, left_on__isnull=True).select_related("school_class")


def pupils_for_carer_report(viewer: Viewer) -> QuerySet[Pupil]:
    if not viewer.carer_records:
        return Pupil.objects.none()
    return (
        Pupil.objects.filter(carer_links__carer__in=viewer.carer_records, left_on__isnull=True)
        .select_related("school")
        .distinct()
    )


def contact_kinds_for(viewer: Viewer, pupil: Pupil) -> list[str]:
    """Which weekly contacts this person may log for the pupil: the class staff's, the DSL team's, or both."""
    staff = viewer.staff
    if staff is None or staff.school_id != pupil.school_id:
        return []
    kinds = []
    if ClassStaff.objects.filter(school_class_id=pupil.school_class_id, staff=staff).exists():
        kinds.append("teacher")
    if is_dsl_team(viewer):
        kinds.append("dsl")
    return kinds


def get_pupil_for_contact(viewer: Viewer, code: str) -> tuple[Pupil, list[str]]:
    """A pupil on the vulnerable list whose contact this person may log, or 404."""
    staff = viewer.staff
    if staff is None:
        raise Http404("No such pupil.")
    today = clock.today()
    try:
        pupil = (
            Pupil.objects.select_related("school_class", "school")
            .filter(school=staff.school, left_on__isnull=True)
            .get(code=code)
        )
    except Pupil.DoesNotExist:
        raise Http404("No such pupil.") from None
    on_list = VulnerablePupil.objects.filter(pupil=pupil, started_on__lte=today).exclude(ended_on__lt=today).exists()
    kinds = contact_kinds_for(viewer, pupil)
    if not on_list or not kinds:
        raise Http404("No such pupil.")
    return pupil, kinds
