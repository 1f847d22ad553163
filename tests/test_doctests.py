"""The examples in the package's docstrings run and give what they show.

Why: docstrings carry small worked examples (``first_words``, ``CueGate``,
``compile_v1`` ...); an example that no longer holds misleads the reader more than none.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import pipeline

MODULES = sorted(m.name for m in pkgutil.walk_packages(pipeline.__path__, "pipeline.") if not m.name.endswith("__main__"))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_hold(name: str) -> None:
    try:
        module = importlib.import_module(name)
    except ImportError as exc:  # an optional extra (stanza, dask) that is not installed
        pytest.skip(f"{name}: {exc}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"


def test_the_examples_are_collected() -> None:
    """Not vacuous: the modules with examples are found and their examples run."""
    from pipeline import rules

    assert "pipeline.rules" in MODULES and "pipeline.extractors.money" in MODULES
    assert doctest.testmod(rules).attempted >= 10
