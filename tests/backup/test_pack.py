"""The backup pack (station.backup.pack_format, pack_sqlite): an encrypted station's backup as
compressed, sealed records. A pack rebuilds the same database, reveals nothing without the key,
and any change, cut, splice or foreign key is refused before a row is trusted."""

from __future__ import annotations

import sqlite3
import threading
from contextlib import closing
from pathlib import Path

import pytest
from cli_station import new_station

from station.backup.encrypt import export_encrypted
from station.backup.pack_format import RECORDS_START, is_pack, opens_with
from station.backup.pack_sqlite import pack_database, unpack_database, verify_pack
from station.errors import DatabaseError
from station.keyslots import new_data_key
from station.sqlite_files import DATABASE_ERRORS, connect_file, is_plaintext_sqlite

ODD = '"odd ""name"""'  # a table named odd "name", quoted


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[Path, bytes]:
    """A real station's database (a small demo community), encrypted under a fresh key."""
    folder = new_station(tmp_path_factory.mktemp("demo"), households=40)
    key = new_data_key()
    encrypted = folder / "encrypted.db"
    export_encrypted(folder / "data" / "station.db", encrypted, key)
    return encrypted, key


@pytest.fixture
def small(tmp_path) -> tuple[Path, bytes]:
    """A small encrypted file: two tables, an index, a trigger, statistics, awkward values."""
    key, path = new_data_key(), tmp_path / "small.db"
    with closing(connect_file(path, key)) as connection:
        connection.executescript(f"""
            CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT NOT NULL, note TEXT, age INTEGER);
            CREATE TABLE {ODD} (id INTEGER PRIMARY KEY, value);
            CREATE INDEX ix_people_name ON people (name);
            CREATE TRIGGER people_no_delete BEFORE DELETE ON people BEGIN SELECT RAISE(ABORT, 'no'); END;
            PRAGMA user_version = 7;
        """)
        rows = [(n, f"名字{n}", None if n % 3 else f'引号"与\n换行{n}', n % 90) for n in range(1, 2501)]
        connection.executemany("INSERT INTO people VALUES (?, ?, ?, ?)", rows)
        connection.executemany(f"INSERT INTO {ODD} VALUES (?, ?)",
                               [(1, "12"), (2, 12), (3, None), (4, -(2 ** 62)), (5, "")])
        connection.execute("ANALYZE")
        connection.commit()
    return path, key


def _contents(path: Path, key: bytes) -> dict[str, object]:
    """Everything a database holds that a restore must give back: schema, rows, statistics, version."""
    with closing(connect_file(path, key)) as connection:
        schema = connection.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE sql IS NOT NULL "
            "AND name NOT LIKE 'sqlite_stat%' ORDER BY name").fetchall()
        tables = [name for kind, name, _t, _s in schema if kind == "table"]
        rows = {table: connection.execute(f'SELECT *, typeof(1) FROM "{table.replace(chr(34), chr(34) * 2)}" '
                                          "ORDER BY rowid").fetchall() for table in tables}
        types = {table: connection.execute(
            f'SELECT group_concat(t) FROM (SELECT {_typeofs(connection, table)} AS t FROM '
            f'"{table.replace(chr(34), chr(34) * 2)}" ORDER BY rowid)').fetchone()[0] for table in tables}
        stats = sorted(connection.execute("SELECT * FROM sqlite_stat1").fetchall())
        version = connection.execute("PRAGMA user_version").fetchone()[0]
    return {"schema": schema, "rows": rows, "types": types, "stats": stats, "version": version}


def _typeofs(connection: sqlite3.Connection, table: str) -> str:
    names = [row[1] for row in connection.execute(f'PRAGMA table_info("{table.replace(chr(34), chr(34) * 2)}")')]
    return " || ',' || ".join(f'typeof("{name}")' for name in names)


