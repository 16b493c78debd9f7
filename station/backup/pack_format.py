"""The backup pack: a backup as compressed, authenticated records (an encrypted SQLite station's,
pack_sqlite, and every PostgreSQL backup, pack_postgres: pg_dump's archive in chunks).

A page copy of an encrypted database cannot be compressed (its pages are random), and most of
the file is indexes a restore can rebuild. A pack holds the schema and every table's rows instead,
as JSON arrays made by SQLite itself, zlib-compressed and sealed with AES-256-GCM, about an
eighth of the live file.

    file    = MAGIC salt(16) key_check(32) record*
    record  = kind(1) meta_length(u32) body_length(u32) meta body
    kind    = H (header: schema, columns) | D (data: one table's rows) | E (end: row counts)
    meta    = JSON in the clear: what a check needs without decompressing (table, rows)
    body    = AES-GCM(zlib(payload)), nonce = the record's number, associated data = MAGIC salt
              number kind meta

The key is HKDF(data key, salt): only the station's data key (for PostgreSQL, a key derived from
its seal key) opens or forges a pack. The key
check (an HMAC of MAGIC and salt under a second derived key) tells a pack made under another key
(a backup from before a rekey, or from another station) from a damaged one. Numbered
nonces under a fresh salt never repeat, and binding the number and kind to each record means
records cannot be dropped, reordered or moved between packs; the end record (which must be
last, followed by nothing) proves the pack complete.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from station.errors import DatabaseError

MAGIC = b"STPACK\x00\x01"
SALT_BYTES = 16
CHECK_BYTES = 32
RECORDS_START = len(MAGIC) + SALT_BYTES + CHECK_BYTES  # where the first record begins
HEADER, DATA, END = b"H", b"D", b"E"
_FRAME = struct.Struct(">cII")
_MAX_META = 1 << 20
_MAX_BODY = 1 << 28  # a record is one chunk of rows, a few MB at most
_MAX_PAYLOAD = 1 << 28  # what one record may inflate to: a crafted body cannot exhaust memory
_COMPRESSION = 1  # zlib's fastest level: four times the speed of the default for a few % of size


@dataclass(frozen=True)
class Record:
    """One opened record: its kind, its clear metadata and its (still compressed) payload."""

    kind: bytes
    meta: dict[str, Any]
    compressed: bytes
    name: str  # the pack's file name and the record's number, for messages
    number: int

    def payload(self) -> bytes:
        """The decompressed payload, refused beyond a size no real chunk reaches."""
        inflater = zlib.decompressobj()
        try:
            payload = inflater.decompress(self.compressed, _MAX_PAYLOAD)
        except zlib.error as error:
            raise DatabaseError("backup.pack_damaged", name=self.name, record=self.number) from error
        if inflater.unconsumed_tail or not inflater.eof:
            raise DatabaseError("backup.pack_damaged", name=self.name, record=self.number)
        return payload


def is_pack(path: Path) -> bool:
    """True when the file starts as a pack does."""
    try:
        with open(path, "rb") as handle:
            return handle.read(len(MAGIC)) == MAGIC
    except OSError:
        return False


def compress(payload: bytes) -> bytes:
    """A payload as records carry it (callers compress on worker threads: zlib frees the GIL)."""
    return zlib.compress(payload, _COMPRESSION)


def _pack_keys(data_key: bytes, salt: bytes) -> tuple[AESGCM, bytes]:
    """The records' AEAD and the key check, both derived from the data key under the salt."""
    derived = HKDF(hashes.SHA256(), 64, salt, b"station backup pack").derive(data_key)
    return AESGCM(derived[:32]), hmac.new(derived[32:], MAGIC + salt, hashlib.sha256).digest()


def _nonce(number: int) -> bytes:
    return number.to_bytes(12, "big")


def _bound(salt: bytes, number: int, kind: bytes, meta: bytes) -> bytes:
    return MAGIC + salt + number.to_bytes(8, "big") + kind + meta


