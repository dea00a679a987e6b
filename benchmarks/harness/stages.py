"""The stages of issue 16, each measured side by side with its floor, rounds interleaved.

Each round runs the floor and the tool one after the other, alternating which goes first, so a
noisy machine weighs on both alike. A stage's state is prepared outside the measured commands.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from benchmarks.harness import floors, peers
from benchmarks.harness.measure import Sample, Series, run
from benchmarks.harness.repo import BenchRepo

CLI = str(Path(sys.executable).with_name("provisioner"))
PARALLELISM = "16"


@dataclass(frozen=True)
class StageResult:
    stage: str
    count: int
    tool: Series
    floor: Series
    floor_label: str
    target: float | None  # the ceiling for tool / floor, if it sets one
    absolute: float | None = None  # or its ceiling in seconds for the tool alone (validate of one file)

    @property
    def ratio(self) -> float:
        return self.tool.median / self.floor.median


def _sum(*samples: Sample) -> Sample:
    return Sample(sum(s.seconds for s in samples), max(s.peak_mb for s in samples))


@dataclass
class Bench:
    repo: BenchRepo
    ping_url: str
    rounds: int
    work: Path

    @property
    def env(self) -> dict[str, str]:
        return self.repo.project.env

    @property
    def root(self) -> Path:
        return self.repo.project.root

    def tool(self, *args: str, state: Path | None = None, ok: tuple[int, ...] = (0,)) -> Sample:
        env = dict(self.env)
        if state is not None:
            env["PROVISIONER_STATE_URL"] = f"sqlite:///{state}"
        return run([CLI, *args], env=env, cwd=self.root, ok=ok)

    def get_floor(self) -> Sample:
        return floors.get_floor(self.ping_url, len(self.repo.names), self.env, self.root)

    def interleaved(self, stage: str, tool: Callable[[int], Sample], floor: Callable[[int], Sample],
                    floor_label: str, target: float | None, absolute: float | None = None) -> StageResult:
        tools: list[Sample] = []
        bases: list[Sample] = []
        for i in range(self.rounds):
            if i % 2:
                tools.append(tool(i))
                bases.append(floor(i))
            else:
                bases.append(floor(i))
                tools.append(tool(i))
        return StageResult(stage, len(self.repo.names), Series(tuple(tools)), Series(tuple(bases)), floor_label,
                           target, absolute)

    # --- the stages, in the order they must run (apply makes the state the later ones read) ---------

    def all_stages(self) -> list[StageResult]:
        files = self.repo.files
        folder = self.root / "connections"
        env, cwd = self.env, self.root
        fresh = [self.work / f"state-{i}.db" for i in range(self.rounds)]
        edited = [self.repo.project.path(name) for name in self.repo.names[:3]]
        results = [
            self.interleaved("start-up (--help)", lambda _: self.tool("--help"),
                             lambda _: floors.import_floor(env, cwd), "import ruamel.yaml, requests", 1.5),
            self.interleaved("validate (1 file)", lambda _: self.tool("validate", str(files[0])),
                             lambda _: floors.import_floor(env, cwd), "import ruamel.yaml, requests", None, 0.5),
            self.interleaved("validate", lambda _: self.tool("validate"),
                             lambda _: floors.parse_floor(folder, env, cwd), "start-up + YAML parse", None),
            self.interleaved("first plan (all decrypted)",
                             lambda _: self.tool("plan", state=self.work / "none.db"),
                             lambda _: floors.sops_floor(files, env, cwd), "parallel sops decrypt", 1.15),
            self.interleaved("apply (all creates)",
                             lambda i: self.tool("apply", "--auto-approve", "-p", PARALLELISM, state=fresh[i]),
                             lambda _: _sum(floors.sops_floor(files, env, cwd),
                                            self.get_floor()),
                             "sops floor + GET floor", 1.0),
        ]
        state = fresh[-1]  # the last round's apply is the state the later stages read
        results += [
            self.interleaved("no-op plan", lambda _: self.tool("plan", state=state),
                             lambda _: floors.parse_floor(folder, env, cwd), "start-up + YAML parse", 1.3),
            self.interleaved("test --from state",
                             lambda _: self.tool("test", "--from", "state", "-p", PARALLELISM, state=state),
                             lambda _: self.get_floor(), "GET floor", 1.15),
            self.interleaved("drift", lambda _: self.tool("drift", "-p", PARALLELISM, state=state),
                             lambda _: self.get_floor(), "GET floor", 1.15),
        ]
        for index in range(3):  # three files re-encrypted: new ciphertexts, so plan must decrypt them
            self.repo.write(index)
        results.append(self.interleaved(
            "plan after 3 files re-encrypted", lambda _: self.tool("plan", state=state, ok=(0,)),
            lambda _: _sum(floors.parse_floor(folder, env, cwd), floors.sops_floor(edited, env, cwd)),
            "start-up + YAML parse + 3 sops", 1.5))
        return results

    def peer_stages(self) -> list[StageResult]:
        """Beside the peers (unless ``--no-peers``): check-jsonschema for validate, Ansible for decrypt-and-test."""
        env, cwd = self.env, self.root
        folder = self.root / "connections"
        shops = [self.repo.project.path(name) for name in self.repo.names]
        found: list[StageResult] = []
        if self.repo.mixed:
            found.append(self.interleaved("validate vs check-jsonschema", lambda _: self.tool("validate"),
                                          lambda _: peers.check_jsonschema(shops, env, cwd), "check-jsonschema (peer)",
                                          0.8))
        else:
            found.append(self.interleaved(
                "decrypt and test (test from files)", lambda _: self.tool("test", "-p", PARALLELISM),
                lambda _: peers.ansible_decrypt_and_test(folder, env, cwd, self.work),
                "Ansible community.sops + uri (peer)", 1 / 30))
        return found