def test_a_station_comes_back_whole_from_its_pack(demo, tmp_path):
    source, key = demo
    pack, restored = tmp_path / "b.pack", tmp_path / "restored.db"
    check = pack_database(source, key, key, pack)
    assert is_pack(pack) and check.counts["persons"] > 40 and check.revision
    seen: list[tuple[int, int]] = []
    assert unpack_database(pack, key, restored, lambda done, total: seen.append((done, total))) == check.sha256
    assert _contents(restored, key) == _contents(source, key)
    assert seen and seen[-1][0] == seen[-1][1] == sum(check.counts.values()) + len(_contents(source, key)["stats"])
    with closing(connect_file(restored, key)) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert pack.stat().st_size < source.stat().st_size * 0.35


def test_a_pack_reveals_nothing_without_the_key(demo, tmp_path):
    source, key = demo
    pack = tmp_path / "b.pack"
    pack_database(source, key, key, pack)
    with closing(connect_file(source, key)) as connection:
        names = [row[0] for row in connection.execute("SELECT name FROM persons LIMIT 50")]
        numbers = [row[0] for row in connection.execute("SELECT id_number FROM persons LIMIT 50")]
    raw = pack.read_bytes()
    assert not any(value.encode() in raw for value in names + numbers)
    assert b"CREATE TABLE" not in raw and not is_plaintext_sqlite(pack)
    assert opens_with(pack, key) and not opens_with(pack, new_data_key())
    with pytest.raises(DatabaseError) as refused:
        unpack_database(pack, new_data_key(), tmp_path / "x.db")
    assert refused.value.code == "backup.pack_wrong_key"


def test_every_value_keeps_its_type_and_odd_names_survive(small, tmp_path):
    source, key = small
    pack, restored = tmp_path / "s.pack", tmp_path / "s.db"
    pack_database(source, key, key, pack)
    unpack_database(pack, key, restored)
    assert _contents(restored, key) == _contents(source, key)
    with closing(connect_file(restored, key)) as connection, pytest.raises(DATABASE_ERRORS, match="no"):
        connection.execute("DELETE FROM people WHERE id = 1")  # the trigger came back too


def test_a_plaintext_file_packs_under_a_key(small, tmp_path):
    """Old plaintext backups are packed under the station's key when it is encrypted."""
    source, key = small
    plain = tmp_path / "plain.db"
    with closing(connect_file(source, key)) as connection:
        connection.execute("ATTACH DATABASE ? AS plain KEY ''", (str(plain),))
        connection.execute("SELECT sqlcipher_export('plain')").fetchall()
        connection.execute("DETACH DATABASE plain")
    assert is_plaintext_sqlite(plain)
    before = plain.read_bytes()
    pack_database(plain, None, key, tmp_path / "p.pack", still=True)
    unpack_database(tmp_path / "p.pack", key, tmp_path / "back.db")
    assert _contents(tmp_path / "back.db", key)["rows"] == _contents(source, key)["rows"]
    assert plain.read_bytes() == before


def _records(pack: Path) -> list[tuple[int, int]]:
    """(start, end) of each record in a pack file."""
    raw, at, spans = pack.read_bytes(), RECORDS_START, []
    while at < len(raw):
        meta, body = int.from_bytes(raw[at + 1:at + 5], "big"), int.from_bytes(raw[at + 5:at + 9], "big")
        spans.append((at, at + 9 + meta + body))
        at += 9 + meta + body
    return spans


@pytest.mark.parametrize("change", ["flip a byte", "flip a byte of the header", "cut the end", "drop a record", "swap two records",
                                    "append", "change the clear metadata", "splice another pack's record"])
