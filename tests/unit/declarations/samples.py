"""Declarations to build tests from: valid documents per method, YAML text, and the line of a field."""

from __future__ import annotations

import copy
import io
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from provisioner.declarations.loader import LoadResult, validate_paths
from provisioner.diagnostics import Diagnostic

ENC = "ENC[AES256_GCM,data:cGxhY2Vob2xkZXI=,iv:cGxhY2Vob2xkZXJpdg==,tag:dGFn,type:str]"
HMAC_METHODS = ("HMAC-SHA1", "HMAC-SHA256", "HMAC-SHA512")
RSA_METHODS = ("RSA-SHA1", "RSA-SHA256", "RSA-SHA512")
METHODS = (*HMAC_METHODS, *RSA_METHODS, "PLAINTEXT")
# The per-method table of docs/file-format.md: method -> (required secret-ish fields, not-allowed fields).
REQUIRED_AUTH = ("type", "baseUri", "signatureMethod", "consumerKey", "accessToken")


def method_fields(method: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if method.startswith("RSA-"):
        return ("consumerPrivateKey",), ("consumerSecret", "tokenSecret")
    return ("consumerSecret", "tokenSecret"), ("consumerPrivateKey",)


def connection(method: str = "HMAC-SHA256", name: str = "shop") -> dict[str, Any]:
    needed, _ = method_fields(method)
    auth: dict[str, Any] = {
        "type": "oauth1",
        "baseUri": "https://shop.example.com/rest",
        "signatureMethod": method,
        "consumerKey": "9f8e7d6c5b4a39281706f5e4d3c2b1a0",
        "accessToken": ENC,
    }
    auth.update({f: ENC for f in needed})
    return {
        "apiVersion": "provisioner/v1",
        "kind": "Connection",
        "metadata": {"name": name, "labels": {"env": "test"}},
        "spec": {"application": "magento2", "displayName": "Shop", "mode": "cloud", "auth": auth},
    }


def token_connection(name: str = "shop-token") -> dict[str, Any]:
    doc = connection(name=name)
    doc["spec"]["auth"] = {"type": "token", "baseUri": "https://shop.example.com/rest", "accessToken": ENC}
    return doc


def agent(name: str = "dc1") -> dict[str, Any]:
    return {
        "apiVersion": "provisioner/v1",
        "kind": "Agent",
        "metadata": {"name": name},
        "spec": {"displayName": "Agent", "accessToken": ENC, "proxyUrl": "http://proxy.internal:3128"},
    }


def on_premise(agent_name: str = "dc1", name: str = "shop-dc1") -> dict[str, Any]:
    doc = connection(name=name)
    doc["spec"]["mode"] = "on-premise"
    doc["spec"]["agent"] = agent_name
    return doc


def clone(doc: dict[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(doc)


def dump(*docs: Any) -> str:
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.width = 4096
    yaml.sort_base_mapping_type_on_output = False  # type: ignore[assignment]
    out = io.StringIO()
    yaml.dump_all(list(docs), out)
    return out.getvalue()


def line_of(text: str, needle: str, start: int = 1) -> int:
    """1-based number of the first line (from ``start``) whose stripped text starts with ``needle``."""
    for number, line in enumerate(text.splitlines(), start=1):
        if number >= start and line.strip().startswith(needle):
            return number
    raise AssertionError(f"{needle!r} not in text")


def write(directory: Path, text: str, name: str = "decl.yaml") -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def validate_text(directory: Path, text: str, name: str = "decl.yaml") -> LoadResult:
    return validate_paths([write(directory, text, name)])


def errors(result: LoadResult, code: str | None = None) -> list[Diagnostic]:
    return [d for d in result.diagnostics.errors if code is None or d.code == code]


def warnings(result: LoadResult, code: str | None = None) -> list[Diagnostic]:
    return [d for d in result.diagnostics.warnings if code is None or d.code == code]
