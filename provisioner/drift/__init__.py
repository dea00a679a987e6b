"""Drift: the files vs the state vs the live systems vs the remote side, one status per connection and agent.

``check_drift`` (``provisioner.drift.check``) never decrypts a file and never prints; the command
(``provisioner.commands.drift``) records what it found in the state, apart from the records.
"""

from __future__ import annotations

from provisioner.drift.model import DriftItem, DriftReport, DriftStatus

__all__ = ["DriftItem", "DriftReport", "DriftStatus"]
