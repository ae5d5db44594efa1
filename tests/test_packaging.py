"""What the installed package promises to tools."""

from __future__ import annotations

from importlib import resources


def test_both_packages_are_marked_typed_for_type_checkers() -> None:
    # Without the marker, mypy and pyright treat everything `together` returns as Any.
    assert resources.files("together").joinpath("py.typed").is_file()
    assert resources.files("together_generated").joinpath("py.typed").is_file()
