"""Which certificate authorities the app trusts: the operating system's, as the browser does.

A self-hosted LangWatch behind a company CA works in the browser because the CA is installed on the machine;
through `truststore` the app trusts the same store (Windows, macOS, and the Linux bundle `ca-certificates`
keeps). Only a machine with no store at all falls back to certifi's bundle. Nothing here can turn checks off.
"""

from __future__ import annotations

import os
import ssl
import sys

import certifi
import truststore

# Where Linux distributions keep the system bundle (the same places truststore looks).
_LINUX_BUNDLES = (
    "/etc/ssl/cert.pem",
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
    "/etc/pki/tls/cert.pem",
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/ssl/ca-bundle.pem",
)

# OpenSSL's verification error codes, by what a prompt author is told.
_EXPIRED = {9: "is not valid yet", 10: "has expired"}
_WRONG_NAME = {62, 64}  # host name, IP address
_UNKNOWN_AUTHORITY = {2, 18, 19, 20, 21}


def _has_entries(folder: str) -> bool:
    with os.scandir(folder) as entries:
        return any(entries)


def _system_store_present() -> bool:
    if sys.platform in ("win32", "darwin"):
        return True
    defaults = ssl.get_default_verify_paths()
    has_directory = bool(defaults.capath) and os.path.isdir(defaults.capath) and _has_entries(defaults.capath)
    return bool(defaults.cafile) or has_directory or any(os.path.isfile(path) for path in _LINUX_BUNDLES)


def trust_context() -> ssl.SSLContext:
    """A client context that verifies certificates and host names against the system's authorities."""
    if _system_store_present():
        return truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    return ssl.create_default_context(cafile=certifi.where())


def certificate_problem(error: BaseException, host: str) -> str | None:
    """Why a certificate was refused, in plain words, or None when `error` is no certificate failure."""
    cause: BaseException | None = error
    while cause is not None and not isinstance(cause, ssl.SSLCertVerificationError):
        cause = cause.__cause__ or cause.__context__
    if cause is None:
        return None
    code = getattr(cause, "verify_code", None)
    if code in _EXPIRED:
        return (f"the certificate of {host} {_EXPIRED[code]}, so the connection cannot be trusted. "
                "Ask the server's administrator to renew it.")
    if code in _WRONG_NAME:
        return (f"the certificate the server showed is not for {host}, so it may not be the server you meant. "
                "Check the address.")
    if code in _UNKNOWN_AUTHORITY:
        return (f"the certificate of {host} is not signed by an authority this computer trusts. If your "
                "organisation uses its own certificate authority, install it in the system's certificate store "
                "(as for your browser).")
    return f"the certificate of {host} was refused ({getattr(cause, 'verify_message', '') or cause})."
