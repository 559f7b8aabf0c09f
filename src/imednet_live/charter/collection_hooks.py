"""Collection: markers, expectations, requires_absent; a test's set-up."""

from __future__ import annotations

import importlib.util
import os
from typing import TYPE_CHECKING

import pytest

from imednet_live.charter.collector import (
    PROP_EXPECTED_SKIP,
    PROP_MARKER_PROBLEM,
    PROP_RESOURCE,
)
from imednet_live.charter.expectations import expected_skip_for
from imednet_live.charter.markers import (
    requirements_of,
    sdk_defect_of,
)
from imednet_live.charter.plugin_state import _REQUIREMENTS, _SDK_DEFECT
from imednet_live.charter.skips import (
    SuiteDisabled,
    require_package,
    skip_dependency_missing,
    skip_mutation_not_allowed,
)

if TYPE_CHECKING:
    # pydantic (the outcome models) and httpx (the request counter's tap) are imported when
    # first needed, so a worker's start-up (collection) pays for neither.
    pass

from imednet_live.charter.plugin_state import PluginState


class CollectionHooks(PluginState):
    """Collection: markers, expectations, requires_absent; a test's set-up."""

    def pytest_collection_modifyitems(
        self, config: pytest.Config, items: list[pytest.Item]
    ) -> None:
        keep: list[pytest.Item] = []
        dropped: list[pytest.Item] = []
        for item in items:
            requirements = requirements_of(item, os.environ)
            if any(self._importable(name) for name in requirements.requires_absent):
                dropped.append(item)
                continue
            item.stash[_REQUIREMENTS] = requirements
            expected = expected_skip_for(requirements, self.ctx)
            item.user_properties.append((PROP_RESOURCE, requirements.resource or ""))
            item.user_properties.append((PROP_EXPECTED_SKIP, str(expected or "")))
            if requirements.marker_problem:
                item.user_properties.append((PROP_MARKER_PROBLEM, requirements.marker_problem))
            keep.append(item)
        if dropped:
            config.hook.pytest_deselected(items=dropped)
            items[:] = keep

    def _importable(self, name: str) -> bool:
        if name in self.ctx.importable:
            return self.ctx.importable[name]
        return importlib.util.find_spec(name) is not None

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        reason = self.ctx.suite_disabled_reason
        if reason:
            raise SuiteDisabled(reason)
        self._mark_sdk_defect(item)
        requirements = item.stash.get(_REQUIREMENTS, None) or requirements_of(item, os.environ)
        for package in requirements.requires:  # the first missing one names the skip
            require_package(package)
        for surface in requirements.sdk_surfaces:
            if surface in self.ctx.sdk_missing:
                skip_dependency_missing(self.ctx.sdk_missing[surface])
        if requirements.mutating and not self.ctx.settings.allow_mutation:
            skip_mutation_not_allowed(item.name, unless_env=requirements.unless_env)

    @staticmethod
    def _mark_sdk_defect(item: pytest.Item) -> None:
        """A known SDK defect or declared surface change becomes a strict xfail here, at set-up,
        not at collection: whether the build has it is detected on the SDK itself, which a
        worker imports with its first test, never while it collects (cheap workers).

        This hook is tryfirst and registered after pytest's skipping plugin, so it runs before
        pytest evaluates xfail marks; were it later, pytest evaluates them again at call.
        """
        defect = sdk_defect_of(item)
        if isinstance(defect, str):
            earlier = dict(item.user_properties).get(PROP_MARKER_PROBLEM)
            problem = f"{earlier}; {defect}" if earlier else defect
            item.user_properties.append((PROP_MARKER_PROBLEM, problem))
        elif defect is not None:  # first, so pytest's xfail evaluation finds it first
            item.stash[_SDK_DEFECT] = defect
            item.add_marker(defect.as_xfail(), append=False)
