from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path

from homelearning.core import views as core_views
from homelearning.learning import offline

# A lost database connection shows "back in a moment" (503), not the error page.
handler500 = "homelearning.core.health.server_error"


def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    # Resolved per request: the hashed name exists only once collectstatic has run.
    return HttpResponsePermanentRedirect(static("homelearning/favicon.ico"))


urlpatterns = [
    path("", core_views.home, name="home"),
    # Browsers ask for /favicon.ico whatever the page says; the icon is a static file.
    path("favicon.ico", favicon),
    # Today's plan offline: the service worker must be served from the root to keep pages site-wide.
    path("sw.js", offline.service_worker, name="service_worker"),
    path("manifest.webmanifest", offline.manifest, name="manifest"),
    path("accounts/", include("allauth.urls")),
    path("api/", include("homelearning.api.urls")),
    path("", include("homelearning.core.urls")),
    path("", include("homelearning.people.urls")),
    path("", include("homelearning.provision.urls")),
    path("", include("homelearning.texts.urls")),
    path("", include("homelearning.engagement.urls")),
    path("", include("homelearning.sso.urls_pages")),
    path("", include("homelearning.roster.urls")),
    path("", include("homelearning.safeguarding.urls")),
    path("", include("homelearning.learning.urls")),
    path("", include("homelearning.live.urls")),
    path("", include("homelearning.journal.urls")),
    path("", include("homelearning.packs.urls")),
    path("", include("homelearning.contact.urls")),
    path("", include("homelearning.privacy.urls")),
]
