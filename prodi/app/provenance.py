"""What a run came from: prodi version, the wheel or checkout, and a hash of the config."""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import datetime, timezone
from importlib import metadata
from typing import Any

import prodi


def config_hash(tree: dict[str, Any]) -> str:
    """A stable hash of the composed config; secrets are still references in `tree`."""
    body = json.dumps(tree, sort_keys=True, default=str).encode()
    return "sha256:" + hashlib.sha256(body).hexdigest()[:16]


def installed_from() -> str:
    """The wheel file (or checkout) the running prodi was installed from."""
    try:
        dist = metadata.distribution("prodi")
    except metadata.PackageNotFoundError:
        return "source tree (not installed)"
    direct = dist.read_text("direct_url.json")
    if direct:
        info = json.loads(direct)
        kind = "editable checkout" if info.get("dir_info", {}).get("editable") else "wheel"
        return f"{kind} {info.get('url', '?')}"
    return f"{dist.metadata['Name']}-{dist.version} from {dist.locate_file('')}"


def new_run_id() -> str:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return f"{stamp}-{uuid.uuid4().hex[:8]}"


def header(tree: dict[str, Any]) -> str:
    return f"prodi {prodi.__version__} ({installed_from()}), config {config_hash(tree)}"
