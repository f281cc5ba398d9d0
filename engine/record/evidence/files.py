"""Content-addressed evidence storage: ``<root>/ab/cd/<sha256>``, written once, never overwritten or deleted.

An upload is streamed into ``<root>/.incoming/<random>`` while its SHA-256 is computed (the bytes are
never all in memory), then linked into its place under its hash: ``os.link`` fails rather than
replace an existing file, so identical content is stored once and a stored file never changes. The
stored file is made read-only.

A disk that fails under an upload never leaves it half-written: whatever step fails (creating the
staging file, writing, flushing, linking), the staging file is removed (``abort`` itself never
raises), and the failure becomes ``StorageFull`` (no space, quota) or ``StorageUnavailable``
(read-only, no permission, I/O error), so the next upload works as soon as the disk does.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from engine.errors import InvalidInput, NotFound, StorageFull, StorageUnavailable
from engine.record.evidence.detect import HEAD_BYTES, TAIL_BYTES

_SHA256 = re.compile(r"[0-9a-f]{64}")
_FULL = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})
_UNAVAILABLE = {
    errno.EROFS: ("存储为只读", "it is read-only"),
    errno.EACCES: ("没有写入权限", "no permission to write"),
    errno.EPERM: ("没有写入权限", "no permission to write"),
    errno.EIO: ("磁盘读写错误", "an I/O error"),
}


def too_large(limit: int) -> InvalidInput:
    return InvalidInput(
        f"文件超过大小上限（{limit} 字节）",
        f"The file is larger than the limit of {limit} bytes",
        code="evidence-too-large",
        details={"limit": limit},
    )


def storage_error(exc: OSError) -> StorageUnavailable | None:
    """What a failed disk operation means to the uploader, or None for a failure that is not the disk's."""
    if exc.errno in _FULL:
        return StorageFull(
            "证据存储空间已满，文件未保存，也没有记录；请管理员腾出空间后再上传",
            "The evidence store is full: the file was neither kept nor recorded; upload it "
            "again once an administrator has freed space",
            code="evidence-storage-full",
        )
    if exc.errno in _UNAVAILABLE:
        zh, en = _UNAVAILABLE[exc.errno]
        return StorageUnavailable(
            f"证据存储暂不可写（{zh}），文件未保存，也没有记录；请通知管理员，稍后再上传",
            f"The evidence store cannot be written to ({en}): the file was neither "
            "kept nor recorded; tell an administrator and upload it again later",
            code="evidence-storage-unavailable",
            details={"reason": en},
        )
    return None


@contextlib.contextmanager
def _disk() -> Iterator[None]:
    """Disk failures (full, read-only …) as ``StorageFull``/``StorageUnavailable``; others unchanged."""
    try:
        yield
    except OSError as exc:
        translated = storage_error(exc)
        if translated is None:
            raise
        raise translated from exc


@dataclass(frozen=True, slots=True)
class Staged:
    """A received upload, not yet kept: its temporary path, hash, size, first and last bytes."""

    path: Path
    sha256: str
    size: int
    head: bytes
    tail: bytes


class StagingWriter:
    """Takes the bytes of one upload as they arrive: hashes, counts, keeps head and tail, writes to disk."""

    def __init__(self, path: Path, limit: int) -> None:
        self.path, self.limit = path, limit
        with _disk():
            self._file: BinaryIO = open(path, "xb")  # noqa: SIM115 (closed by finish/abort)
        self._hash = hashlib.sha256()
        self._size = 0
        self._head = bytearray()
        self._tail = b""

    def write(self, chunk: bytes) -> None:
        if not chunk:
            return
        self._size += len(chunk)
        if self._size > self.limit:
            self.abort()
            raise too_large(self.limit)
        self._hash.update(chunk)
        if len(self._head) < HEAD_BYTES:
            self._head += chunk[: HEAD_BYTES - len(self._head)]
        self._tail = (self._tail + chunk[-TAIL_BYTES:])[-TAIL_BYTES:]
        with self._or_abort():
            self._file.write(chunk)

    def finish(self) -> Staged:
        with self._or_abort():
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
        return Staged(self.path, self._hash.hexdigest(), self._size, bytes(self._head), self._tail)

    def abort(self) -> None:
        """Close and remove the staging file; never raises (closing flushes, which fails again on a full
        disk: the file is removed all the same)."""
        with contextlib.suppress(OSError):
            self._file.close()
        with contextlib.suppress(OSError):
            self.path.unlink()

    @contextlib.contextmanager
    def _or_abort(self) -> Iterator[None]:
        try:
            with _disk():
                yield
        except BaseException:
            self.abort()
            raise


class EvidenceFiles:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, sha256: str) -> Path:
        if not _SHA256.fullmatch(sha256):
            raise NotFound("证据不存在", f"No evidence {sha256}", code="evidence-not-found")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def receive(self, limit: int) -> StagingWriter:
        incoming = self.root / ".incoming"
        with _disk():
            incoming.mkdir(parents=True, exist_ok=True)
        return StagingWriter(incoming / secrets.token_hex(16), limit)

    def keep(self, staged: Staged) -> Path:
        """Move a staged upload to its content address (once: an existing file is kept as it is)."""
        final = self.path_for(staged.sha256)
        try:
            with _disk():
                final.parent.mkdir(parents=True, exist_ok=True)
                os.chmod(staged.path, 0o444)
                os.link(staged.path, final)
                _sync_directory(final.parent)
        except FileExistsError:
            pass
        finally:
            discard(staged)
        return final

    def exists(self, sha256: str) -> bool:
        return self.path_for(sha256).is_file()


def discard(staged: Staged) -> None:
    with contextlib.suppress(OSError):
        staged.path.unlink()


def _sync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
