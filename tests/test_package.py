"""The package's top level: its public names, dir(), and the version outside an install."""

from __future__ import annotations

import importlib.metadata

import pytest

import medpolicy


def test_dir_lists_exactly_the_public_names() -> None:
    """dir(medpolicy) is __all__, and every name in it resolves."""
    assert dir(medpolicy) == sorted(medpolicy.__all__)
    for name in medpolicy.__all__:
        assert getattr(medpolicy, name) is not None


def test_version_from_a_source_tree_that_is_not_installed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without installed metadata, __version__ is the source tree's version."""
    def missing(name: str) -> str:
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "version", missing)
    monkeypatch.delitem(vars(medpolicy), "__version__", raising=False)
    assert medpolicy.__version__ == "0.1.0"
    monkeypatch.delitem(vars(medpolicy), "__version__")
