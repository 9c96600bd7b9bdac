"""Instance kinds: each names its tables and parameters, builds its model input, solves, writes.

A kind is registered in :data:`KINDS` by its ``kind:`` word in ``instance.yaml``.
"""

from __future__ import annotations

from optimiser.kinds.base import Kind, LoadedInstance, ModelCase, load_instance, validate_instance

__all__ = ["KINDS", "Kind", "LoadedInstance", "ModelCase", "get_kind", "load_instance", "validate_instance"]


def _registry() -> dict[str, Kind]:
    from optimiser.kinds import cover, ooh, rollout, roster, sact

    kinds = [sact.KIND, ooh.KIND, roster.KIND, cover.KIND, rollout.KIND]
    return {k.name: k for k in kinds}


KINDS = _registry()


def get_kind(name: str) -> Kind:
    """The registered kind called ``name`` (``sact``, ``ooh``, ``roster``, ``cover``, ``rollout``).

    Raises KeyError naming the known kinds when there is none of that name.
    """
    kind = KINDS.get(name)
    if kind is None:
        raise KeyError(f"unknown kind {name!r}; known: {', '.join(sorted(KINDS))}")
    return kind
