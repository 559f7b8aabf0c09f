"""The SDK build as JUnit ``<testsuite>`` properties, added to the file pytest wrote.

pytest's public way to add suite properties, the ``record_testsuite_property`` fixture, does
not reach the controller's report under xdist (pytest issue 7767), and the object behind it
is private (``_pytest.junitxml``). So the controller adds them to junit.xml once pytest has
written it: the same ``<properties>`` element, under xdist or not.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable
from pathlib import Path

from imednet_live.atomic_files import write_text_atomic


def add_suite_properties(path: Path, properties: Iterable[tuple[str, str]]) -> str | None:
    """Append ``properties`` to every testsuite's ``<properties>``; a problem, or None."""
    try:
        tree = ET.parse(path)
    except FileNotFoundError:
        return None  # pytest wrote none (e.g. interrupted before its session finished)
    except (OSError, ET.ParseError) as exc:
        return f"cannot add the SDK build to {path}: {exc}"
    root = tree.getroot()
    suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    pairs = list(properties)
    for suite in suites:
        holder = suite.find("properties")
        if holder is None:
            holder = ET.Element("properties")
            suite.insert(0, holder)
        for name, value in pairs:
            ET.SubElement(holder, "property", name=name, value=value)
    try:
        write_text_atomic(path, ET.tostring(root, encoding="unicode", xml_declaration=True))
    except OSError as exc:
        return f"cannot add the SDK build to {path}: {exc.strerror or exc}"
    return None
