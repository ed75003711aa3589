"""ZIP and tar archives: ``zip/create``, ``zip/extract``, ``zip/list``, ``tar/create``, ``tar/extract``,
``tar/list`` (issue 11: Sema's ``zip/*`` and ``tar/*``; loaded on first use).

As in Sema, ``create`` adds each file under its base name and returns the
number of entries written; ``extract`` returns the number of entries
extracted and skips every entry that would land outside the destination
folder (``..``, absolute names, or a folder inside it that is a symbolic link
pointing out), and a tar's links and device files, so an archive cannot
write where the sandbox's ``fs-write`` paths do not reach.  A tar is gzipped
when its name ends in ``.tar.gz`` or ``.tgz``; extraction detects gzip by
itself.
"""

from __future__ import annotations

import os

from ..runtime.capabilities import Need
from ..runtime.registry import builtin
from ..values import ListBase, make_list
from .argcheck import type_error
from .io import _io_error, skip_doc_examples
from .lists import seq_items


def _path(who: str, p) -> str:
    if p.__class__ is not str:
        raise type_error(who, "a path string", p)
    return p


def _files(who: str, files) -> list:
    try:
        items = list(seq_items(files, who, 2))
    except Exception:
        raise type_error(who, "a list of path strings", files) from None
    for f in items:
        _path(who, f)
    for f in items:  # before the archive is opened, so a missing file leaves nothing half-written
        if not os.path.isfile(f):
            raise _io_error(who, "add", f, FileNotFoundError(2, "not a readable file")) from None
    return items


def _listed_files(args, interp) -> list:
    """The files ``create`` reads (for the sandbox's fs-read paths)."""
    if len(args) < 2:
        return []
    try:
        return [f for f in seq_items(args[1], "create", 2) if isinstance(f, str)]
    except Exception:
        return []


def _inside(dest: str, name: str) -> str | None:
    """Where entry NAME goes under DEST, or None when it would land outside (after resolving links)."""
    if not name or os.path.isabs(name) or name.startswith(("/", "\\")):
        return None
    root = os.path.realpath(dest)
    target = os.path.realpath(os.path.join(root, name))
    if target != root and not target.startswith(root + os.sep):
        return None
    return target


def _tar_mode(path: str, writing: bool) -> str:
    if writing:
        return "w:gz" if path.endswith((".tar.gz", ".tgz")) else "w"
    return "r:*"


