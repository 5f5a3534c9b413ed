"""Shared state of a running service, handed to routes as a FastAPI dependency."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from medpolicy.service.errors import not_found
from medpolicy.service.pool import DecisionPool
from medpolicy.service.registry import Entry, Registry
from medpolicy.service.settings import Settings


@dataclass(frozen=True)
class ServiceState:
    """The loaded tables, the worker pool and the settings."""

    settings: Settings
    registry: Registry
    pool: DecisionPool

    def entry(self, policy_id: str) -> Entry:
        """The table with this id, or a 404."""
        found = self.registry.get(policy_id)
        if found is None:
            raise not_found(policy_id, self.registry.ids())
        return found


def get_state(request: Request) -> ServiceState:
    """The app's ServiceState (the dependency every route takes)."""
    state = request.app.state.service
    assert isinstance(state, ServiceState)
    return state


#: A route parameter that receives the ServiceState.
State = Annotated[ServiceState, Depends(get_state)]
