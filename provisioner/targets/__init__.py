"""Targets: where an applied connection goes (``local``, the default: the state store is the registry).

``Target`` is the protocol (``base``), ``target_for(config)`` picks one by name (``registry``).
"""

from provisioner.targets import local
from provisioner.targets.base import (
    Capabilities,
    Desired,
    RemoteView,
    RunContext,
    Target,
    TargetError,
    TargetOutputs,
)
from provisioner.targets.registry import target_for

__all__ = ["Capabilities", "Desired", "RemoteView", "RunContext", "Target", "TargetError", "TargetOutputs",
           "local", "target_for"]
