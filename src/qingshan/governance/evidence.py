"""Evidence files, content-addressed and never overwritten (spec/governance.md §1.3 [D]).

A file is stored once at ``<root>/<sha[:2]>/<sha[2:4]>/<sha256>``, written to a temporary file
in the same directory and linked into place with ``os.link`` (fails if the name exists), so an
existing file is never replaced; storing the same bytes again is a no-op that re-checks the
stored file's hash. The root is ``Settings.db``'s folder + ``evidence/`` unless given.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from qingshan.config.settings import Settings, get_settings

__all__ = ["evidence_root", "store_bytes", "path_of", "read_verified", "EvidenceError",
           "MAX_EVIDENCE_BYTES"]

#: default size limit of one evidence file (the upload limit of the settings applies first)
MAX_EVIDENCE_BYTES = 50 * 1024 * 1024


class EvidenceError(ValueError):
    """A file too large, a stored file whose bytes no longer match its name, a bad hash."""


def evidence_root(settings: Settings | None = None) -> Path:
    s = settings or get_settings()
    return Path(s.db).resolve().parent / "evidence"


def path_of(root: Path, sha256: str) -> Path:
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise EvidenceError(f"not a SHA-256 hex digest: {sha256[:80]!r}")
    return root / sha256[:2] / sha256[2:4] / sha256


def store_bytes(root: Path, data: bytes, max_bytes: int | None = None) -> tuple[str, bool]:
    """Store ``data``; returns (sha256, created). Never overwrites an existing file."""
    limit = max_bytes or min(MAX_EVIDENCE_BYTES, get_settings().max_upload_bytes)
    if len(data) > limit:
        raise EvidenceError(f"evidence file of {len(data)} bytes is over the limit of {limit} "
                            "bytes (QINGSHAN_MAX_UPLOAD_BYTES)")
    sha = hashlib.sha256(data).hexdigest()
    p = path_of(root, sha)
    if p.exists():
        read_verified(root, sha)
        return sha, False
    p.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=p.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o444)
        try:
            os.link(tmp, p)                       # atomic; refuses an existing name
            created = True
        except FileExistsError:
            created = False
    finally:
        os.unlink(tmp)
    if not created:
        read_verified(root, sha)
    return sha, created


def read_verified(root: Path, sha256: str) -> bytes:
    """The stored bytes, after checking they still hash to their name."""
    p = path_of(root, sha256)
    if not p.is_file():
        raise EvidenceError(f"evidence {sha256} is not in the store")
    data = p.read_bytes()
    if hashlib.sha256(data).hexdigest() != sha256:
        raise EvidenceError(f"evidence {sha256} was altered on disk (hash mismatch)")
    return data
