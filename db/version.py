"""The program's version, as its installed package says (``siso --version``, the crash log)."""

from __future__ import annotations

UNKNOWN = "0+unknown"  # run from a source tree that was never installed


def program_version() -> str:
    """The installed package's version; ``UNKNOWN`` when there is none. Never raises: the
    crash log calls it whatever else went wrong."""
    # imported here: importlib.metadata and reading the package metadata cost about 40 ms
    # of every start (the TUI's included), and only --version and the crash log need them
    from importlib.metadata import version

    try:
        return version("siso")
    except Exception:  # PackageNotFoundError, or metadata that cannot be read
        return UNKNOWN
