"""Landing folders listed without Spark: Hadoop's schemes as fsspec's protocols, Hadoop's glob
semantics, one listing per folder, and what a file's size, time and first line are."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest

from prodi.io import storage
from prodi.io.delivered import read_header
from prodi.io.landing import LandedFile, LandingFolder, expand_braces, segment_regex, walk
from prodi.io.storage import DbutilsStorage, Entry, FsspecStorage, StorageError, fsspec_url


@pytest.mark.parametrize(("path", "url"), [
    ("s3a://bucket/landing/orders", "s3://bucket/landing/orders"),
    ("s3n://bucket/x", "s3://bucket/x"),
    ("abfss://raw@acct.dfs.core.windows.net/orders", "abfs://raw@acct.dfs.core.windows.net/orders"),
    ("wasbs://raw@acct.blob.core.windows.net/x", "az://raw@acct.blob.core.windows.net/x"),
    ("gs://bucket/x", "gcs://bucket/x"),
    ("s3://bucket/x", "s3://bucket/x"),
    ("file:/tmp/landing", "/tmp/landing"),
    ("file:///tmp/landing", "/tmp/landing"),
    ("/tmp/landing", "/tmp/landing"),
    ("dbfs:/landing/orders", "dbfs:/landing/orders"),  # no mount: fsspec's dbfs (or dbutils)
])
def test_hadoop_schemes_are_fsspec_protocols(path: str, url: str) -> None:
    assert fsspec_url(path) == url


def test_dbfs_paths_are_the_drivers_mounts_where_it_has_them() -> None:
    both = ("/dbfs", "/Volumes")
    assert fsspec_url("dbfs:/landing/orders", both) == "/dbfs/landing/orders"
    assert fsspec_url("dbfs:/Volumes/main/raw/land/x", both) == "/Volumes/main/raw/land/x"
    serverless = ("/Volumes",)  # no DBFS fuse there: dbutils lists it
    assert fsspec_url("dbfs:/landing/orders", serverless) == "dbfs:/landing/orders"
    assert fsspec_url("dbfs:/Volumes/main/raw/land/x", serverless) == "/Volumes/main/raw/land/x"


def tree(ls: dict[str, list[Entry]]) -> tuple[list[str], object]:
    """A fake filesystem: folder -> entries; and the folders listed, in order."""
    calls: list[str] = []

    def list_folder(folder: str) -> list[Entry] | None:
        calls.append(folder)
        return ls.get(folder)
    return calls, list_folder


def f(name: str) -> Entry:
    return Entry(name, 1, 0, False)


def d(name: str) -> Entry:
    return Entry(name, 0, 0, True)


FAKE = {
    "s3a://b/land": [f("orders_1.csv"), f("orders_2.csv"), f("a.txt"), d("2026"), d("x.csv")],
    "s3a://b/land/2026": [d("01"), f("orders_3.csv")],
    "s3a://b/land/2026/01": [f("orders_4.csv"), d("late")],
    "s3a://b/land/2026/01/late": [f("orders_5.csv")],
    "s3a://b/land/x.csv": [f("inner.csv")],
}


@pytest.mark.parametrize(("glob", "recursive", "names"), [
    ("*.csv", False, ["orders_1.csv", "orders_2.csv"]),  # a folder named x.csv is no file
    ("orders_?.csv", False, ["orders_1.csv", "orders_2.csv"]),
    ("{a.txt,orders_1.csv}", False, ["a.txt", "orders_1.csv"]),
    ("[^o]*", False, ["a.txt"]),
    ("[!o]*", False, ["a.txt"]),
    ("*/orders_*.csv", False, ["2026/orders_3.csv"]),
    ("2026/*/orders_*.csv", False, ["2026/01/orders_4.csv"]),
    ("{2026/01,2026}/orders_*.csv", False, ["2026/01/orders_4.csv", "2026/orders_3.csv"]),
    ("orders_*.csv", True, ["2026/01/late/orders_5.csv", "2026/01/orders_4.csv",
                            "2026/orders_3.csv", "orders_1.csv", "orders_2.csv"]),
    ("*.csv", True, ["2026/01/late/orders_5.csv", "2026/01/orders_4.csv", "2026/orders_3.csv",
                     "orders_1.csv", "orders_2.csv", "x.csv/inner.csv"]),
    ("nothing*", False, []),
])
def test_globs_match_as_hadoop_globs_them(glob: str, recursive: bool, names: list[str]) -> None:
    _, ls = tree(FAKE)
    assert sorted(walk(ls, "s3a://b/land", glob, recursive)) == names


def test_each_folder_is_listed_once() -> None:
    calls, ls = tree(FAKE)
    walk(ls, "s3a://b/land", "{2026/01,2026}/orders_*.csv", False)  # 2026 reached twice
    assert sorted(calls) == ["s3a://b/land", "s3a://b/land/2026", "s3a://b/land/2026/01"]
    calls, ls = tree(FAKE)
    walk(ls, "s3a://b/land", "*.csv", True)
    assert sorted(calls) == sorted(FAKE)
    calls, ls = tree(FAKE)
    walk(ls, "s3a://b/land", "*.csv", False)
    assert calls == ["s3a://b/land"]  # no stat per file, no descent


def test_a_missing_folder_has_no_files() -> None:
    _, ls = tree({})
    assert walk(ls, "s3a://b/none", "*.csv", False) == {}
    assert walk(ls, "s3a://b/none", "*.csv", True) == {}


def test_braces_and_escapes() -> None:
    assert expand_braces("a{b,c{d,e}}f") == ["abf", "acdf", "acef"]
    assert expand_braces(r"a\{b,c}") == [r"a\{b,c}"]
    assert segment_regex(r"x\*.csv").fullmatch("x*.csv")
    assert not segment_regex(r"x\*.csv").fullmatch("xy.csv")
    assert segment_regex("data.csv").fullmatch("data.csv")
    assert not segment_regex("data.csv").fullmatch("data_csv")  # a dot is a dot
    assert segment_regex("[a-c]?").fullmatch("b9")


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    root = tmp_path / "land"
    (root / "2026/01/03/late").mkdir(parents=True)
    (root / "orders_2026-01-01.csv").write_text("id\n1\n")
    (root / "orders_2026-01-02.csv").write_text("id\n1\n2\n")
    (root / "a b.csv").write_text("id\n")
    (root / ".orders_2026-01-01.csv.crc").write_bytes(b"crc")  # Hadoop's checksum: hidden
    (root / "2026/01/03/part-1.csv").write_text("id\n")
    (root / "2026/01/03/late/part-2.csv").write_text("id\n")
    return root


def test_local_files_with_sizes_times_and_dates(landing: Path) -> None:
    files = LandingFolder(str(landing), "*.csv", r"\d{4}-\d{2}-\d{2}").list(None)
    assert [x.name for x in files] == ["a b.csv", "orders_2026-01-01.csv", "orders_2026-01-02.csv"]
    second = files[2]
    stat = os.stat(landing / second.name)
    assert second == LandedFile(str(landing / second.name), second.name, "2026-01-02", 7,
                                stat.st_mtime_ns // 1_000_000)  # Hadoop's ms, truncated


def test_local_files_spelled_as_uris(landing: Path) -> None:
    plain = LandingFolder(str(landing), "*.csv", None).list(None)
    for spelling in (f"file:{landing}", f"file://{landing}/"):
        assert LandingFolder(spelling, "*.csv", None).list(None) == plain


def test_local_dated_folders(landing: Path) -> None:
    files = LandingFolder(f"{landing}/", "*.csv", r"(\d{4})/(\d{2})/(\d{2})", True).list(None)
    dated = {x.name: x.landed_date for x in files}
    assert dated == {"2026/01/03/late/part-2.csv": "2026-01-03", "2026/01/03/part-1.csv": "2026-01-03",
                     "a b.csv": None, "orders_2026-01-01.csv": None, "orders_2026-01-02.csv": None}
    assert all(x.path == f"{landing}/{x.name}" for x in files)


def test_existence(landing: Path) -> None:
    assert LandingFolder(str(landing), "*", None).exists(None)
    assert LandingFolder(f"file:{landing}", "*", None).exists(None)
    assert not LandingFolder(str(landing / "none"), "*", None).exists(None)
    assert LandingFolder(str(landing / "none"), "*", None).list(None) == []


def test_a_file_listed_as_a_folder_has_no_entries(landing: Path) -> None:
    import fsspec

    assert FsspecStorage(fsspec.filesystem("file")).ls(str(landing / "a b.csv")) is None


@pytest.mark.parametrize(("content", "encoding", "header"), [
    (b"\xef\xbb\xbfid,name\r\n1,2\r\n", "UTF-8", ["id", "name"]),
    (b"caf\xe9;x\n", "ISO-8859-1", ["caf\xe9", "x"]),
    (b"a;b\rc;d\n", "UTF-8", ["a", "b"]),
    (b"bad\xff;x\n", "UTF-8", ["bad\ufffd", "x"]),  # undecodable: replaced, as Java's reader does
    (b"\nid\n", "UTF-8", []),
    (b"", "UTF-8", None),
])
def test_first_line(tmp_path: Path, content: bytes, encoding: str, header: list[str] | None) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(content)
    file = LandedFile(str(path), "f.csv", None, len(content), 0)
    assert read_header(None, file, encoding, ";" if b";" in content else ",") == header


def test_times_from_each_filesystems_key() -> None:
    ms = 1767225600123
    at = datetime.fromtimestamp(ms / 1000, UTC)
    assert storage.modified_ms({"mtime": ms / 1000}) == ms  # local
    assert storage.modified_ms({"LastModified": at}) == ms  # s3fs
    assert storage.modified_ms({"last_modified": at}) == ms  # adlfs
    assert storage.modified_ms({"updated": "2026-01-01T00:00:00.123Z"}) == ms  # gcsfs
    assert storage.modified_ms({}) == 0


def test_a_scheme_without_a_filesystem_names_what_is_missing(monkeypatch) -> None:
    import fsspec

    def no_s3fs(url: str):
        raise ImportError("Install s3fs to access S3")
    monkeypatch.delenv("DATABRICKS_RUNTIME_VERSION", raising=False)
    monkeypatch.setattr(fsspec.core, "url_to_fs", no_s3fs)
    with pytest.raises(StorageError, match=r"s3a://b/land.*s3fs.*s3://"):
        storage.storage_for(None, "s3a://b/land")


def test_databricks_lists_cloud_uris_through_dbutils(monkeypatch) -> None:
    monkeypatch.setenv("DATABRICKS_RUNTIME_VERSION", "15.4")
    assert isinstance(storage.storage_for(None, "abfss://raw@a.dfs.core.windows.net/x"),
                      DbutilsStorage)


@pytest.mark.parametrize(("default_fs", "classic"), [("hdfs://nn:8020", True), ("dbfs:/", True),
                                                    ("file:///", False)])
def test_a_path_without_a_scheme_is_listed_where_spark_reads_it(monkeypatch, default_fs: str,
                                                                 classic: bool) -> None:
    """Spark resolves `/landing` against the default filesystem (HDFS on YARN, DBFS on
    Databricks): the listing goes there too, through the classic JVM; locally, to the disk."""
    monkeypatch.delenv("DATABRICKS_RUNTIME_VERSION", raising=False)
    jvm = SimpleNamespace(default_fs=lambda: default_fs)
    monkeypatch.setattr(storage, "classic_jvm", lambda spark: jvm)
    listed_by = storage.storage_for(None, "/landing/orders")
    assert (listed_by is jvm) == classic
    assert classic or isinstance(listed_by, FsspecStorage)
    assert isinstance(storage.storage_for(None, "file:/landing/orders"), FsspecStorage)


def test_a_path_without_a_scheme_on_serverless_goes_through_dbutils(monkeypatch) -> None:
    monkeypatch.setenv("DATABRICKS_RUNTIME_VERSION", "client.2.0")
    monkeypatch.setattr(storage, "classic_jvm", lambda spark: None)
    assert isinstance(storage.storage_for(None, "/landing/orders"), DbutilsStorage)


class FakeDbutilsFs:
    def __init__(self, tree: dict[str, list[SimpleNamespace]]) -> None:
        self.tree = tree

    def ls(self, path: str) -> list[SimpleNamespace]:
        if path not in self.tree:
            raise RuntimeError(f"java.io.FileNotFoundException: {path} does not exist.")
        return self.tree[path]

    def head(self, path: str, max_bytes: int) -> str:
        return "id,name\r\n1,2\n"


def test_dbutils_entries() -> None:
    root = "abfss://raw@a.dfs.core.windows.net/land"
    fs = FakeDbutilsFs({
        root: [SimpleNamespace(path=f"{root}/o.csv", name="o.csv", size=5, modificationTime=7),
               SimpleNamespace(path=f"{root}/sub/", name="sub/", size=0, modificationTime=0)],
        f"{root}/o.csv": [SimpleNamespace(path=f"{root}/o.csv", name="o.csv", size=5,
                                          modificationTime=7)]})
    dbutils = DbutilsStorage(dbutils=SimpleNamespace(fs=fs))
    assert dbutils.ls(root) == [Entry("o.csv", 5, 7, False), Entry("sub", 0, 0, True)]
    assert dbutils.ls(f"{root}/o.csv") is None
    assert dbutils.ls(f"{root}/none") is None
    assert dbutils.exists(root) and not dbutils.exists(f"{root}/none")
    assert dbutils.first_line(f"{root}/o.csv", "UTF-8") == "id,name"
    assert sorted(walk(dbutils.ls, root, "*.csv", False)) == ["o.csv"]
