"""Files on disk: which files in a folder are sources, their bytes, sidecars and hashes.

A sidecar `NAME.meta.yaml` beside a file holds metadata the file cannot carry itself (a CSV
has no title); it is part of the source, so it is hashed with the file and a changed
sidecar re-ingests it.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Container, Iterator
from pathlib import Path
from typing import Any

import yaml

from metrics.errors import Reason, SourceError
from metrics.read.text import NotAMapping, yaml_mapping

SIDECAR_SUFFIX = ".meta.yaml"
"""`page.html.meta.yaml` beside `page.html` holds its title, url, publisher, published."""


def folder_sources(folder: Path, suffixes: Container[str]) -> Iterator[Path]:
    """The files under `folder` that are sources, walked recursively in name order.

    Only files with a suffix in `suffixes` count (a sidecar `.meta.yaml` is read with its
    file); hidden files and folders (`.git`, `.venv`), the `NAME_files` folders a browser
    saves a page's scripts and frames in, and a folder's own README (its documentation, not
    an article) are skipped.
    """
    for parent, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not d.endswith("_files"))
        for name in sorted(files):
            readme = Path(name).stem.lower() == "readme"
            if not name.startswith(".") and not readme and Path(name).suffix.lower() in suffixes:
                yield Path(parent) / name


def document_path(path: Path, root: Path | None = None) -> str:
    """The path a document is stored under (its `source_id` is derived from it)."""
    return (path.relative_to(root) if root is not None else path).as_posix()


def content_hash(path: Path, sidecar: Path | None) -> str:
    """The `content_sha256` `load_document` would give, from the bytes alone.

    Re-ingesting an unchanged folder compares this and skips the parsing. `sidecar` is
    `sidecar_of(path)`, which the caller has looked up already. Raises `OSError` when the
    file cannot be read (`load_document` then says why).
    """
    return sha256(path.read_bytes(), sidecar.read_bytes() if sidecar else b"")


def sidecar_of(path: Path) -> Path | None:
    """The sidecar `NAME.meta.yaml` beside `path`, if there is one.

    A file whose name is near the system's limit (255 bytes) can have none: the sidecar's
    name would be too long to exist, which is no error of the file's.
    """
    sidecar = path.with_name(path.name + SIDECAR_SUFFIX)
    try:
        return sidecar if sidecar.is_file() else None
    except OSError:  # ENAMETOOLONG
        return None


def outside_root(file: Path, root: Path) -> str | None:
    """Where `file` really is, when a symlink (the file, or a folder on its way) leads out
    of `root`, the folder being ingested; None when it stays inside."""
    if not links_below(file, root):
        return None  # nothing on the way can lead out: `realpath` would stat every folder
    real = Path(os.path.realpath(file))
    return None if real.is_relative_to(os.path.realpath(root)) else str(real)


def links_below(file: Path, root: Path) -> bool:
    """Whether `file`, or a folder between `root` and it, is a symlink (True, too, when
    `file` is not written under `root`: then only `realpath` can tell)."""
    folder = os.fspath(root)
    prefix = "" if folder in ("", ".") else folder.rstrip(os.sep) + os.sep
    written = os.fspath(file)
    if not written.startswith(prefix) or os.path.isabs(written) != os.path.isabs(folder):
        return True
    parts = written[len(prefix) :].split(os.sep)
    if ".." in parts:
        return True
    path = prefix.rstrip(os.sep) if prefix else ""
    for part in parts:
        path = os.path.join(path, part) if path else part
        if os.path.islink(path):
            return True
    return False


def sha256(raw: bytes, sidecar_raw: bytes) -> str:
    """The hash of a source: its file's bytes followed by its sidecar's."""
    return hashlib.sha256(raw + sidecar_raw).hexdigest()


def read_bytes(name: str, path: Path) -> bytes:
    """The file's bytes, or a `SourceError` saying why they cannot be read."""
    try:
        return path.read_bytes()
    except OSError as exc:  # permissions, a file that vanished, an I/O error
        raise SourceError(name, Reason.UNREADABLE, exc.strerror or str(exc)) from None


def stat_failure(path: Path) -> str:
    """Why `path` is not a readable file (a dangling link, a symlink loop)."""
    try:
        path.stat()
    except OSError as exc:
        return exc.strerror or str(exc)
    return "not a regular file"


def read_sidecar(name: str, path: Path) -> tuple[bytes, dict[str, Any]]:
    """The sidecar's bytes (for the hash) and its keys; nothing when there is no sidecar."""
    sidecar = sidecar_of(path)
    if sidecar is None:
        return b"", {}
    raw = read_bytes(str(sidecar), sidecar)
    try:
        return raw, yaml_mapping(raw.decode("utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError, ValueError) as exc:
        detail = f"{sidecar.name}: {' '.join(str(exc).split())}"
        raise SourceError(name, Reason.BAD_SIDECAR, detail) from None
    except NotAMapping as exc:
        raise SourceError(name, Reason.BAD_SIDECAR, f"{sidecar.name} holds a {exc}") from None
