"""A project whose target is the integrator.io contract server, with a sandbox shop and an agent stand-in.

The on-premise shop's host, ``magento.dc1.internal``, resolves nowhere: only the agent stand-in routes
it to the sandbox, so a test of an on-premise connection passes only if it went through the agent — our
probe through the Agent's ``proxyUrl``, integrator.io's ping through the agent registered in the account.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from provisioner.sandbox import MagentoVersion, Sandbox, SandboxConfig, running_sandbox
from provisioner.sandbox.agent_proxy import running_agent_proxy
from provisioner.targets.integratorio.config import TOKEN_ENV
from tests.support.integratorio_server import Account, Server, running_integratorio
from tests.support.magento import Creds, token
from tests.support.project import Project


def bearer_text(name: str, base_uri: str, access_token: str) -> str:
    return ("apiVersion: provisioner/v1\nkind: Connection\nmetadata:\n  name: " + name + "\nspec:\n"
            "  application: magento2\n  mode: cloud\n  auth:\n    type: token\n    baseUri: " + base_uri + "\n"
            f"    accessToken: '{access_token}'\n")


PRIVATE_HOST = "magento.dc1.internal"


@dataclass
class World:
    project: Project
    server: Server
    account: Account
    sandbox: Sandbox
    creds: Creds
    rotated: Creds  # a second integration of the same shop: a rotated token the shop accepts too
    agent_url: str  # the agent stand-in: the only way to magento.dc1.internal

    @property
    def private_base_uri(self) -> str:
        return f"http://{PRIVATE_HOST}/rest"

    def write_bearer(self, name: str, access_token: str) -> None:
        self.project.secrets.add(access_token)
        self.project.encrypt(name, bearer_text(name, self.sandbox.base_uri, access_token))

    def outputs(self, address: str) -> dict[str, object]:
        return dict(self.project.records()[address].target_outputs)

    def everything_sent(self) -> str:
        return "\n".join(repr(r.body) for r in self.account.requests())


@pytest.fixture
def world(tmp_path) -> Iterator[World]:
    creds, rotated = Creds.fresh("CANARY"), Creds.fresh("CANARY")
    integrations = (creds.integration("erp", allow_bearer=True), rotated.integration("erp2", allow_bearer=True))
    with running_sandbox(SandboxConfig(integrations, magento=MagentoVersion.V2_4_4)) as sandbox, \
            running_integratorio(token="IIOTOKEN" + token("CANARYTOKEN")) as (server, account), \
            running_agent_proxy({PRIVATE_HOST: ("127.0.0.1", sandbox.port)}) as agent_url:
        project = Project.create(tmp_path)
        settings = project.root / "provisioner.yaml"
        settings.write_text(settings.read_text(encoding="utf-8")
                            + f"target:\n  type: integratorio\n  url: {server.origin}\n", encoding="utf-8")
        project.env[TOKEN_ENV] = account.token
        project.secrets.add(account.token)
        yield World(project, server, account, sandbox, creds, rotated, agent_url)
