"""The ``valuesets:`` section: named sets of codes, inline or read from a file.

Each value set has a ``system`` (default: the one system of the table's
``codes`` facts), ``codes:`` (exact codes, ``prefix*`` patterns and
``lo-hi`` ranges) or ``file:`` (one code or pattern a line, ``#`` comments,
the path relative to the table file), an optional ``description`` and
``source``. Every problem is located: a bad line of a file names the file and
the line.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path, PurePosixPath

from medpolicy.errors import Location
from medpolicy.tables.codes import CodeIssue, Pattern, parse_pattern
from medpolicy.tables.collect import Collector, describe, join

VALUESET_KEYS = ("description", "system", "codes", "file", "source")
#: The largest value-set file read (bytes).
MAX_FILE_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class ValueSet:
    """A named set of codes of one system, as patterns."""

    id: str
    system: str
    patterns: tuple[Pattern, ...]
    description: str = ""
    source: str = ""
    file: str = ""
    location: Location | None = field(default=None, compare=False)


def read_valuesets(
    c: Collector, root: Mapping[object, object], systems: set[str], sources: Mapping[str, str]
) -> dict[str, ValueSet]:
    """Every well-formed value set of the table's ``valuesets`` section."""
    section = c.mapping(root, "valuesets", "")
    result: dict[str, ValueSet] = {}
    if section is None:
        return result
    for name, spec in section.items():
        path = join("valuesets", str(name))
        where = c.key(section, name, path)
        if not isinstance(name, str) or not name.replace("_", "a").replace("-", "a").isalnum():
            c.add(where, f"invalid value-set id {describe(name)}",
                  expected="letters, digits, '_' and '-'")
            continue
        if not isinstance(spec, Mapping):
            c.wrong_type(c.value(section, name, path), "a mapping with 'codes' or 'file'", spec)
            continue
        found = _read_one(c, name, spec, path, where, systems, sources)
        if found is not None:
            result[name] = found
    return result


def _read_one(
    c: Collector, name: str, spec: Mapping[object, object], path: str, where: Location,
    systems: set[str], sources: Mapping[str, str],
) -> ValueSet | None:
    c.check_keys(spec, path, VALUESET_KEYS, what="value-set key")
    system = c.text(spec, "system", path)
    if system is None and "system" not in spec:
        if len(systems) == 1:
            system = next(iter(systems))
        else:
            c.add(c.node(spec, join(path, "system")), f"the value set '{name}' needs 'system'",
                  hint="the code system of its codes, e.g. 'system: ICD-10-CM'")
    description = c.text(spec, "description", path) or ""
    source = c.text(spec, "source", path) or ""
    if source and source not in sources:
        c.add(c.value(spec, "source", join(path, "source")), f"unknown source '{source}'",
              expected="a key of the 'sources' section")
    has_codes, has_file = "codes" in spec, "file" in spec
    if has_codes == has_file:
        c.add(c.node(spec, path), f"the value set '{name}' needs exactly one of 'codes' or 'file'")
        return None
    if system is None:
        return None
    if has_codes:
        patterns = _inline(c, spec, path, system)
        file = ""
    else:
        file = c.text(spec, "file", path) or ""
        patterns = _from_file(c, name, spec, path, system, file) if file else ()
    # A set with a bad entry is still returned, so has() does not call it unknown too.
    return ValueSet(name, system, patterns, description, source, file, where)


def _inline(c: Collector, spec: Mapping[object, object], path: str, system: str
            ) -> tuple[Pattern, ...]:
    items = c.sequence(spec, "codes", path)
    if items is None:
        return ()
    patterns: list[Pattern] = []
    for index, item in enumerate(items):
        where = c.item(items, index, join(join(path, "codes"), index))
        parsed = parse_pattern(system, item)
        if isinstance(parsed, CodeIssue):
            c.add(where, parsed.message, expected=parsed.expected, found=describe(item),
                  hint=parsed.hint)
        else:
            patterns.append(parsed)
    return tuple(patterns)


def _shipped(file: str) -> Path | None:
    """A value-set file of the bundled library, for a table given as text (an edited
    bundled table in the workbench): only files inside the library folder, which the
    package ships; never another file of the server."""
    relative = PurePosixPath(file)
    if relative.is_absolute() or ".." in relative.parts or "\\" in file:
        return None
    library = Path(str(resources.files("medpolicy.tables").joinpath("library"))).resolve()
    target = (library / relative).resolve()
    if not target.is_relative_to(library) or not target.is_file():
        return None
    return target


def _from_file(c: Collector, name: str, spec: Mapping[object, object], path: str,
               system: str, file: str) -> tuple[Pattern, ...]:
    where = c.value(spec, "file", join(path, "file"))
    layer = where.file or c.file  # the layer file that says ``file:``
    if layer in c.document.readable:
        target = Path(layer).parent / file
    else:
        shipped = _shipped(file)
        if shipped is None:
            c.add(where, f"the value set '{name}' cannot read the file "
                  f"'{file}': this table was not read from a file",
                  expected="'codes: [...]' inline, a value-set file the bundled library "
                  "ships (valuesets/...), or a table file with the value-set file beside it")
            return ()
        target = shipped
    try:
        data = target.read_bytes()[: MAX_FILE_BYTES + 1]
    except OSError as error:
        c.add(where, f"cannot read the value-set file '{file}' ({error.strerror or error})",
              expected=f"a file beside the table: {target}")
        return ()
    if len(data) > MAX_FILE_BYTES:
        c.add(where, f"the value-set file '{file}' is too large",
              expected=f"at most {MAX_FILE_BYTES:,} bytes")
        return ()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        c.add(where, f"the value-set file '{file}' is not UTF-8 text (byte {error.start})")
        return ()
    patterns: list[Pattern] = []
    for number, line in enumerate(text.splitlines(), start=1):
        entry = line.split("#", 1)[0].strip()
        if not entry:
            continue
        parsed = parse_pattern(system, entry)
        if isinstance(parsed, CodeIssue):
            c.add(Location(str(target), number, line.index(entry) + 1, join(path, "file")),
                  parsed.message, expected=parsed.expected, found=repr(entry), hint=parsed.hint)
        else:
            patterns.append(parsed)
    return tuple(patterns)
