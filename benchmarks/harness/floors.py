"""The floors each stage is compared with, as child processes measured like the tool itself.

- import floor: ``python -c "import ruamel.yaml, requests"`` (what any Python CLI of this stack pays);
- parse floor: Python start-up plus a YAML safe load of every file;
- sops floor: ``xargs -P <cores> sops decrypt`` of the files (the raw decryption cost);
- GET floor: N GETs of the ping URL from a 16-thread pool in one Python process (no signing).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from benchmarks.harness.measure import Sample, run
from provisioner.secrets.sops import default_binary

IMPORT_FLOOR = "import ruamel.yaml, requests"
PARSE_FLOOR = """
import pathlib, sys
from ruamel.yaml import YAML
y = YAML(typ="safe")
for p in sorted(pathlib.Path(sys.argv[1]).glob("*.yaml")):
    list(y.load_all(p.read_text(encoding="utf-8")))
"""
GET_FLOOR = """
import sys
from concurrent.futures import ThreadPoolExecutor
import requests
from requests.adapters import HTTPAdapter
url, count, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
session = requests.Session()
session.mount("http://", HTTPAdapter(pool_connections=1, pool_maxsize=threads))
with ThreadPoolExecutor(threads) as pool:
    statuses = list(pool.map(lambda _: session.get(url, timeout=30).status_code, range(count)))
assert len(statuses) == count
"""


def python(code: str, *args: str, env: Mapping[str, str], cwd: Path) -> Sample:
    return run([sys.executable, "-c", code, *args], env=env, cwd=cwd)


def import_floor(env: Mapping[str, str], cwd: Path) -> Sample:
    return python(IMPORT_FLOOR, env=env, cwd=cwd)


def parse_floor(directory: Path, env: Mapping[str, str], cwd: Path) -> Sample:
    return python(PARSE_FLOOR, str(directory), env=env, cwd=cwd)


def sops_floor(files: Sequence[Path], env: Mapping[str, str], cwd: Path) -> Sample:
    paths = b"\0".join(str(f).encode() for f in files)
    jobs = str(os.cpu_count() or 2)
    return run(["xargs", "-0", "-P", jobs, "-n", "1", default_binary(), "--disable-version-check", "decrypt",
                "--output-type", "yaml"], env=env, cwd=cwd, stdin=paths)


def get_floor(url: str, count: int, env: Mapping[str, str], cwd: Path, threads: int = 16) -> Sample:
    return python(GET_FLOOR, url, str(count), str(threads), env=env, cwd=cwd)
