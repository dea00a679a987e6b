"""Connection tests: OAuth 1.0 (seven signature methods) and bearer tokens, with result classes and hints.

```python
with SessionPool() as pool:
    result = probe(target_from_connection(connection, agents), pool)
```
"""

from __future__ import annotations

from provisioner.probe.probe import probe, probe_many
from provisioner.probe.redact import Redactor, redact  # the function: provisioner.probe.redact(text, secrets)
from provisioner.probe.result import Outcome, ProbeResult, UnreachableReason
from provisioner.probe.session_pool import SessionPool
from provisioner.probe.target import BearerCredentials, OAuth1Credentials, ProbeTarget, target_from_connection

__all__ = [
    "BearerCredentials",
    "OAuth1Credentials",
    "Outcome",
    "ProbeResult",
    "ProbeTarget",
    "Redactor",
    "SessionPool",
    "UnreachableReason",
    "probe",
    "probe_many",
    "redact",
    "target_from_connection",
]
