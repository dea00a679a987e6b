"""A benchmark repository of N connections: mixed signature methods, some on-premise behind an agent,
every secret really sops-encrypted with a fresh age key (``tests.support.project.Project``)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from tests.support.magento import Creds
from tests.support.project import Project

# One in ten is not HMAC-SHA256; one in twenty is on-premise. The sandbox runs in its "any method" mode.
_OTHER_METHODS = ("HMAC-SHA1", "HMAC-SHA512", "RSA-SHA256", "RSA-SHA512")  # PLAINTEXT needs https: not the sandbox
AGENT = "dc1"
AGENT_HOST = "magento.dc1.internal"


@dataclass(frozen=True)
class BenchRepo:
    project: Project
    names: tuple[str, ...]
    base_uri: str
    onprem_uri: str
    creds: Creds
    mixed: bool = True  # False: every connection cloud and HMAC-SHA256 (the Ansible peer's job)

    @property
    def files(self) -> list[Path]:
        return sorted((self.project.root / "connections").glob("*.yaml"))

    def write(self, index: int) -> Path:
        """Write (or re-encrypt: same values, new ciphertexts) connection ``index``."""
        onprem = self.mixed and index % 20 == 19
        method = method_of(index) if self.mixed else "HMAC-SHA256"
        return self.project.write_connection(self.names[index], self.onprem_uri if onprem else self.base_uri,
                                             self.creds, method=method, agent=AGENT if onprem else None)


def method_of(index: int) -> str:
    return _OTHER_METHODS[(index // 10) % len(_OTHER_METHODS)] if index % 10 == 9 else "HMAC-SHA256"


def make_repo(base: Path, count: int, base_uri: str, onprem_uri: str, proxy_url: str, creds: Creds,
              *, mixed: bool = True) -> BenchRepo:
    project = Project.create(base)
    repo = BenchRepo(project, tuple(f"shop-{i:05d}" for i in range(count)), base_uri, onprem_uri, creds, mixed)
    project.write_agent(AGENT, creds.access_token, proxy_url)
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(repo.write, range(count)))
    return repo
