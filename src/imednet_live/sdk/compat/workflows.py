"""Where the workflows and the Airflow integration live."""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
from types import ModuleType
from typing import TYPE_CHECKING

from imednet_live.sdk.compat.builds import _BUNDLED, SurfaceMissing, _sdk_folder

if TYPE_CHECKING:
    pass


def workflow_module(name: str, *, surface: str = "workflows") -> ModuleType:
    """``imednet_workflows.<name>`` (0.8) or ``imednet.workflows.<name>`` (up to 0.6)."""
    for package in ("imednet_workflows", "imednet.workflows"):
        try:
            return importlib.import_module(f"{package}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name is not None and not f"{package}.{name}".startswith(exc.name):
                raise  # the module exists but one of its own imports is missing
    raise SurfaceMissing(surface)


def airflow_package() -> str:
    """Import name of the Airflow hook/operator/sensor package of the installed build."""
    if importlib.util.find_spec("apache_airflow_providers_imednet") is not None:
        return "apache_airflow_providers_imednet"
    folder = _sdk_folder()
    if folder is not None and (folder / _BUNDLED["airflow"]).exists():
        return "imednet.integrations.airflow"
    raise SurfaceMissing("airflow")


def airflow_integration() -> ModuleType:
    """The package exporting ``ImednetHook``, ``ImednetExportOperator``, ``ImednetJobSensor``."""
    return importlib.import_module(airflow_package())