def test_a_changed_pack_is_refused(small, tmp_path, change):
    source, key = small
    pack, other = tmp_path / "s.pack", tmp_path / "other.pack"
    pack_database(source, key, key, pack)
    pack_database(source, key, key, other)
    raw, spans = bytearray(pack.read_bytes()), _records(pack)
    assert len(spans) >= 4  # header, data..., end
    (a, b), (c, d) = spans[1], spans[2]
    if change == "flip a byte":
        raw[b - 5] ^= 1
    elif change == "flip a byte of the header":  # damage, not "another key": the key check still holds
        raw[spans[0][1] - 5] ^= 1
    elif change == "cut the end":
        raw = raw[:spans[-1][0]]
    elif change == "drop a record":
        raw = raw[:a] + raw[b:]
    elif change == "swap two records":
        raw = raw[:a] + raw[c:d] + raw[a:b] + raw[d:]
    elif change == "append":
        raw += raw[a:b]
    elif change == "change the clear metadata":
        raw[a:b] = bytes(raw[a:b]).replace(b'"rows":', b'"rowz":')
    else:
        x, y = _records(other)[1]
        raw = raw[:a] + other.read_bytes()[x:y] + raw[b:]
    pack.write_bytes(bytes(raw))
    with pytest.raises(DatabaseError) as refused:
        verify_pack(pack, key)
    assert refused.value.code == "backup.pack_damaged"
    with pytest.raises(DatabaseError):
        unpack_database(pack, key, tmp_path / "out.db")


def test_a_hostile_frame_is_refused_before_anything_is_read(small, tmp_path):
    source, key = small
    pack = tmp_path / "s.pack"
    pack_database(source, key, key, pack)
    raw = bytearray(pack.read_bytes())
    first = RECORDS_START
    raw[first + 5:first + 9] = (2 ** 32 - 1).to_bytes(4, "big")  # a 4 GB body
    pack.write_bytes(bytes(raw))
    with pytest.raises(DatabaseError) as refused:
        verify_pack(pack, key)
    assert refused.value.code == "backup.pack_damaged"
    (tmp_path / "not.pack").write_bytes(b"SQLite format 3\x00" + bytes(100))
    with pytest.raises(DatabaseError) as refused:
        verify_pack(tmp_path / "not.pack", key)
    assert refused.value.code == "backup.not_a_pack"


def test_a_pack_is_one_moment_while_the_counter_writes(small, tmp_path):
    """The two readers see one snapshot: every write below adds a row to both tables in one
    transaction, so a pack holding more rows in one than in the other mixed two moments."""
    source, key = small
    with closing(connect_file(source, key)) as connection:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute(f"DELETE FROM {ODD}")
        connection.execute("CREATE TABLE mirror (id INTEGER PRIMARY KEY, name TEXT)")
        connection.execute("INSERT INTO mirror SELECT id, name FROM people")
        connection.commit()
    stop = threading.Event()

    def counter() -> None:
        with closing(connect_file(source, key, timeout=10)) as writer:
            number = 10_000
            while not stop.is_set():
                number += 1
                writer.execute("INSERT INTO people (id, name) VALUES (?, 'x')", (number,))
                writer.execute("INSERT INTO mirror (id, name) VALUES (?, 'x')", (number,))
                writer.commit()
                # Hundreds of saves a second, far beyond a counter's; without a pause between
                # them SQLite's busy handler can starve the pack's BEGIN past its 10 s on a
                # loaded machine (a writer that never lets go is not what a backup meets).
                stop.wait(0.002)

    thread = threading.Thread(target=counter)
    thread.start()
    try:
        checks = [pack_database(source, key, key, tmp_path / f"{n}.pack") for n in range(4)]
    finally:
        stop.set()
        thread.join()
    for check in checks:
        assert check.counts["people"] == check.counts["mirror"]
    assert len({check.counts["people"] for check in checks}) > 1  # the counter did write meanwhile


def test_a_pack_that_reads_back_otherwise_than_written_is_not_a_backup(small, tmp_path, monkeypatch):
    """The re-read after fsync is the last word: should the disk give back other bytes than were
    written (here the check is made to see another SHA-256), the pack is refused with its own
    message, not a "damaged part -1"."""
    import station.backup.pack_sqlite as pack_sqlite

    source, key = small
    read_back = pack_sqlite.verify_pack
    monkeypatch.setattr(pack_sqlite, "verify_pack", lambda path, k: (read_back(path, k)[0], "0" * 64))
    with pytest.raises(DatabaseError) as refused:
        pack_database(source, key, key, tmp_path / "s.pack.partial")
    assert refused.value.code == "backup.written_differs"
    said = str(refused.value)
    assert "s.pack.partial" in said and "未完成" in said and "-1" not in said
