"""The figures of docs/reliability.md, written by the tests that measure them.

With ``SISO_FAULT_REPORT=FILE`` (``.ci/run`` sets it), each such test appends one JSON line
``{"test": …, "source": "tests/…::test_…", …figures}``; without it nothing is written. The
document names, for each figure, the line it comes from, so that it is refreshed from a CI
run (``python tests/fault_report.py FILE`` prints the lines as a table)."""

from __future__ import annotations

import json
import os
import sys


def report(test: str, source: str, **figures) -> None:
    out = os.environ.get("SISO_FAULT_REPORT")
    if out:
        with open(out, "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"test": test, "source": source, **figures}, ensure_ascii=False)
                     + "\n")


def _show(path: str) -> None:
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            figures = ", ".join(f"{k}={v}" for k, v in row.items() if k not in ("test", "source"))
            print(f"{row['test']} [{row['source']}]: {figures}")


if __name__ == "__main__":
    _show(sys.argv[1])
