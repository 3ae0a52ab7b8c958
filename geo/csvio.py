"""CSV files as this project keeps them: read with line numbers for error messages, written atomically."""

from __future__ import annotations

import csv
import io
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from .errors import DataError, Problem

__all__ = ["read_rows", "write_rows", "write_atomic", "csv_bytes", "MAX_FILE_BYTES", "MAX_ROWS"]

MAX_FILE_BYTES = 20 * 1024 * 1024
"""Largest data file accepted (20 MB, about 150,000 events): bounds memory for uploaded files."""
MAX_ROWS = 200_000
"""Most data rows read from one file; past it the file is refused, not silently cut."""


def _decode(path: str, raw: bytes) -> str:
    if len(raw) > MAX_FILE_BYTES:
        raise DataError(Problem(path, None, None, f"file is {len(raw):,} bytes; the limit is {MAX_FILE_BYTES:,}"))
    if b"\x00" in raw[:4096]:
        raise DataError(Problem(path, None, None, "this is a binary file, not a CSV text file"))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError(Problem(path, line, None, "not UTF-8 text; save the file as UTF-8")) from None


def read_rows(
    source: str | os.PathLike | bytes, required: Sequence[str], *, name: str | None = None
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, row) for each data row; raise DataError if the file or its header is unusable.

    `source` is a path or the bytes of an uploaded file (then `name` labels it in messages).
    Values are stripped; missing trailing cells read as empty strings.
    """
    if isinstance(source, bytes):
        label, raw = name or "<upload>", source
    else:
        label = name or str(source)
        try:
            raw = Path(source).read_bytes()
        except OSError as exc:
            raise DataError(Problem(label, None, None, f"cannot read the file ({exc.strerror})")) from None
    reader = csv.DictReader(io.StringIO(_decode(label, raw), newline=""))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in required if c not in header]
    if missing:
        raise DataError(Problem(label, 1, None, f"missing column(s) {', '.join(missing)}; the header is {header}"))
    reader.fieldnames = header
    try:
        for count, row in enumerate(reader, start=1):
            if count > MAX_ROWS:
                message = f"has more than {MAX_ROWS:,} rows, the limit: split the file"
                raise DataError(Problem(label, reader.line_num, None, message))
            clean = {k: (v or "").strip() for k, v in row.items() if k is not None}
            yield reader.line_num, clean
    except csv.Error as exc:
        raise DataError(Problem(label, reader.line_num, None, f"malformed CSV ({exc})")) from None


def write_atomic(path: str | os.PathLike, data: bytes, *, backup: bool = False) -> None:
    """Replace a file's content atomically: a temporary file in the same folder, fsynced, renamed over it.

    A crash at any point leaves either the old file or the new one, never half of one. With `backup`,
    the previous version is kept as `<name>.bak`. Parent folders are created.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if backup and target.exists():
            shutil.copy2(target, target.with_name(target.name + ".bak"))
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def csv_bytes(header: Sequence[str], rows: Sequence[dict]) -> bytes:
    """Rows as UTF-8 CSV with a header line (fields not in `header` are ignored)."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(header), extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def write_rows(path: str | os.PathLike, header: Sequence[str], rows: Sequence[dict], *, backup: bool = True) -> None:
    """Write a CSV atomically (see write_atomic); with `backup`, keep the previous version as `.bak`."""
    write_atomic(path, csv_bytes(header, rows), backup=backup)
