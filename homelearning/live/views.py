"""Pages for live sessions: scheduling, the staff console, the carer's way in and the demo room."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from homelearning.core import clock
from homelearning.core.errors import ServiceError, refusal_as_message, refusal_on_form
from homelearning.live import selectors, services
from homelearning.live.access import (
    SCHEDULE_ROLES,
    get_invitation_for_carer,
    get_invitation_for_staff,
    get_session_for_staff,
)
from homelearning.live.agreement import agreement_rules
from homelearning.live.forms import (
    AcceptForm,
    BanForm,
    EndForm,
    LiveSettingsForm,
    RecipientForm,
    RemoveForm,
    ScheduleForm,
)
from homelearning.live.ics import invitation_ics
from homelearning.live.models import Invitation, LiveBan, LiveSession
from homelearning.live.providers import PROVIDER_LABELS, configured_providers, default_provider_name
from homelearning.people.access import (
    get_class_for_staff,
    get_pupil_for_staff,
    parent_required,
    pupils_visible_to,
    staff_required,
    viewer_of,
)
from homelearning.people.models import Role, Staff
from homelearning.people.selectors import policy_in_force

POLL_SECONDS = 3
REFRESH_WITHIN = datetime.timedelta(hours=1)


def _staff(request: HttpRequest) -> Staff:
    staff = viewer_of(request).staff
    assert staff is not None  # noqa: S101 - staff_required has checked
    return staff


@staff_required()
def session_list(request: HttpRequest) -> HttpResponse:
    staff = _staff(request)
    sessions = selectors.upcoming_sessions_for_staff(viewer_of(request), now=clock.now())
    classes = selectors.classes_staff_can_schedule(staff)
    viewer = viewer_of(request)
    return render(
        request,
        "live/session_list.html",
        {
            "sessions": sessions,
            "classes": classes,
            "can_redirect": viewer.has_role(*services.RECIPIENT_ROLES),
            "is_head": viewer.has_role(Role.HEADTEACHER),
        },
    )


@staff_required(*SCHEDULE_ROLES)
def session_new(request: HttpRequest, class_code: str) -> HttpResponse:
    staff = _staff(request)
    school_class = get_class_for_staff(viewer_of(request), class_code)
    policy = policy_in_force(school_class.school)
    form = ScheduleForm(
        request.POST if request.method == "POST" else None,
        monitors=selectors.colleagues(staff),
        pupils=selectors.pupils_for_invitation(school_class),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refusal_on_form(form):
            if (data["repeat_weeks"] or 1) > 1:
                sessions = services.session_schedule_weekly(
                    by=staff,
                    school_class=school_class,
                    title=data["title"],
                    starts_at=data["starts_at"],
                    minutes=data["minutes"],
                    monitor=data["monitor"],
                    pupils=list(data["pupils"]),
                    weeks=data["repeat_weeks"],
                )
            else:
                sessions = [
                    services.session_schedule(
                        by=staff,
                        school_class=school_class,
                        kind=data["kind"],
                        title=data["title"],
                        starts_at=data["starts_at"],
                        minutes=data["minutes"],
                        monitor=data["monitor"],
                        pupils=list(data["pupils"]),
                    )
                ]
            if len(sessions) > 1:
                messages.success(
                    request, f"{len(sessions)} weekly sessions are booked and the invitations are on their way."
                )
                return redirect("live:session_list")
            session = sessions[0]
            messages.success(request, "The session is booked and the invitations are on their way.")
            return redirect("live:session_detail", session.code)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "live/session_new.html",
        {"form": form, "school_class": school_class, "policy": policy},
        status=status,
    )


def _console_context(request: HttpRequest, code: str) -> dict[str, object]:
    viewer = viewer_of(request)
    session = get_session_for_staff(viewer, code)
    staff = _staff(request)
    invitations = selectors.session_invitations(session)
    now = clock.now()
    return {
        "session": session,
        "invitations": invitations,
        "waiting": [i for i in invitations if i.status == Invitation.Status.WAITING],
        "can_admit": staff.pk in (session.host_id, session.monitor_id),
        "is_host": staff.pk == session.host_id,
        "is_open": session.is_open(now),
        "can_cancel": session.can_be_cancelled(now),
        "incidents": list(session.incidents.select_related("reported_by")),
        "poll_seconds": POLL_SECONDS,
        "end_form": EndForm(),
    }


@staff_required()
def session_detail(request: HttpRequest, code: str) -> HttpResponse:
    context = _console_context(request, code)
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "live/_console.html", context)
    return render(request, "live/session_detail.html", context)


@require_POST
@staff_required()
def invitation_decide(request: HttpRequest, code: str, invitation_code: str, decision: str) -> HttpResponse:
    session = get_session_for_staff(viewer_of(request), code)
    invitation = get_invitation_for_staff(viewer_of(request), session, invitation_code)
    try:
        if decision == "admit":
            services.invitation_admit(invitation=invitation, by=_staff(request))
            messages.success(request, f"{invitation.pupil.first_name} has been let in.")
        elif decision == "deny":
            form = RemoveForm(request.POST)
            reason = form.cleaned_data["reason"] if form.is_valid() else ""
            if not form.is_valid():
                messages.error(request, "The reason is too long (at most 2,000 characters).")
                return redirect("live:session_detail", session.code)
            was_admitted = invitation.status == Invitation.Status.ADMITTED
            services.invitation_deny(invitation=invitation, by=_staff(request), reason=reason)
            verb = "removed from the session" if was_admitted else "turned away"
            messages.success(request, f"{invitation.pupil.first_name} has been {verb}.")
        else:
            raise Http404("No such action.")
    except ServiceError as exc:
        messages.error(request, str(exc))
    return redirect("live:session_detail", session.code)


@require_POST
@staff_required()
def session_end(request: HttpRequest, code: str) -> HttpResponse:
    session = get_session_for_staff(viewer_of(request), code)
    form = EndForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The reason is too long.")
        return redirect("live:session_detail", session.code)
    with refusal_as_message(request):
        services.session_end(session=session, by=_staff(request), risk_reason=form.cleaned_data["risk_reason"])
        messages.success(request, "The session has ended for everyone.")
    return redirect("live:session_detail", session.code)


@parent_required
def invitation(request: HttpRequest, code: str) -> HttpResponse:
    viewer = viewer_of(request)
    now = clock.now()
    polling = bool(request.htmx) and request.method == "GET"  # type: ignore[attr-defined]
    invite = get_invitation_for_carer(viewer, code, now=now, any_time=True)
    session = invite.session
    if not session.is_open(now):
        if polling:
            # A page left open while the session ended: tell it, and stop polling (286 is htmx's "stop polling").
            return render(request, "live/_ended.html", {"invitation": invite}, status=286)
        return _invitation_not_open(request, invite, now=now)
    agreement = services.agreement_current()
    form = AcceptForm(request.POST if request.method == "POST" else None, initial={"version": agreement.version})
    if request.method == "POST":
        if form.is_valid() and form.cleaned_data["version"] == agreement.version:
            carer = selectors.carer_record_for_child(viewer, invite.pupil)
            assert request.user.is_authenticated  # noqa: S101 - parent_required has checked
            try:
                services.invitation_accept(
                    invitation=invite,
                    user=request.user,
                    carer=carer,
                    agreement=agreement,
                    now=now,
                )
            except ServiceError as exc:
                messages.error(request, str(exc))
            return redirect("live:invitation", invite.code)
        if form.is_valid():
            form.add_error(None, "The agreement has changed since you opened this page. Please read it again.")
    # `invite` was loaded above in this request (a POST that changed it has redirected): no second load.
    join_url = ""
    refusal = ""
    if invite.status == Invitation.Status.HELD:
        ban = services.active_ban(pupil=invite.pupil, start=invite.session.starts_at, end=invite.session.ends_at)
        refusal = services.ban_refusal(invite.pupil, ban)
    elif invite.status == Invitation.Status.ADMITTED:
        try:
            join_url = services.join_url_for(invitation=invite)
        except ServiceError as exc:
            refusal = str(exc)
    context = {
        "refusal": refusal,
        "invitation": invite,
        "session": invite.session,
        "agreement": agreement,
        "rules": agreement_rules(agreement.text),
        "form": form,
        "join_url": join_url,
        "poll_seconds": POLL_SECONDS,
    }
    if request.htmx and request.method == "GET":  # type: ignore[attr-defined]
        return render(request, "live/_waiting.html", context)
    status = 400 if request.method == "POST" else 200
    return render(request, "live/invitation.html", context, status=status)


def _invitation_not_open(request: HttpRequest, invite: Invitation, *, now: datetime.datetime) -> HttpResponse:
    """Before the waiting room opens: when it opens, and the agreement to read first; after: that it is over."""
    session = invite.session
    agreement = services.agreement_current()
    opens_in = (session.opens_at - now).total_seconds()
    context = {
        "invitation": invite,
        "session": session,
        "agreement": agreement,
        "rules": agreement_rules(agreement.text),
        "not_yet": session.status == LiveSession.Status.SCHEDULED and opens_in > 0,
        # The page turns into the waiting room by itself if left open in the last hour before it opens.
        "refresh_seconds": int(opens_in) + 1 if 0 < opens_in <= REFRESH_WITHIN.total_seconds() else 0,
        "held_refusal": "",
    }
    if invite.status == Invitation.Status.HELD:
        ban = services.active_ban(pupil=invite.pupil, start=session.starts_at, end=session.ends_at)
        context["held_refusal"] = services.ban_refusal(invite.pupil, ban)
    if request.method == "POST":
        messages.error(request, _("The waiting room is not open. You can accept the agreement when it opens."))
    return render(request, "live/invitation_closed.html", context, status=400 if request.method == "POST" else 200)


@require_POST
@staff_required()
def session_cancel(request: HttpRequest, code: str) -> HttpResponse:
    session = get_session_for_staff(viewer_of(request), code)
    with refusal_as_message(request):
        services.session_cancel(session=session, by=_staff(request))
        messages.success(request, "The session is cancelled. The families of the children invited have been emailed.")
    return redirect("live:session_detail", session.code)


@parent_required
def demo_room(request: HttpRequest, code: str) -> HttpResponse:
    """The demonstration meeting room: only for an admitted child, while the session is open."""
    invite = get_invitation_for_carer(viewer_of(request), code, now=clock.now())
    if invite.status != Invitation.Status.ADMITTED or invite.session.provider != "demo":
        raise Http404("No such meeting room.")
    return render(request, "live/demo_room.html", {"invitation": invite, "session": invite.session})


@parent_required
def invitation_calendar(request: HttpRequest, code: str) -> HttpResponse:
    """The session as a calendar file, for the carer of the child, until the session ends."""
    invite = get_invitation_for_carer(viewer_of(request), code, now=clock.now(), before_opening=True)
    link = settings.SITE_URL + reverse("live:invitation", args=[invite.code])
    response = HttpResponse(invitation_ics(invitation=invite, link=link), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="live-session.ics"'
    return response


@require_POST
@staff_required()
def staff_join(request: HttpRequest, code: str) -> HttpResponse:
    session = get_session_for_staff(viewer_of(request), code)
    try:
        url = services.staff_join_url(session=session, by=_staff(request))
    except ServiceError as exc:
        messages.error(request, str(exc))
        return redirect("live:session_detail", session.code)
    return redirect(url)


@staff_required()
def staff_room(request: HttpRequest, code: str) -> HttpResponse:
    """The demonstration meeting room as the host or monitor sees it."""
    session = get_session_for_staff(viewer_of(request), code)
    staff = _staff(request)
    if session.provider != "demo" or staff.pk not in (session.host_id, session.monitor_id):
        raise Http404("No such meeting room.")
    if not session.is_open(clock.now()):
        raise Http404("No such meeting room.")
    admitted = [i for i in selectors.session_invitations(session) if i.status == Invitation.Status.ADMITTED]
    return render(request, "live/staff_room.html", {"session": session, "admitted": admitted})


@staff_required()
def ban_new(request: HttpRequest, pupil_code: str) -> HttpResponse:
    """Deny a child (or family) live sessions for a period (LIV-11), from a session or from the bans page."""
    viewer = viewer_of(request)
    staff = _staff(request)
    session: LiveSession | None = None
    session_code = request.GET.get("session", "")
    if session_code:
        session = get_session_for_staff(viewer, session_code)
        invitation = session.invitations.select_related("pupil__school_class", "pupil__school").filter(
            pupil__code=pupil_code
        )
        found = invitation.first()
        if found is None:
            raise Http404("No such child in this session.")
        pupil = found.pupil
    else:
        pupil = get_pupil_for_staff(viewer, pupil_code)
    form = BanForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refusal_on_form(form):
            bans = services.ban_create(
                pupil=pupil,
                by=staff,
                days=data["days"],
                reason=data["reason"],
                session=session,
                whole_family=data["whole_family"],
            )
            names = ", ".join(b.pupil.first_name for b in bans)
            messages.success(
                request,
                f"{names} cannot join live sessions until {timezone.localtime(bans[0].ends_at):%-d %B %Y}. "
                "The family has been told and a follow-up call is on the class teacher's list.",
            )
            if data["raise_concern"]:
                query = urlencode(
                    {
                        "pupil": pupil.code,
                        "source_type": "live_session" if session else "live_ban",
                        "source_code": session.code if session else bans[0].code,
                    }
                )
                return redirect(reverse("safeguarding:concern_raise") + "?" + query)
            if session is not None:
                return redirect("live:session_detail", session.code)
            return redirect("live:ban_list")
    status = 400 if request.method == "POST" else 200
    return render(request, "live/ban_new.html", {"form": form, "pupil": pupil, "session": session}, status=status)


@staff_required()
def ban_list(request: HttpRequest) -> HttpResponse:
    bans = selectors.bans_for_staff(viewer_of(request), now=clock.now())
    return render(request, "live/ban_list.html", {"bans": bans})


@require_POST
@staff_required()
def ban_lift(request: HttpRequest, code: str) -> HttpResponse:
    viewer = viewer_of(request)
    ban = LiveBan.objects.filter(code=code, pupil__in=pupils_visible_to(viewer)).select_related("pupil").first()
    if ban is None:
        raise Http404("No such ban.")
    with refusal_as_message(request):
        services.ban_lift(ban=ban, by=_staff(request))
        messages.success(request, f"{ban.pupil.first_name} can join live sessions again.")
    return redirect("live:ban_list")


@staff_required(*services.RECIPIENT_ROLES)
def recipient_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.pupils_with_recipients(viewer_of(request))
    return render(request, "live/recipient_list.html", {"rows": rows})


@staff_required(*services.RECIPIENT_ROLES)
def recipient_change(request: HttpRequest, pupil_code: str) -> HttpResponse:
    """The office sends a child's invitations to another of the child's carers (LIV-09)."""
    pupil = get_pupil_for_staff(viewer_of(request), pupil_code)
    carers = selectors.carers_of(pupil)
    current = services.invitation_recipient(pupil)
    form = RecipientForm(
        request.POST if request.method == "POST" else None,
        carers=carers,
        initial={"carer": current.code if current else None},
    )
    if request.method == "POST" and form.is_valid():
        with refusal_on_form(form):
            services.recipient_set(
                pupil=pupil, carer=form.cleaned_data["carer"], by=_staff(request), note=form.cleaned_data["note"]
            )
            messages.success(
                request,
                f"{pupil.first_name}'s live session invitations now go to {form.cleaned_data['carer'].full_name}.",
            )
            return redirect("live:recipient_list")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "live/recipient_change.html", {"form": form, "pupil": pupil, "current": current}, status=status
    )


@staff_required(Role.HEADTEACHER)
def live_settings(request: HttpRequest) -> HttpResponse:
    """The headteacher chooses the school's video service among those set up on the server."""
    staff = _staff(request)
    default = default_provider_name()
    choices = [("", f"The server's default ({PROVIDER_LABELS.get(default, default)})")] + [
        (name, PROVIDER_LABELS[name]) for name in configured_providers()
    ]
    current = selectors.chosen_provider(staff.school)
    form = LiveSettingsForm(
        request.POST if request.method == "POST" else None, choices=choices, initial={"provider": current or ""}
    )
    if request.method == "POST" and form.is_valid():
        with refusal_on_form(form):
            services.live_settings_change(school=staff.school, by=staff, provider=form.cleaned_data["provider"])
            messages.success(request, "The video service for new live sessions has been saved.")
            return redirect("live:live_settings")
    status = 400 if request.method == "POST" else 200
    in_use = services.provider_for_school(staff.school)
    return render(
        request,
        "live/live_settings.html",
        {"form": form, "in_use": PROVIDER_LABELS.get(in_use, in_use)},
        status=status,
    )
