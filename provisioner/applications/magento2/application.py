"""Magento 2 as an ``Application``: the one object the registry holds for ``spec.application: magento2``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from provisioner.applications.application import Application, load_fragment
from provisioner.applications.magento2 import spec
from provisioner.applications.magento2.checks import check_connection
from provisioner.applications.magento2.endpoint import endpoint
from provisioner.applications.magento2.example import example_connection
from provisioner.applications.magento2.secret_checks import check_secret_values

if TYPE_CHECKING:
    from provisioner.probe.classify_response import Classification, HttpAnswer


def _classify(answer: HttpAnswer, method: str) -> Classification:
    # the classifier imports the probe package (requests, oauthlib): loaded when a test runs, not for
    # validate or plan (start-up time, issue 16)
    from provisioner.applications.magento2.responses import classify_answer  # noqa: PLC0415

    return classify_answer(answer, method)


MAGENTO2 = Application(
    name=spec.NAME,
    title="a Magento 2 instance",
    spec_model=spec.Magento2Spec,
    schema_fragment=load_fragment(__package__ or "provisioner.applications.magento2"),
    secret_fields=spec.SECRET_FIELDS,
    default_ping_path=spec.DEFAULT_PING_PATH,
    check=check_connection,
    check_secrets=check_secret_values,
    endpoint=endpoint,
    classify=_classify,
    example=example_connection,
)
