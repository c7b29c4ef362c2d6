"""Imported by Python at start-up when this folder is on PYTHONPATH (tests/test_snippets.py puts
it there): when ``python snippet.py`` ends, what the script bound to ``result`` and ``measured``
is written as JSON to the file named by ``SIDEBYSIDE_REPORT``, encoded as the build encodes it.
It prints nothing and changes nothing the script sees, so the run stays a reader's run.
"""

import atexit
import json
import os
import sys


def _report() -> None:
    if hasattr(sys, "last_value"):  # the script raised: its exit code and traceback say so
        return
    from sidebyside.worker import encode, json_data

    namespace = vars(sys.modules["__main__"])
    report = {
        "result": encode(namespace["result"]) if "result" in namespace else None,
        "measured": json_data(namespace["measured"]) if "measured" in namespace else None,
    }
    with open(os.environ["SIDEBYSIDE_REPORT"], "w", encoding="utf-8") as handle:
        json.dump(report, handle)


_register = atexit.register


def _register_before_report(function, *args, **kwargs):
    """atexit runs the last registered first: keep the report first, so it reads tensors before
    a framework's own exit handlers tear anything down."""
    _register(function, *args, **kwargs)
    atexit.unregister(_report)
    _register(_report)
    return function


if os.environ.get("SIDEBYSIDE_REPORT"):
    atexit.register = _register_before_report  # type: ignore[assignment]
    _register(_report)
