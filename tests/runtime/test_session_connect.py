"""A Spark Connect server that isn't there: the real CLI fails at once, in one paragraph naming
the URL and what to check, with no gRPC trace and no JVM of its own. (A real server: see
tests/e2e/test_spark_connect.py.)"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

from prodi.runtime.session import ConnectUnreachableError

PRODI = str(Path(sys.executable).parent / "prodi")


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_unreachable_server_fails_the_run_in_one_paragraph(tmp_path: Path) -> None:
    url = f"sc://127.0.0.1:{_closed_port()}/;user_id=nobody"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "PRODI_"))}
    env.update(PRODI_LAKEHOUSE=str(tmp_path), JAVA_HOME=str(tmp_path / "no-java"))
    proc = subprocess.run([PRODI, "run-layer", "layer=raw",
                           f"spark.remote='{url}'"], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 1, proc.stderr[-3000:]
    errors = [line for line in proc.stderr.splitlines() if "| ERROR " in line]
    (paragraph,) = [line for line in errors if "ConnectUnreachableError" in line]
    assert f"Spark Connect server {url} can't be reached (nothing answers at 127.0.0.1:" in paragraph
    assert "Check that the server is running" in paragraph
    assert "starting Spark" not in proc.stderr
    assert not any(noise in proc.stderr for noise in ("Traceback", "grpc", "JVM stacktrace"))


def test_the_message_names_the_url_and_the_way_back_to_a_local_spark() -> None:
    text = str(ConnectUnreachableError("sc://h:1", "nothing answers at h:1: refused"))
    assert text.startswith("Spark Connect server sc://h:1 can't be reached (nothing answers")
    assert "spark.remote=null" in text and "SPARK_REMOTE" in text and "\n" not in text
