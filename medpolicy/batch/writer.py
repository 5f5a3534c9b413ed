"""Where batch results go: in input order, and never lost once finished.

``ResultWriter`` writes each result as one JSON line as soon as it comes (the
engines yield them in input order) and counts them. With ``-o PATH`` the
lines go to a temporary file beside ``PATH``:

- ``commit()`` renames it over ``PATH``: after a complete run, and after a
  stopped one (signal, dead worker), so every finished record is kept;
- ``discard()`` removes it: after a write error (disk full), which is then
  reported as one line; ``PATH`` is left as it was.

Either way no temporary file is left behind.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from pathlib import Path
from typing import IO

from medpolicy.batch.engine import BatchResult, BatchSummary
from medpolicy.errors import InputError, Location, Problem


class OutputError(Exception):
    """The output cannot be written (disk full, device gone): one line for the user."""


class ResultWriter:
    """JSON lines to stdout or to a file that holds every finished record."""

    def __init__(self, path: Path | None, stream: IO[str] | None = None) -> None:
        self.path = path
        self.summary = BatchSummary()
        self._temporary: str | None = None
        if stream is not None:
            self.stream = stream
        elif path is None:
            self.stream = sys.stdout
        else:
            self.stream = self._open(path)

    def _open(self, path: Path) -> IO[str]:
        directory = path.parent if str(path.parent) else Path(".")
        try:
            handle, self._temporary = tempfile.mkstemp(
                prefix=f".{path.name}.", suffix=".tmp", dir=directory)
        except OSError as error:
            raise InputError(
                [Problem(Location(str(path)), f"cannot write the output: {error.strerror}")]
            ) from None
        return open(handle, "w", encoding="utf-8", newline="\n")

    def write(self, result: BatchResult) -> None:
        """One result as one line; raises OutputError when it cannot be written."""
        try:
            self.stream.write(result.text)
            self.stream.write("\n")
        except BrokenPipeError:
            raise
        except OSError as error:
            raise OutputError(self._describe(error)) from None
        self.summary.add(result)

    def commit(self) -> None:
        """Flush, and move the file into place: it holds every finished record."""
        try:
            self.stream.flush()
            if self._temporary is not None and self.path is not None:
                self.stream.close()
                os.chmod(self._temporary, _file_mode(self.path))
                os.replace(self._temporary, self.path)
                self._temporary = None
        except BrokenPipeError:
            raise
        except OSError as error:
            self.discard()
            raise OutputError(self._describe(error)) from None

    def discard(self) -> None:
        """Remove the temporary file (the output path is left as it was)."""
        if self._temporary is None:
            return
        with contextlib.suppress(OSError):
            self.stream.close()
        with contextlib.suppress(OSError):
            os.unlink(self._temporary)
        self._temporary = None

    def _describe(self, error: OSError) -> str:
        where = str(self.path) if self.path is not None else "<stdout>"
        reason = error.strerror or str(error)
        return f"{where}: cannot write the output ({reason})"


def _file_mode(path: Path) -> int:
    """The mode of the file being replaced, else what the umask gives a new file."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


class ParquetResultWriter:
    """Results to a Parquet file, with ``ResultWriter``'s promises.

    Rows are buffered into row groups in a temporary file beside the path;
    ``commit()`` closes it and moves it into place (after a complete or a
    stopped run, so every finished record is kept), ``discard()`` removes it.
    pyarrow is imported only here, when a Parquet output is asked for.
    """

    def __init__(self, path: Path) -> None:
        from medpolicy.batch.parquet import ParquetResults

        self.path = path
        self.summary = BatchSummary()
        self._results: ParquetResults | None = ParquetResults(path)

    def write(self, result: BatchResult) -> None:
        """Buffer one result; raises OutputError when a row group cannot be written."""
        assert self._results is not None, "write after commit or discard"
        try:
            self._results.add(result)
        except OSError as error:
            raise OutputError(f"{self.path}: cannot write the output "
                              f"({error.strerror or error})") from None
        self.summary.add(result)

    def commit(self) -> None:
        """Write the last row group and move the file into place."""
        results, self._results = self._results, None
        if results is None:
            return
        try:
            results.__exit__(None, None, None)
        except OSError as error:
            raise OutputError(f"{self.path}: cannot write the output "
                              f"({error.strerror or error})") from None

    def discard(self) -> None:
        """Remove the temporary file (the output path is left as it was)."""
        results, self._results = self._results, None
        if results is not None:
            with contextlib.suppress(Exception):
                results.__exit__(OutputError, OutputError("discarded"), None)
