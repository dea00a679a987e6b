"""What an application gives the rest of the pipeline (``Application``), and nothing about any one of them.

Each application package builds one ``Application``; ``registry.py`` maps ``spec.application``
to it. Everything else asks the registry: the loader (spec model, schema fragment, checks),
``secret_paths`` and ``init``/``validate`` (secret fields), the probe (endpoint, classifier).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from provisioner.declarations.base import ConnectionSpecBase
    from provisioner.declarations.declaration import Declaration
    from provisioner.diagnostics import Diagnostics
    from provisioner.probe.classify_response import Classification, HttpAnswer
    from provisioner.probe.target import Endpoint

# Checks of one declaration of this application; they add to the Diagnostics.
DeclarationCheck = Callable[["Declaration", "Diagnostics"], None]


@dataclass(frozen=True)
class Application:
    """One application a connection can reach.

    - ``spec_model``: the pydantic model of ``spec`` (a ``ConnectionSpecBase`` with ``application: Literal[name]``);
    - ``schema_fragment``: the JSON Schema of the rest of ``spec`` (``{"spec": {...}, "$defs": {...}}``, every
      ``$defs`` name prefixed ``NAME.``), assembled with the envelope by ``provisioner.declarations.schemas``;
    - ``secret_fields``: names of the spec's secret fields (``SecretStr``), for ``.sops.yaml`` and the checks;
    - ``check``: value checks of a validated declaration (still encrypted); ``check_secrets``: checks of its
      decrypted secret values;
    - ``endpoint``: what the probe GETs and how it signs; ``classify``: an HTTP answer to an outcome and a hint;
    - ``example``: the text of an example declaration (plaintext secrets from ``token()``), for ``init``.
    """

    name: str
    title: str
    spec_model: type[ConnectionSpecBase]
    schema_fragment: Mapping[str, Any]
    secret_fields: tuple[str, ...]
    default_ping_path: str
    check: DeclarationCheck
    check_secrets: DeclarationCheck
    endpoint: Callable[[ConnectionSpecBase], Endpoint]
    classify: Callable[[HttpAnswer, str], Classification]
    example: Callable[[Callable[[], str]], str] | None = None


def load_fragment(package: str, file_name: str = "schema.json") -> dict[str, Any]:
    """The JSON schema fragment shipped in an application package."""
    loaded: dict[str, Any] = json.loads(resources.files(package).joinpath(file_name).read_text("utf-8"))
    return loaded
