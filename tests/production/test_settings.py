"""Production settings: static files, media storage chosen by a setting, JSON logs, the health exemption."""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys

import pytest

from homelearning.core.logs import JsonFormatter
from tests.production.helpers import ROOT

PRINT_SETTINGS = """
import json, django
django.setup()
from django.conf import settings
from django.core.files.storage import storages
default = storages["default"]
print(json.dumps({
    "default": type(default).__module__ + "." + type(default).__name__,
    "static": settings.STORAGES["staticfiles"]["BACKEND"],
    "bucket": getattr(default, "bucket_name", None),
    "endpoint": getattr(default, "endpoint_url", None),
    "acl": getattr(default, "default_acl", "n/a"),
    "overwrite": getattr(default, "file_overwrite", "n/a"),
    "log": settings.LOGGING["handlers"]["console"]["formatter"],
    "middleware": settings.MIDDLEWARE[:2],
}))
"""

PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "homelearning.settings",
    "DEBUG": "false",
    "SECRET_KEY": "x" * 60,
    "ALLOWED_HOSTS": "learning.example.org",
    "DATABASE_URL": "postgres://hl@db.internal:5432/homelearning",
}


def settings_with(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("MEDIA_", "STATIC_", "LOG_"))}
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", PRINT_SETTINGS],
        cwd=ROOT,
        env={**clean, **PRODUCTION, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_defaults_are_whitenoise_manifest_local_media_and_json_logs():
    result = settings_with()
    assert result.returncode == 0, result.stderr
    built = json.loads(result.stdout)
    assert built["static"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert built["default"] == "django.core.files.storage.filesystem.FileSystemStorage"
    assert built["log"] == "json"
    assert built["middleware"][1] == "whitenoise.middleware.WhiteNoiseMiddleware"


def test_media_storage_s3_builds_a_private_s3_storage_from_the_environment():
    result = settings_with(
        MEDIA_STORAGE="s3",
        MEDIA_S3_BUCKET="trust-media",
        MEDIA_S3_ENDPOINT_URL="https://s3.example.net",
        MEDIA_S3_ACCESS_KEY_ID="AKIAEXAMPLE",
        MEDIA_S3_SECRET_ACCESS_KEY="example-secret",
    )
    assert result.returncode == 0, result.stderr
    built = json.loads(result.stdout)
    assert built["default"] == "storages.backends.s3.S3Storage"
    assert built["bucket"] == "trust-media"
    assert built["endpoint"] == "https://s3.example.net"
    assert built["acl"] == "private"
    assert built["overwrite"] is False


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"MEDIA_STORAGE": "ftp"}, "MEDIA_STORAGE must be local or s3"),
        ({"MEDIA_STORAGE": "s3"}, "MEDIA_S3_BUCKET must be set"),
        ({"LOG_FORMAT": "xml"}, "LOG_FORMAT must be json or plain"),
        ({"STATIC_MANIFEST": "perhaps"}, "STATIC_MANIFEST must be true or false"),
    ],
)
def test_a_bad_storage_or_log_setting_stops_start_up_naming_the_variable(env, message):
    result = settings_with(**env)
    assert result.returncode != 0
    assert message in result.stderr


def test_json_log_lines_carry_the_fields_and_never_the_request_object():
    class FakeRequest:
        path = "/journal/child/abc/"
        method = "POST"
        COOKIES = {"sessionid": "secret-session"}

    record = logging.makeLogRecord(
        {"name": "django.request", "levelname": "ERROR", "levelno": 40, "msg": "Failed %s", "args": ("upload",)}
    )
    record.request = FakeRequest()
    record.status_code = 500
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "Failed upload"
    assert line["level"] == "ERROR"
    assert line["logger"] == "django.request"
    assert line["path"] == "/journal/child/abc/"
    assert line["status_code"] == 500
    assert "secret-session" not in json.dumps(line)
    assert line["time"].endswith("+00:00")


SERVE_STATIC = """
import json, django
django.setup()
from django.core.management import call_command
call_command("collectstatic", interactive=False, verbosity=0)
from django.templatetags.static import static
from django.test import Client
client = Client()
url = static("homelearning/site.css")
css = client.get(url, secure=True)
print(json.dumps({
    "url": url,
    "status": css.status_code,
    "cache": css.get("Cache-Control", ""),
    "gzip": client.get(url, secure=True, headers={"Accept-Encoding": "gzip"}).get("Content-Encoding", ""),
    "health_http": client.get("/health/").status_code,
    "home_http": client.get("/").status_code,
}))
"""


def test_collected_static_files_are_served_hashed_compressed_and_cached_for_ever(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("MEDIA_", "STATIC_", "LOG_", "SECURE_"))},
        **PRODUCTION,
        "ALLOWED_HOSTS": "testserver",
        "STATIC_ROOT": str(tmp_path / "static"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", SERVE_STATIC],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    served = json.loads(result.stdout.strip().splitlines()[-1])
    assert re.fullmatch(r"/static/homelearning/site\.[0-9a-f]{12}\.css", served["url"])
    assert served["status"] == 200
    assert "immutable" in served["cache"]
    assert served["gzip"] == "gzip"
    assert served["home_http"] == 301  # everything else goes to HTTPS ...
    assert served["health_http"] == 503  # ... but the load balancer's probe is answered (no tables here: 503)