class PackWriter:
    """Writes records in order to an open file, hashing what it writes."""

    def __init__(self, handle: BinaryIO, data_key: bytes) -> None:
        self._handle, self._salt = handle, secrets.token_bytes(SALT_BYTES)
        (self._aead, check), self._number = _pack_keys(data_key, self._salt), 0
        self._digest = hashlib.sha256()
        self._write(MAGIC + self._salt + check)

    def add(self, kind: bytes, meta: dict[str, Any], compressed: bytes) -> None:
        """Seal and append one record (`compressed` from `compress`)."""
        meta_bytes = json.dumps(meta, ensure_ascii=False, separators=(",", ":")).encode()
        body = self._aead.encrypt(_nonce(self._number), compressed,
                                  _bound(self._salt, self._number, kind, meta_bytes))
        self._write(_FRAME.pack(kind, len(meta_bytes), len(body)) + meta_bytes + body)
        self._number += 1

    def sha256(self) -> str:
        return self._digest.hexdigest()

    def _write(self, data: bytes) -> None:
        self._digest.update(data)
        self._handle.write(data)


class PackReader:
    """Reads and opens a pack's records in order; any change, gap or foreign key is refused."""

    def __init__(self, path: Path, data_key: bytes) -> None:
        self.path, self._data_key = path, data_key
        self._digest = hashlib.sha256()

    def records(self) -> Iterator[Record]:
        """Every record, checked, the header first and the end record last; raises DatabaseError."""
        try:
            with open(self.path, "rb") as handle:
                yield from self._records(handle)
        except OSError as error:
            raise DatabaseError("backup.pack_unreadable", name=self.path.name, error=error) from error

    def sha256(self) -> str:
        """The SHA-256 of everything read (the whole file once `records` is exhausted)."""
        return self._digest.hexdigest()

    def _records(self, handle: BinaryIO) -> Iterator[Record]:
        start = self._read(handle, RECORDS_START)
        if start[: len(MAGIC)] != MAGIC:
            raise DatabaseError("backup.not_a_pack", name=self.path.name)
        salt = start[len(MAGIC):len(MAGIC) + SALT_BYTES]
        aead, check = _pack_keys(self._data_key, salt)
        if not hmac.compare_digest(check, start[len(MAGIC) + SALT_BYTES:]):
            raise DatabaseError("backup.pack_wrong_key", name=self.path.name)
        number, kind = 0, b""
        while kind != END:
            kind, meta_bytes, body = self._frame(handle, number)
            if (number == 0) != (kind == HEADER):
                raise self._damaged(number)
            try:
                compressed = aead.decrypt(_nonce(number), body, _bound(salt, number, kind, meta_bytes))
            except InvalidTag:
                raise self._damaged(number) from None
            yield Record(kind, self._meta(meta_bytes, number), compressed, self.path.name, number)
            number += 1
        if handle.read(1):
            raise self._damaged(number)

    def _frame(self, handle: BinaryIO, number: int) -> tuple[bytes, bytes, bytes]:
        kind, meta_length, body_length = _FRAME.unpack(self._read(handle, _FRAME.size, number))
        if kind not in (HEADER, DATA, END) or meta_length > _MAX_META or body_length > _MAX_BODY:
            raise self._damaged(number)
        return kind, self._read(handle, meta_length, number), self._read(handle, body_length, number)

    def _read(self, handle: BinaryIO, size: int, number: int = 0) -> bytes:
        data = handle.read(size)
        if len(data) != size:
            raise self._damaged(number)
        self._digest.update(data)
        return data

    def _meta(self, raw: bytes, number: int) -> dict[str, Any]:
        try:
            meta = json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise self._damaged(number) from error
        if not isinstance(meta, dict):
            raise self._damaged(number)
        return meta

    def _damaged(self, number: int) -> DatabaseError:
        return DatabaseError("backup.pack_damaged", name=self.path.name, record=number)


def opens_with(path: Path, data_key: bytes) -> bool:
    """True when the pack was made under `data_key` (same station, same key), by its key check;
    a damaged pack still "opens": the full check will name that problem."""
    try:
        next(iter(PackReader(path, data_key).records()))
    except DatabaseError as error:
        return error.code != "backup.pack_wrong_key"
    return True
