"""Output files that are either complete or absent under their final names.

Each output is written to a hidden temporary name in the same directory (so the final rename is on
one file system and atomic), flushed and fsynced, then `os.replace`d into place. Everything an
export creates stays in the directory of `--out`; a final name that is a symbolic link is refused,
since writing through it would put data elsewhere.
"""
from __future__ import annotations

import errno
import hashlib
import json
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Iterator


class ExportError(Exception):
    """An export that cannot be done as asked (existing file, bad path, full disk); one line to the user."""


def output_path(out: str | os.PathLike) -> Path:
    path = Path(out)
    if path.name in ("", ".", "..") or str(out).endswith(os.sep):
        raise ExportError(f"--out {out!s} must name a file, not a directory")
    directory = path.parent.resolve()
    if not directory.is_dir():
        raise ExportError(f"directory {directory} does not exist")
    final = directory / path.name
    if final.is_symlink():
        raise ExportError(f"{final} is a symbolic link; export writes only inside {directory}")
    if final.is_dir():
        raise ExportError(f"{final} is a directory")
    return final


def refuse_overwrite(paths: list[Path], force: bool) -> None:
    existing = [p for p in paths if p.exists() or p.is_symlink()]
    if existing and not force:
        raise ExportError(f"{existing[0]} exists; add --force to replace it")
    for p in existing:
        if p.is_symlink():
            raise ExportError(f"{p} is a symbolic link; export writes only inside {p.parent}")


class StagedFile:
    """A file written under a temporary name beside `final`, published only by `publish()`."""

    def __init__(self, final: Path) -> None:
        self.final = final
        fd, name = tempfile.mkstemp(dir=final.parent, prefix=f".{final.name}.", suffix=".part")
        self.temp = Path(name)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(fd, 0o666 & ~umask)    # mkstemp's 0600 would make the published file private
        self.fh: BinaryIO = os.fdopen(fd, "wb", buffering=1 << 20)

    def finish(self) -> None:
        """Flush to disk (a full disk shows here, before anything is renamed)."""
        if not self.fh.closed:       # pyarrow's writer closes the file itself
            self.fh.close()
        fsync_path(self.temp)

    def publish(self) -> None:
        self.finish()
        os.replace(self.temp, self.final)

    def discard(self) -> None:
        try:
            self.fh.close()
        except OSError:
            pass
        self.temp.unlink(missing_ok=True)


def fsync_path(path: Path) -> None:
    """Flush a file's data, or a directory's entries (which makes renames in it durable)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sha256_of(path: Path) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def is_disk_full(exc: OSError) -> bool:
    return exc.errno in (errno.ENOSPC, errno.EDQUOT)


def publish_with_manifest(data: StagedFile, manifest: dict, manifest_path: Path, staged: list[StagedFile]) -> None:
    """Record the finished data file in the manifest, stage the manifest beside it, then publish both
    and make the renames durable (every export ends this way)."""
    manifest["files"] = [{"path": data.final.name, "bytes": data.temp.stat().st_size, "sha256": sha256_of(data.temp)}]
    meta = StagedFile(manifest_path)
    staged.append(meta)
    meta.fh.write(json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8") + b"\n")
    for f in staged:
        f.publish()
    fsync_path(data.final.parent)


@contextmanager
def staged_outputs(final: Path) -> Iterator[list[StagedFile]]:
    """The staged files of one export (append each one made): a full disk becomes one ExportError,
    and whatever was not published is discarded on any way out (an error, Ctrl-C)."""
    staged: list[StagedFile] = []
    try:
        yield staged
    except OSError as exc:
        if is_disk_full(exc):
            raise ExportError(f"no space left on the device of {final.parent}; "
                              f"nothing was written as {final.name}") from None
        raise
    finally:
        for f in staged:
            f.discard()     # no-op for published files: their temp name is gone
