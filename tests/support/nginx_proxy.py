"""A real nginx in front of `prompt-studio serve`, and a test certificate authority in the system trust store.

nginx runs from the Debian package as a foreground subprocess with its own prefix, configuration and logs under a
test folder: TLS with a certificate of a `trustme` authority, HTTP/2, gzip of JSON, a 1 s keep-alive timeout and
a 2 MB body limit, as a company's reverse proxy in front of a self-hosted LangWatch would be. Its access log is
one JSON object a line, with the protocol each request came in on.

The authority is installed the way an administrator installs a company CA on Debian (`/usr/local/share/
ca-certificates` and `update-ca-certificates`), so the app trusts it through the operating system's store and no
`SSL_CERT_FILE`. Both need root and the tools; `missing_for_proxy_tests` says in plain words what is missing.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import secrets
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import trustme

from tests.support.server_process import free_port, wait_for_port

SYSTEM_CA_FOLDER = Path("/usr/local/share/ca-certificates")
SYSTEM_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")
KEEPALIVE_TIMEOUT_SECONDS = 1
BODY_LIMIT = "2m"
REQUESTS_PER_CONNECTION = 1000
"""nginx's default: after as many requests a connection ends (over HTTP/2 with a GOAWAY)."""
_STOP_TIMEOUT = 10.0


def missing_for_proxy_tests() -> str | None:
    """Why the nginx tests cannot run on this machine, in plain words; None when they can."""
    missing = []
    if shutil.which("nginx") is None:
        missing.append("nginx is not installed (apt-get install nginx-light; ./scripts/test does it as root)")
    if shutil.which("update-ca-certificates") is None or not SYSTEM_CA_FOLDER.parent.is_dir():
        missing.append("update-ca-certificates is missing (the Debian package ca-certificates)")
    if os.geteuid() != 0:
        missing.append("installing a test CA into the system trust store needs root")
    return "; ".join(missing) or None


def nginx_version() -> tuple[int, int, int]:
    """nginx's version, from `nginx -v` (which writes it on stderr)."""
    shown = subprocess.run(["nginx", "-v"], capture_output=True, text=True, check=True)
    found = re.search(r"nginx/(\d+)\.(\d+)\.(\d+)", shown.stderr + shown.stdout)
    if found is None:
        raise RuntimeError(f"cannot read nginx's version from {shown.stderr!r}")
    major, minor, patch = (int(part) for part in found.groups())
    return major, minor, patch


def _update_ca_certificates(*arguments: str) -> None:
    done = subprocess.run(["update-ca-certificates", *arguments], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"update-ca-certificates {' '.join(arguments)} failed: {done.stderr or done.stdout}")


@contextlib.contextmanager
def authority_in_system_store(authority: trustme.CA) -> Iterator[Path]:
    """Install `authority` into the system trust store for the duration, as an administrator would on Debian.

    The file has a random name so that runs never meet each other's; at the end it is removed and the store
    rebuilt without it (a plain `update-ca-certificates` drops the certificates whose file is gone).
    """
    installed = SYSTEM_CA_FOLDER / f"prompt-studio-test-{secrets.token_hex(6)}.crt"
    pem = authority.cert_pem.bytes()
    SYSTEM_CA_FOLDER.mkdir(parents=True, exist_ok=True)
    installed.write_bytes(pem)
    try:
        _update_ca_certificates()
        if pem.strip() not in SYSTEM_BUNDLE.read_bytes():
            raise RuntimeError(f"update-ca-certificates did not add {installed} to {SYSTEM_BUNDLE}")
        yield installed
    finally:
        installed.unlink(missing_ok=True)
        _remove_links_to(installed)
        _update_ca_certificates()


def _remove_links_to(installed: Path) -> None:
    """The links update-ca-certificates made for `installed` (its `.pem` and the hash link to that): a plain run
    rebuilds the bundle without the certificate but sweeps dangling links only when it adds or removes one itself.
    Only these links go; `--fresh` would clear every link for a moment, under whatever else uses TLS meanwhile."""
    pem = SYSTEM_BUNDLE.parent / f"{installed.stem}.pem"
    for link in SYSTEM_BUNDLE.parent.iterdir():
        if link.is_symlink() and os.readlink(link) in (str(installed), pem.name, str(pem)):
            link.unlink()
    if pem.is_symlink():
        pem.unlink()


