"""The registry and what every registered application must hold together."""

from __future__ import annotations

import typing

import pytest
from pydantic import BaseModel, SecretStr

from provisioner.applications.registry import APPLICATIONS, application_for, secret_field_names
from provisioner.declarations.schemas import validator
from provisioner.secrets.sops_config import encrypted_regex


def _secret_fields(model: type[BaseModel]) -> set[str]:
    """Names of the SecretStr fields of ``model`` and of the models it nests (through unions and optionals)."""
    found: set[str] = set()
    for name, info in model.model_fields.items():
        for arg in [info.annotation, *typing.get_args(info.annotation)]:
            for inner in [arg, *typing.get_args(arg)]:
                if inner is SecretStr:
                    found.add(name)
                elif isinstance(inner, type) and issubclass(inner, BaseModel):
                    found |= _secret_fields(inner)
    return found


@pytest.mark.parametrize("name", list(APPLICATIONS))
def test_secret_fields_are_exactly_the_models_secret_fields(name):
    app = application_for(name)
    assert set(app.secret_fields) == _secret_fields(app.spec_model)
    assert app.spec_model.model_fields["application"].annotation == typing.Literal[name]


@pytest.mark.parametrize("name", list(APPLICATIONS))
def test_every_fragment_def_is_namespaced_and_the_assembled_schema_is_valid(name):
    app = application_for(name)
    assert all(key.startswith(f"{name}.") for key in app.schema_fragment.get("$defs", {}))
    validator("connection")  # checks the schema against the draft 2020-12 metaschema


def test_init_regex_is_every_secret_field_once():
    assert secret_field_names() == ("consumerSecret", "accessToken", "tokenSecret", "consumerPrivateKey")
    assert encrypted_regex() == "^(consumerSecret|accessToken|tokenSecret|consumerPrivateKey)$"
