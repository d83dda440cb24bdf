"""A pytest plugin that measures what the chapter tests would catch (used by tools/test_power.py).

For every chapter test that reads the shared ``numbers`` fixture and passes, it records which glued
numbers the test read, then reruns the test once with each of them moved on its own: down and up by
20% (a zero by one, a boolean flipped; text is left alone). A number is *guarded* in a direction when
some test fails with it moved so. Results go to the file named by HLM_POWER_OUT (one JSON line per
test and number).
"""

from __future__ import annotations

import json
import os

import pytest


class Tracking(dict):
    """A dict of glued numbers that remembers which keys were read."""

    def __init__(self, values):
        super().__init__(values)
        self.read: set[str] = set()

    def __getitem__(self, key):
        self.read.add(key)
        return super().__getitem__(key)

    def get(self, key, default=None):
        self.read.add(key)
        return super().get(key, default)

    def __contains__(self, key):
        self.read.add(key)
        return super().__contains__(key)


def moved(value):
    """The values a number is moved to: (direction, value) pairs; none for text."""
    if isinstance(value, bool):
        return [("flip", not value)]
    if isinstance(value, int):
        return [("down", value - 1), ("up", value + 1)] if abs(value) < 5 else [
            ("down", round(value * 0.8)), ("up", round(value * 1.2))]
    if isinstance(value, float):
        if value == 0:
            return [("down", -0.1), ("up", 0.1)]
        return [("down", value * 0.8), ("up", value * 1.2)]
    return []


def _fails(item, values) -> bool:
    item.funcargs["numbers"] = values
    try:
        item.runtest()
    except Exception:  # an assertion, or a comparison that no longer makes sense
        return True
    return False


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    numbers = getattr(item, "funcargs", {}).get("numbers")
    if not isinstance(numbers, dict):
        return (yield)
    original = dict(numbers)
    tracked = Tracking(original)
    item.funcargs["numbers"] = tracked
    result = yield  # the test itself; an exception here propagates and nothing is measured
    records = []
    for key in sorted(tracked.read & set(original)):
        caught = {}
        for direction, value in moved(original[key]):
            trial = Tracking(original)
            dict.__setitem__(trial, key, value)
            caught[direction] = _fails(item, trial)
        records.append({"module": item.module.__name__, "test": item.name, "name": key,
                        "value": repr(original[key]), **caught})
    item.funcargs["numbers"] = numbers
    out = os.environ.get("HLM_POWER_OUT")
    if out:
        with open(out, "a") as handle:
            for record in records:
                handle.write(json.dumps(record) + "\n")
    return result
