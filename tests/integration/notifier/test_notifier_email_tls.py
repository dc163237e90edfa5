"""E-mail over TLS for real: STARTTLS and implicit TLS with AUTH against a real aiosmtpd
holding a throwaway certificate from a throwaway CA (made here with ``cryptography``).

Certificates are verified by default; ``smtp.ca_file`` trusts a private CA. A certificate
that does not verify, or a server that does not offer STARTTLS, is one clear line and a
retry: nothing is ever sent in plain text instead.
"""

from __future__ import annotations

import ipaddress
import json
import ssl
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from bea_tracker.demo.sinks import SmtpSink
from db.records import FigureRecord, ReleaseRecord
from db.store import Fetched, store_snapshot

USER, PASSWORD = "alerts", "correct horse battery staple"


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


@pytest.fixture(scope="module")
def pki(tmp_path_factory) -> dict[str, Path]:
    """A CA and a server certificate for 127.0.0.1 it signed, as PEM files."""
    folder = tmp_path_factory.mktemp("pki")
    now = datetime.now(timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (x509.CertificateBuilder().subject_name(_name("bea-tracker test CA"))
          .issuer_name(_name("bea-tracker test CA")).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number())
          .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + timedelta(days=1))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(x509.KeyUsage(True, False, False, False, False, True, True, False,
                                       False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()),
                         critical=False)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder().subject_name(_name("127.0.0.1"))
            .issuer_name(ca.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]),
                critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]),
                           critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    files = {"ca": folder / "ca.pem", "cert": folder / "server.pem", "key": folder / "key.pem"}
    files["ca"].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    files["cert"].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    files["key"].write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                               serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()))
    return files


def server_context(pki: dict[str, Path]) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(pki["cert"], pki["key"])
    return context


@pytest.fixture(params=["starttls", "implicit"])
def tls_sink(request, pki) -> Iterator[SmtpSink]:
    with SmtpSink(credentials=(USER, PASSWORD), tls=request.param,
                  ssl_context=server_context(pki)) as sink:
        sink.mode = request.param
        yield sink


def smtp_config(sink: SmtpSink, mode: str, ca_file: Path | None) -> dict:
    return {"smtp": {"host": "127.0.0.1", "port": sink.port, "username": USER,
                     "password_env": "BEA_TEST_SMTP_PASSWORD", "from": "alerts@example.org",
                     "starttls": mode == "starttls", "ssl": mode == "implicit",
                     "timeout": "10s", "ca_file": str(ca_file) if ca_file else None},
            "delivery": {"backoff": "1s", "backoff_max": "2s"}}


@pytest.fixture(autouse=True)
def password(monkeypatch) -> None:
    monkeypatch.setenv("BEA_TEST_SMTP_PASSWORD", PASSWORD)


def subscribe_and_test(cli, config: Path):
    added = cli("subscribe", "add", "--email", "economist@example.com", config=config)
    assert added.exit_code == 0, added.stderr
    return cli("subscribe", "test", "1", config=config)


def test_tls_with_auth_and_a_private_ca_delivers(cli, write_config, tls_sink, pki):
    config = write_config(smtp_config(tls_sink, tls_sink.mode, pki["ca"]))

    result = subscribe_and_test(cli, config)

    assert result.exit_code == 0, result.stderr
    [mail] = tls_sink.wait_for(1)
    assert mail.tls is True and mail.login == USER
    assert mail.rcpt_tos == ["economist@example.com"]


def test_an_untrusted_certificate_is_one_line_and_nothing_is_sent(cli, write_config,
                                                                  tls_sink):
    config = write_config(smtp_config(tls_sink, tls_sink.mode, None))  # system CAs only

    result = subscribe_and_test(cli, config)

    assert result.exit_code == 1
    # (the in-process SMTP server's own log, with its handshake traceback, shares stderr)
    lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1 and "TLS certificate not trusted" in lines[0], result.stderr
    assert "set smtp.ca_file" in lines[0]
    assert tls_sink.messages == []


def test_an_untrusted_certificate_is_retried_by_notify(cli, write_config, tls_sink, pki,
                                                       database):
    config = write_config(smtp_config(tls_sink, tls_sink.mode, None))
    assert cli("subscribe", "add", "--email", "economist@example.com",
               config=config).exit_code == 0
    url = "https://www.bea.gov/news/2026/gdp-advance-estimate-3rd-quarter-2026"
    record = ReleaseRecord(url=url, title="GDP (Advance Estimate), 3rd Quarter 2026",
                           released_at=datetime.now(timezone.utc),
                           figures=(FigureRecord("real_gdp", "Real GDP", "2026Q3", "advance",
                                                 2.0, "percent_saar", 1.5, "2026Q2"),))
    with database.unit_of_work() as session:
        store_snapshot(session, Fetched(url, b"<html>gdp</html>", datetime.now(timezone.utc)),
                       record)

    first = cli("notify", "--once", config=config)

    assert first.exit_code == 0 and "will retry 1" in first.stdout, first.output
    [row] = json.loads(cli("deliveries", "--json", config=config).stdout)
    assert row["status"] == "pending" and "TLS certificate not trusted" in row["last_error"]
    assert tls_sink.messages == []

    trusted = write_config(smtp_config(tls_sink, tls_sink.mode, pki["ca"]), name="ok.yaml")
    assert cli("deliveries", "retry", str(row["id"]), config=trusted).exit_code == 0
    second = cli("notify", "--once", config=trusted)
    assert "delivered 1" in second.stdout, second.output
    assert tls_sink.wait_for(1)[0].tls is True


def test_starttls_not_offered_is_never_plain_text(cli, write_config, pki):
    with SmtpSink(credentials=(USER, PASSWORD)) as plain:  # no TLS at all
        config = write_config(smtp_config(plain, "starttls", pki["ca"]))

        result = subscribe_and_test(cli, config)

        assert result.exit_code == 1
        assert "does not offer STARTTLS; not sending in plain text" in result.stderr
        assert plain.messages == []


def test_a_ca_file_that_is_not_pem_is_a_config_error(cli, write_config, tmp_path):
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate")
    result = cli("status", config=write_config({"smtp": {"ca_file": str(junk)}}, name="b.yaml"))
    assert result.exit_code == 2 and "smtp.ca_file" in result.stderr
