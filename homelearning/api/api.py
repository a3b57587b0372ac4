"""The JSON API at /api/v1/: read-only, bearer tokens, scoped exactly like the web pages."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Field, NinjaAPI, Query, Schema
from ninja.errors import AuthenticationError, Throttled
from ninja.pagination import LimitOffsetPagination, paginate

from homelearning.api.auth import ApiTokenAuth, TokenExpired, caller_of
from homelearning.api.schemas import ClassOut, MeOut, PupilOut
from homelearning.api.selectors import pupils_for_api
from homelearning.api.throttle import TokenRateThrottle
from homelearning.core.audit import audit
from homelearning.people.access import classes_visible_to, get_class_for_staff, pupils_visible_to
from homelearning.people.models import Pupil, SchoolClass
from homelearning.people.selectors import classes_with_staff

MAX_PAGE_SIZE = 100


class PupilPagination(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(MAX_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description=f"At most {MAX_PAGE_SIZE}.")
        offset: int = Field(0, ge=0)


api = NinjaAPI(
    # Nested inside the "api" namespace of homelearning/api/urls.py; ninja reverses its own
    # URLs (for the OpenAPI paths) through this full name.
    urls_namespace="api:api-v1",
    title="Home Learning API",
    version="1",
    description="Read-only access to your school's classes and pupils, as a member of staff. "
    "Send `Authorization: Bearer <token>`; make tokens on the API tokens page.",
    docs_url=None,
    auth=ApiTokenAuth(),
    throttle=[TokenRateThrottle()],
)


@api.exception_handler(Throttled)
def throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    response = api.create_response(request, {"detail": "Too many requests: slow down and try again."}, status=429)
    response["Retry-After"] = str(max(1, int(exc.wait or 1)))
    return response


@api.exception_handler(AuthenticationError)
def unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    detail = str(exc) if isinstance(exc, TokenExpired) else "A valid API token is needed."
    response = api.create_response(request, {"detail": detail}, status=401)
    response["WWW-Authenticate"] = 'Bearer realm="Home Learning"'
    return response


@api.get("/me", response=MeOut, url_name="me", summary="Who the token acts as")
def me(request: HttpRequest) -> dict[str, object]:
    caller = caller_of(request)
    staff = caller.token.staff
    return {
        "email": staff.user.email,
        "name": staff.full_name,
        "school": staff.school,
        "roles": sorted(caller.viewer.roles),
    }


@api.get("/classes", response=list[ClassOut], url_name="classes", summary="Classes you work with")
def classes(request: HttpRequest) -> list[SchoolClass]:
    return classes_with_staff(classes_visible_to(caller_of(request).viewer))


@api.get("/pupils", response=list[PupilOut], url_name="pupils", summary="Pupils on roll you may see")
@paginate(PupilPagination, max_limit=MAX_PAGE_SIZE)
def pupils(
    request: HttpRequest, class_code: str | None = Query(None, alias="class", description="Only this class (its code).")
) -> QuerySet[Pupil]:
    caller = caller_of(request)
    viewer = caller.viewer
    pupils = pupils_visible_to(viewer)
    target: SchoolClass | None = None
    if class_code:
        # 404 for a class that is missing and for one the token may not see.
        target = get_class_for_staff(viewer, class_code)
        pupils = pupils.filter(school_class=target)
    # A list of named children leaving the school's systems: every call is on the record.
    audit(
        action="api.pupils.list",
        actor=caller.token.staff.user,
        school=caller.token.staff.school,
        target=target,
        request=request,
        details={"token": caller.token.prefix, "class": class_code or ""},
    )
    return pupils_for_api(pupils)


from homelearning.learning.api import router as learning_router  # noqa: E402 - routers register after the API exists

api.add_router("/", learning_router)

from homelearning.roster.api import router as roster_router  # noqa: E402 - routers register after the API exists

api.add_router("/", roster_router)

from homelearning.provision.api import router as provision_router  # noqa: E402 - routers register after the API exists

api.add_router("/", provision_router)

from homelearning.live.api import router as live_router  # noqa: E402 - routers register after the API exists

api.add_router("/", live_router)

from homelearning.journal.api import router as journal_router  # noqa: E402 - routers register after the API exists

api.add_router("/", journal_router)
