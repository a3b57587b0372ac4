"""Media in S3-compatible storage, against a local fake S3 (moto's server on loopback): no cloud account needed."""

from __future__ import annotations

import boto3
import pytest
from django.core.files.base import ContentFile
from moto.server import ThreadedMotoServer
from storages.backends.s3 import S3Storage

from tests.smtp import _free_port

KEYS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing", "region_name": "eu-west-2"}


@pytest.fixture
def fake_s3():
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    client = boto3.client("s3", endpoint_url=endpoint, **KEYS)
    client.create_bucket(Bucket="trust-media", CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
    try:
        yield endpoint, client
    finally:
        server.stop()


def test_an_upload_is_stored_privately_in_the_bucket_and_read_back(fake_s3):
    endpoint, client = fake_s3
    # The same options settings.py builds for MEDIA_STORAGE=s3.
    storage = S3Storage(
        bucket_name="trust-media",
        endpoint_url=endpoint,
        region_name="eu-west-2",
        access_key="testing",
        secret_key="testing",
        location="school-a",
        default_acl="private",
        querystring_auth=True,
        file_overwrite=False,
    )
    name = storage.save("journal/photo.jpg", ContentFile(b"\xff\xd8 a photo"))
    again = storage.save("journal/photo.jpg", ContentFile(b"\xff\xd8 another photo"))
    assert again != name  # file_overwrite=False: a second upload never replaces the first
    with storage.open(name) as fh:
        assert fh.read() == b"\xff\xd8 a photo"
    grants = client.get_object_acl(Bucket="trust-media", Key=f"school-a/{name}")["Grants"]
    assert all(g["Grantee"].get("URI", "").endswith("AllUsers") is False for g in grants)
    assert "X-Amz-Signature=" in storage.url(name) or "Signature=" in storage.url(name)
    storage.delete(name)
    assert not storage.exists(name)
