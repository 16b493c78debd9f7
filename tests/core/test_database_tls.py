"""TLS to a street's PostgreSQL: [database] sslmode / sslrootcert reach the app's connections and
its pg_dump, a wrong authority is refused, and doctor says whether the connection is encrypted.

The test server (scripts/test-postgres.sh) serves a self-signed certificate for 127.0.0.1.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest
from backends import PG_URL
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from station.backup.postgres import run_pg_tool
from station.config import load_settings
from station.db import database_url
from station.doctor import run_checks, tls_check
from station.errors import ConfigError, DatabaseError


@pytest.fixture(scope="module")
def server_certificate(tmp_path_factory) -> Path:
    """A copy of the test server's certificate (its own authority: it is self-signed)."""
    if not PG_URL:
        if os.environ.get("STATION_REQUIRE_PG"):
            pytest.fail("STATION_TEST_PG_URL is not set but PostgreSQL tests are required")
        pytest.skip("PostgreSQL not configured (STATION_TEST_PG_URL)")
    engine = create_engine(PG_URL)
    with engine.connect() as connection:
        assert connection.execute(text("show ssl")).scalar() == "on", "the test server runs without TLS"
        folder = Path(connection.execute(text("show data_directory")).scalar())
        name = connection.execute(text("show ssl_cert_file")).scalar()
    engine.dispose()
    copy = tmp_path_factory.mktemp("tls") / "street-ca.crt"
    shutil.copyfile(folder / name, copy)
    return copy


def stranger_certificate(path: Path) -> Path:
    """A self-signed certificate of some other authority."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "not the street")])
    now = dt.datetime.now(dt.UTC)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(now)
                   .not_valid_after(now + dt.timedelta(days=1)).sign(key, hashes.SHA256()))
    path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return path


def station_toml(folder: Path, url: str, tls: str) -> Path:
    path = folder / "station.toml"
    path.write_text('[station]\ncommunity = "测试社区"\ncommunity_code = "T01"\n'
                    f'[database]\nurl = "{url}"\n{tls}', encoding="utf-8")
    return path


def tls_line(config: Path) -> tuple[str, str]:
    checks = {check.name: check for check in run_checks(config)}
    if "传输加密" not in checks:
        return checks["数据库"].status, checks["数据库"].detail
    return checks["传输加密"].status, checks["传输加密"].detail


def test_verify_full_with_the_streets_authority_connects_encrypted(server_certificate, tmp_path):
    shutil.copyfile(server_certificate, tmp_path / "street-ca.crt")
    config = station_toml(tmp_path, PG_URL, 'sslmode = "verify-full"\nsslrootcert = "street-ca.crt"\n')
    url, _ = database_url(load_settings(config))
    assert url.query["sslmode"] == "verify-full"
    assert url.query["sslrootcert"] == str(tmp_path / "street-ca.crt")  # relative to station.toml
    assert tls_line(config) == ("ok", "连接已加密(TLS)")


def test_another_authority_is_refused_by_the_app_and_by_pg_dump(server_certificate, tmp_path):
    stranger_certificate(tmp_path / "other.crt")
    config = station_toml(tmp_path, PG_URL, 'sslmode = "verify-full"\nsslrootcert = "other.crt"\n')
    status, detail = tls_line(config)
    assert status == "fail" and "certificate verify failed" in detail
    url, _ = database_url(load_settings(config))
    with pytest.raises(DatabaseError) as refused:
        run_pg_tool("pg_dump", url, "--schema-only")
    assert "certificate verify failed" in refused.value.render()
    right = url.update_query_dict({"sslrootcert": str(server_certificate)})
    run_pg_tool("pg_dump", right, "--schema-only")  # the same tool, the right authority: it connects


def test_a_local_server_without_tls_is_fine_and_a_remote_one_is_warned_about(server_certificate, tmp_path):
    config = station_toml(tmp_path, PG_URL, 'sslmode = "disable"\n')
    assert tls_line(config) == ("ok", "本机数据库服务器,数据不经过网络")
    remote = tls_check("10.20.30.40", tls=False)
    assert remote.status == "warn" and "10.20.30.40" in remote.detail and "verify-full" in remote.detail
    assert tls_check("db.street.example", tls=True).status == "ok"
    assert tls_check("/var/run/postgresql", tls=False).status == "ok"  # a unix socket


def test_tls_settings_are_checked_when_the_config_is_read(tmp_path):
    with pytest.raises(ConfigError) as bad_mode:
        load_settings(station_toml(tmp_path, "postgresql://station@db.example/station", 'sslmode = "yes"\n'))
    assert "sslmode" in bad_mode.value.render() and "verify-full" in bad_mode.value.render()
    with pytest.raises(ConfigError) as sqlite:
        load_settings(station_toml(tmp_path, "sqlite:///data/station.db", 'sslmode = "require"\n'))
    assert "PostgreSQL" in sqlite.value.render()
    assert make_url(str(database_url(load_settings(
        station_toml(tmp_path, "postgresql://station@db.example/station", "")))[0])).query == {}
