"""Project settings: ``provisioner.yaml`` found from the working directory upwards, then the environment.

Precedence (highest first): explicit arguments, environment variables, ``provisioner.yaml``,
defaults. Relative paths in ``provisioner.yaml`` are relative to the file's directory.

```yaml
workspace: default
state:
  url: sqlite:///.provisioner/state.db
  keyFile: ~/.config/provisioner/state.key
paths: [connections]
secrets:
  ageKeyFile: ~/.config/provisioner/age/shop.agekey   # used when SOPS_AGE_KEY(_FILE) is unset
target: local   # where apply puts connections (provisioner.targets): a type, or {type: NAME, ...options}
```
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from provisioner.config_schema import check_keys
from provisioner.errors import ConfigError
from provisioner.targets.registry import DEFAULT_TARGET, parse_target_setting

CONFIG_FILE = "provisioner.yaml"
DEFAULT_STATE_URL = "sqlite:///.provisioner/state.db"
DEFAULT_WORKSPACE = "default"

ENV_STATE_URL = "PROVISIONER_STATE_URL"
ENV_STATE_KEY = "PROVISIONER_STATE_KEY"
ENV_STATE_KEY_FILE = "PROVISIONER_STATE_KEY_FILE"
ENV_WORKSPACE = "PROVISIONER_WORKSPACE"
# Files decrypted and connections tested at once, unless --parallelism says otherwise.
DEFAULT_PARALLELISM = 8


@dataclass(frozen=True)
class ProjectConfig:
    root: Path
    workspace: str = DEFAULT_WORKSPACE
    state_url: str = DEFAULT_STATE_URL
    state_key_file: Path | None = None
    paths: tuple[Path, ...] = field(default_factory=tuple)
    config_file: Path | None = None
    age_key_file: Path | None = None
    target: Mapping[str, Any] = field(default_factory=lambda: dict(DEFAULT_TARGET), hash=False)  # {"type": ...}


def find_config_file(start: Path) -> Path | None:
    for directory in (start, *start.parents):
        candidate = directory / CONFIG_FILE
        if candidate.is_file():
            return candidate
    return None


def _resolve_sqlite_url(url: str, root: Path) -> str:
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/"):
        rel = url[len(prefix) :]
        if rel and rel != ":memory:":
            return prefix + str((root / rel).resolve())
    return url


def _read_yaml(path: Path) -> dict[str, Any]:
    """The settings as a mapping; round-trip loaded so an unknown key is reported at its line and column."""
    try:
        data = YAML(typ="rt", pure=True).load(path.read_text(encoding="utf-8"))
    except (OSError, YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read settings: {exc}", hint="fix the YAML syntax") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: settings must be a mapping", hint="see docs/configuration.md")
    check_keys(path, data)
    return data


def no_project(start: Path) -> ConfigError:
    return ConfigError(
        f"no {CONFIG_FILE} found in {start} or any directory above",
        hint=f"cd into the repository that holds {CONFIG_FILE}, or start a project there with `provisioner init`",
        code="no-project",
    )


def load_config(start: Path | None = None, config_file: Path | None = None, *,
                require_project: bool = False) -> ProjectConfig:
    """Read settings from ``provisioner.yaml`` in ``start`` (default: the working directory) or above.

    A missing file means defaults rooted at ``start`` — unless ``require_project``: commands that
    work on a project's state (plan, apply, test, state ...) raise ``ConfigError(code="no-project")``.
    """
    start = (start or Path.cwd()).resolve()
    path = config_file or find_config_file(start)
    if path is None and require_project:
        raise no_project(start)
    data: dict[str, Any] = _read_yaml(path) if path else {}
    root = path.parent.resolve() if path else start

    state = data.get("state") or {}
    if not isinstance(state, dict):
        raise ConfigError(f"{path}: 'state' must be a mapping", hint="state: {url: ..., keyFile: ...}")
    url = os.environ.get(ENV_STATE_URL) or str(state.get("url") or DEFAULT_STATE_URL)
    key_file_raw = os.environ.get(ENV_STATE_KEY_FILE) or state.get("keyFile")
    key_file = Path(os.path.expanduser(str(key_file_raw))) if key_file_raw else None
    if key_file is not None and not key_file.is_absolute():
        key_file = root / key_file
    workspace = os.environ.get(ENV_WORKSPACE) or str(data.get("workspace") or DEFAULT_WORKSPACE)
    raw_paths = data.get("paths") or []
    if not isinstance(raw_paths, list):
        raise ConfigError(f"{path}: 'paths' must be a list", hint="paths: [connections]")
    paths = tuple(root / str(p) for p in raw_paths)
    age_key_file = _age_key_file(data, root, path)
    return ProjectConfig(
        root=root,
        workspace=workspace,
        state_url=_resolve_sqlite_url(url, root),
        state_key_file=key_file,
        paths=paths,
        config_file=path,
        age_key_file=age_key_file,
        target=parse_target_setting(data.get("target"), str(path)),
    )


def _age_key_file(data: dict[str, Any], root: Path, path: Path | None) -> Path | None:
    """``secrets.ageKeyFile``: where sops finds the age identity when the environment names none."""
    secrets = data.get("secrets") or {}
    if not isinstance(secrets, dict):
        raise ConfigError(f"{path}: 'secrets' must be a mapping", hint="secrets: {ageKeyFile: ...}")
    raw = secrets.get("ageKeyFile")
    if not raw:
        return None
    key_file = Path(os.path.expanduser(str(raw)))
    return key_file if key_file.is_absolute() else root / key_file