@dataclass
class NginxProxy:
    url: str
    prefix: Path
    access_log: Path
    error_log: Path
    process: subprocess.Popen

    def requests(self) -> list[dict]:
        """Every request nginx has logged so far (it writes each line as the request ends, unbuffered)."""
        if not self.access_log.exists():
            return []
        lines = self.access_log.read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines if line.strip()]

    async def logged(self, matches, timeout: float = 10.0) -> list[dict]:
        """The logged requests that `matches` accepts, once there is one: nginx logs a request when it ends, which
        for an answer sent before the body was read (a 413) is after the client already has that answer."""
        deadline = time.monotonic() + timeout
        while True:
            found = [entry for entry in self.requests() if matches(entry)]
            if found or time.monotonic() > deadline:
                return found
            await asyncio.sleep(0.02)

    def errors(self) -> str:
        return self.error_log.read_text(encoding="utf-8", errors="replace") if self.error_log.exists() else ""

    def stop(self) -> None:
        """A fast shutdown (SIGTERM to the master, which stops its worker), or SIGKILL if it hangs."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=_STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=_STOP_TIMEOUT)


_ACCESS_LOG_FORMAT = (
    '{"time":"$time_iso8601","method":"$request_method","uri":"$request_uri","protocol":"$server_protocol",'
    '"status":"$status","request_length":"$request_length","body_bytes_sent":"$body_bytes_sent",'
    '"gzip_ratio":"$gzip_ratio","connection":"$connection","connection_requests":"$connection_requests",'
    '"user_agent":"$http_user_agent","upstream_status":"$upstream_status"}'
)


def nginx_config(prefix: Path, port: int, upstream_port: int, certificate: Path, key: Path,
                 requests_per_connection: int = REQUESTS_PER_CONNECTION) -> str:
    """The configuration file: everything under `prefix`, listening on 127.0.0.1 only."""
    if nginx_version() >= (1, 25, 1):
        listen = f"listen 127.0.0.1:{port} ssl;\n        http2 on;"
    else:
        listen = f"listen 127.0.0.1:{port} ssl http2;"
    # Run as root, nginx would start its worker as `nobody`, which may not enter the test's folder.
    user = "user root;" if os.geteuid() == 0 else ""
    temp = {name: prefix / "temp" / name for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")}
    for folder in temp.values():
        folder.mkdir(parents=True, exist_ok=True)
    return f"""
{user}
worker_processes 1;
pid {prefix / "nginx.pid"};
error_log {prefix / "logs" / "error.log"} info;

events {{
    worker_connections 128;
}}

http {{
    log_format probe escape=json '{_ACCESS_LOG_FORMAT}';
    access_log {prefix / "logs" / "access.log"} probe;

    client_body_temp_path {temp["client_body"]};
    proxy_temp_path {temp["proxy"]};
    fastcgi_temp_path {temp["fastcgi"]};
    uwsgi_temp_path {temp["uwsgi"]};
    scgi_temp_path {temp["scgi"]};

    keepalive_timeout {KEEPALIVE_TIMEOUT_SECONDS}s;
    keepalive_requests {requests_per_connection};
    client_max_body_size {BODY_LIMIT};

    gzip on;
    gzip_types application/json;
    gzip_min_length 1;

    server {{
        {listen}
        server_name localhost 127.0.0.1;

        ssl_certificate {certificate};
        ssl_certificate_key {key};
        ssl_protocols TLSv1.2 TLSv1.3;

        location / {{
            proxy_pass http://127.0.0.1:{upstream_port};
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header X-Forwarded-Proto https;
            proxy_connect_timeout 2s;
            proxy_read_timeout 30s;
        }}
    }}
}}
"""


@contextlib.contextmanager
def running_nginx(prefix: Path, upstream_port: int, certificate: trustme.LeafCert,
                  requests_per_connection: int = REQUESTS_PER_CONNECTION) -> Iterator[NginxProxy]:
    """nginx in the foreground (`daemon off;`, its master a child of the test) in front of 127.0.0.1:`upstream_port`,
    stopped at the end."""
    (prefix / "logs").mkdir(parents=True, exist_ok=True)
    certificate_file, key_file = prefix / "server.crt", prefix / "server.key"
    certificate_file.write_bytes(b"".join(pem.bytes() for pem in certificate.cert_chain_pems))
    certificate.private_key_pem.write_to_path(str(key_file))
    key_file.chmod(0o600)
    port = free_port()
    config = prefix / "nginx.conf"
    config.write_text(nginx_config(prefix, port, upstream_port, certificate_file, key_file, requests_per_connection),
                      encoding="utf-8")
    output = (prefix / "logs" / "nginx-output.log").open("wb")
    process = subprocess.Popen(
        ["nginx", "-p", str(prefix), "-c", str(config), "-g", "daemon off;"],
        stdout=output, stderr=subprocess.STDOUT,
    )
    proxy = NginxProxy(f"https://127.0.0.1:{port}", prefix, prefix / "logs" / "access.log",
                       prefix / "logs" / "error.log", process)
    try:
        try:
            wait_for_port(port, timeout=10.0, process=process)
        except (RuntimeError, TimeoutError) as error:
            time.sleep(0.1)
            said = (prefix / "logs" / "nginx-output.log").read_text(errors="replace") + proxy.errors()
            raise type(error)(f"nginx did not start: {error}. It said:\n{said[-2000:]}") from None
        yield proxy
    finally:
        proxy.stop()
        output.close()