@skip_doc_examples
@builtin("zip/create", needs=(Need("fs-write", paths=0), Need("fs-read", paths=_listed_files)))
def zip_create(out_path: str, files: ListBase) -> int:
    """Write a ZIP archive at OUT-PATH holding each of FILES under its base name (deflated); the number of
    entries written.

    (zip/create "bundle.zip" (list "a.txt" "b.txt")) ; => 2
    """
    import zipfile
    who = "zip/create"
    _path(who, out_path)
    items = _files(who, files)
    current = None
    try:
        with zipfile.ZipFile(out_path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for current in items:
                archive.write(current, arcname=os.path.basename(current))
    except OSError as exc:
        raise _io_error(who, "add", current if current is not None else out_path, exc) from None
    return len(items)


@skip_doc_examples
@builtin("zip/list", needs=Need("fs-read", paths=0))
def zip_list(zip_path: str) -> ListBase:
    """The entry names of the ZIP archive at ZIP-PATH, as a list of strings (nothing is extracted).

    (zip/list "bundle.zip") ; => ("a.txt" "b.txt")
    """
    import zipfile
    _path("zip/list", zip_path)
    try:
        with zipfile.ZipFile(zip_path) as archive:
            return make_list(archive.namelist())
    except (OSError, zipfile.BadZipFile) as exc:
        raise _io_error("zip/list", "read", zip_path, exc) from None


@skip_doc_examples
@builtin("zip/extract", needs=(Need("fs-read", paths=0), Need("fs-write", paths=1)))
def zip_extract(zip_path: str, dest_dir: str) -> int:
    """Extract the ZIP archive at ZIP-PATH into DEST-DIR (made if missing); the number of entries extracted.
    Entries that would land outside DEST-DIR are skipped.

    (zip/extract "bundle.zip" "out") ; => 2
    """
    import shutil
    import zipfile
    who = "zip/extract"
    _path(who, zip_path)
    _path(who, dest_dir)
    count = 0
    try:
        os.makedirs(dest_dir, exist_ok=True)
        with zipfile.ZipFile(zip_path) as archive:
            for info in archive.infolist():
                target = _inside(dest_dir, info.filename)
                if target is None:
                    continue
                if info.is_dir():
                    os.makedirs(target, exist_ok=True)
                else:
                    os.makedirs(os.path.dirname(target), exist_ok=True)
                    with archive.open(info) as src, open(target, "wb") as out:
                        shutil.copyfileobj(src, out)
                count += 1
    except (OSError, zipfile.BadZipFile) as exc:
        raise _io_error(who, "extract", zip_path, exc) from None
    return count


@skip_doc_examples
@builtin("tar/create", needs=(Need("fs-write", paths=0), Need("fs-read", paths=_listed_files)))
def tar_create(out_path: str, files: ListBase) -> int:
    """Write a tar archive at OUT-PATH holding each of FILES under its base name, gzipped when OUT-PATH ends
    in ``.tar.gz`` or ``.tgz``; the number of entries written.

    (tar/create "bundle.tar.gz" (list "a.txt" "b.txt")) ; => 2
    """
    import tarfile
    who = "tar/create"
    _path(who, out_path)
    items = _files(who, files)
    current = None
    try:
        with tarfile.open(out_path, _tar_mode(out_path, True)) as archive:
            for current in items:
                archive.add(current, arcname=os.path.basename(current), recursive=False)
    except (OSError, tarfile.TarError) as exc:
        raise _io_error(who, "add", current if current is not None else out_path, exc) from None
    return len(items)


@skip_doc_examples
@builtin("tar/list", needs=Need("fs-read", paths=0))
def tar_list(tar_path: str) -> ListBase:
    """The entry names of the tar archive at TAR-PATH (gzipped or not), as a list of strings.

    (tar/list "bundle.tar.gz") ; => ("a.txt" "b.txt")
    """
    import tarfile
    _path("tar/list", tar_path)
    try:
        with tarfile.open(tar_path, "r:*") as archive:
            return make_list(archive.getnames())
    except (OSError, tarfile.TarError) as exc:
        raise _io_error("tar/list", "read", tar_path, exc) from None


@skip_doc_examples
@builtin("tar/extract", needs=(Need("fs-read", paths=0), Need("fs-write", paths=1)))
def tar_extract(tar_path: str, dest_dir: str) -> int:
    """Extract the tar archive at TAR-PATH (gzip detected) into DEST-DIR; the number of entries extracted.
    Only files and folders are extracted: links, devices and entries that would land outside DEST-DIR are
    skipped.

    (tar/extract "bundle.tar.gz" "out") ; => 2
    """
    import shutil
    import tarfile
    who = "tar/extract"
    _path(who, tar_path)
    _path(who, dest_dir)
    count = 0
    try:
        os.makedirs(dest_dir, exist_ok=True)
        with tarfile.open(tar_path, "r:*") as archive:
            for member in archive:
                if not (member.isfile() or member.isdir()):
                    continue
                target = _inside(dest_dir, member.name)
                if target is None:
                    continue
                if member.isdir():
                    os.makedirs(target, exist_ok=True)
                else:
                    os.makedirs(os.path.dirname(target), exist_ok=True)
                    src = archive.extractfile(member)
                    with src, open(target, "wb") as out:
                        shutil.copyfileobj(src, out)
                count += 1
    except (OSError, tarfile.TarError) as exc:
        raise _io_error(who, "extract", tar_path, exc) from None
    return count

