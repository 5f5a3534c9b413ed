"""The service's one error shape: ``{"error": {"code", "message", "field"?, "line"?}}``.

Routes raise ``ApiError``; ``from_input_error`` turns a medpolicy
``InputError`` into a 422 located as the CLI locates it (the first problem in
``field``/``line``, every problem under ``problems``). The handlers in
``app`` render every error, including unexpected ones, as this JSON: never
a traceback.
"""

from __future__ import annotations

from typing import Any

from medpolicy.errors import InputError, Problem


class ApiError(Exception):
    """An HTTP error with a stable code, a message, and where the problem is."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        field: str | None = None,
        line: int | None = None,
        problems: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.line = line
        self.problems = problems

    def body(self) -> dict[str, Any]:
        """The JSON body of the response."""
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.field is not None:
            error["field"] = self.field
        if self.line is not None:
            error["line"] = self.line
        if self.problems is not None:
            error["problems"] = self.problems
        return {"error": error}


def problem_dict(problem: Problem, prefix: str = "") -> dict[str, Any]:
    """One located problem as JSON: the CLI's one-line message and its parts."""
    loc = problem.location
    return {
        "message": str(problem),
        "field": _join(prefix, loc.path),
        "file": loc.file,
        "line": loc.line,
        "column": loc.column,
        "expected": problem.expected,
        "found": problem.found,
    }


def _join(prefix: str, path: str) -> str:
    if not prefix:
        return path
    if not path:
        return prefix
    return f"{prefix}{path}" if path.startswith("[") else f"{prefix}.{path}"


def from_input_error(error: InputError, code: str, prefix: str = "") -> ApiError:
    """A 422 naming the field (and line) of the first problem, listing them all."""
    problems = [problem_dict(p, prefix) for p in error.problems]
    first = error.problems[0] if error.problems else None
    message = "; ".join(p["message"] for p in problems) or str(error)
    field = _join(prefix, first.location.path) if first else prefix
    return ApiError(422, code, message, field=field or None,
                    line=first.location.line if first else None, problems=problems)


def not_found(policy_id: str, known: list[str]) -> ApiError:
    """A 404 for an unknown policy id, listing the known ones."""
    return ApiError(404, "unknown_policy",
                    f"no policy '{policy_id}' (known: {', '.join(known) or 'none'})",
                    field="id")
