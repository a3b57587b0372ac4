"""Settings come from the environment and fail loudly, naming the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from homelearning.env import env_bool, env_int, env_list, env_secret

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "x" * 50


def run_django(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "SECRET_", "DEBUG", "DEMO"))
    }
    clean.pop("ALLOWED_HOSTS", None)
    clean.pop("SECURE_SSL_REDIRECT", None)
    clean.update(env)
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_env_bool_rejects_nonsense(monkeypatch):
    monkeypatch.setenv("DEBUG", "perhaps")
    with pytest.raises(ImproperlyConfigured, match="DEBUG must be true or false"):
        env_bool("DEBUG")


def test_env_int_names_the_variable(monkeypatch):
    monkeypatch.setenv("EMAIL_PORT", "twenty-five")
    with pytest.raises(ImproperlyConfigured, match="EMAIL_PORT must be a whole number"):
        env_int("EMAIL_PORT", 25)
    monkeypatch.setenv("EMAIL_PORT", "0")
    with pytest.raises(ImproperlyConfigured, match="EMAIL_PORT must be at least 1"):
        env_int("EMAIL_PORT", 25, minimum=1)


def test_env_list_splits_on_commas(monkeypatch):
    monkeypatch.setenv("ALLOWED_HOSTS", " a.example , b.example,, ")
    assert env_list("ALLOWED_HOSTS", []) == ["a.example", "b.example"]


def test_secret_from_a_file(monkeypatch, tmp_path):
    secret = tmp_path / "key"
    secret.write_text("s3cret-from-file\n")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("SECRET_KEY_FILE", str(secret))
    assert env_secret("SECRET_KEY") == "s3cret-from-file"
    monkeypatch.setenv("SECRET_KEY_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY_FILE names"):
        env_secret("SECRET_KEY")
    monkeypatch.setenv("SECRET_KEY", "also-set")
    with pytest.raises(ImproperlyConfigured, match="not both"):
        env_secret("SECRET_KEY")


def test_production_refuses_to_start_without_a_secret_key():
    result = run_django({"DATABASE_URL": "sqlite:///:memory:", "ALLOWED_HOSTS": "school.example"}, "check")
    assert result.returncode != 0
    assert "SECRET_KEY (or SECRET_KEY_FILE) must be set" in result.stderr


def test_production_refuses_to_start_without_a_database_url():
    result = run_django({"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "school.example"}, "check")
    assert result.returncode != 0
    assert "DATABASE_URL must be set" in result.stderr


def test_a_bad_database_url_is_named():
    result = run_django(
        {"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "school.example", "DATABASE_URL": "mysql://x@y/z"}, "check"
    )
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


def test_check_deploy_passes_in_production_mode():
    result = run_django(
        {
            "SECRET_KEY": "Zq8-vT3mW0pLr7Yx2Nb5Kc9Hd4Gf1Js6Ua0Ei3Oo8Rt5Yw2Pq7Ls4Dk9Fj3Mx1",
            "ALLOWED_HOSTS": "school.example",
            "DATABASE_URL": "sqlite:///:memory:",
        },
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stderr + result.stdout


def test_demo_mode_needs_debug():
    result = run_django(
        {"DEMO_MODE": "true", "SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "x", "DATABASE_URL": "sqlite:///:memory:"},
        "check",
    )
    assert result.returncode != 0
    assert "DEMO_MODE needs DEBUG=true" in result.stderr


def test_an_unknown_video_provider_is_named():
    result = run_django({"DEBUG": "true", "LIVE_PROVIDER": "zoom"}, "check")
    assert result.returncode != 0
    assert "LIVE_PROVIDER must be demo, bigbluebutton or teams" in result.stderr


def test_bigbluebutton_needs_its_address_and_secret():
    result = run_django({"DEBUG": "true", "LIVE_PROVIDER": "bigbluebutton"}, "check")
    assert result.returncode != 0
    assert "needs LIVE_BBB_URL and LIVE_BBB_SECRET" in result.stderr


def test_an_unknown_bigbluebutton_checksum_is_named():
    result = run_django({"DEBUG": "true", "LIVE_BBB_CHECKSUM": "md5"}, "check")
    assert result.returncode != 0
    assert "LIVE_BBB_CHECKSUM must be sha1, sha256, sha384 or sha512, not 'md5'" in result.stderr
