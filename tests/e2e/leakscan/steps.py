"""The leak scan's story: every command of the CLI in every format it accepts, in an order that builds state.

``SQLITE_STORY`` runs every step of ``AGREED_SQLITE_STORY`` whose command and format the CLI offers (the
hostile connections' tests fail: exit 1 is the command doing its work; ``apply --skip-test`` then commits
them, so the commands that read the state meet the hostile endpoint with sealed credentials).
``POSTGRES_STORY`` runs the commands that touch the state again on PostgreSQL, with a pg_dump scanned
after each. ``cli_formats()`` reads the commands and their formats
from the CLI itself, so a new command or format without a step shows up as a missing row.
"""

from __future__ import annotations

from pathlib import Path

from tests.e2e.leakscan.story import LeakStory, Step
from tests.support.leak_canaries import connection_text
from tests.support.leak_scan import Canary

OK = frozenset({0})
FAILED = frozenset({1})  # the hostile connections fail their tests: the command reported them
ERROR = frozenset({1})
DRIFTED = frozenset({0, 1, 2})
PING = "/V1/store/storeConfigs"


def step(command: str, fmt: str, *args: str, codes: frozenset[int] = OK, **hooks: object) -> Step:
    words = command.split(" ")
    cut = next((i for i, w in enumerate(words) if w.startswith("-")), len(words))
    return Step(command, fmt, (*words[:cut], *args, *words[cut:], "--format", fmt), codes,
                **hooks)  # type: ignore[arg-type]


def _delete(*names: str):
    def hook(story: LeakStory) -> None:
        for name in names:
            story.project.path(name).unlink()
    return hook


def _rekeyed(index: int):
    def hook(story: LeakStory) -> None:
        story.use_state_key(story.rekeys[index])
    return hook


def _init_key_file(fmt: str) -> str:
    return str(Path("..") / "keys" / f"init-{fmt}.agekey")


def _init_identity(fmt: str):
    def secrets(story: LeakStory) -> list[Canary]:
        text = (story.base / "keys" / f"init-{fmt}.agekey").read_text(encoding="utf-8")
        return [Canary(f"age identity made by init ({fmt})", line.strip()) for line in text.splitlines()
                if line.startswith("AGE-SECRET-KEY-")]
    return secrets


def _plain_declaration(name: str):
    """Write connections/NAME.yaml with its secrets in clear (as a user does before ``secrets encrypt``)."""
    def hook(story: LeakStory) -> None:
        creds = story.canaries.of("HMAC-SHA256")
        story.project.path(name).write_text(connection_text(name, story.sandbox_uri, creds, story.sandbox_ca),
                                            encoding="utf-8")
    return hook


# Each inner list is a phase (steps for a command or format the CLI does not offer are left out, see
# ``offered``): its commands run at once (none depends on another of the same phase). Only
# one command of a phase sends requests to the endpoint, except the four drifts: which of them meets which
# encoding varies from run to run, what the four meet together does not.
AGREED_SQLITE_STORY: list[list[Step]] = [
    [step("validate", "human"), step("validate --decrypt", "json"), step("validate --decrypt", "github"),
     step("plan", "human", "--out", "plan.json", "--markdown", "plan.md"), step("plan", "json"),
     step("plan --detailed-exitcode", "markdown", codes=frozenset({2})), step("plan", "github"),
     step("validate", "gitlab"),
     *(step("schema", f) for f in ("human", "json")),
     *(step("init", f, f"../init-{f}", "--key-file", _init_key_file(f), secrets=_init_identity(f))
       for f in ("human", "json"))],
    [*(step("show", f, "plan.json") for f in ("human", "json", "markdown")), step("test", "human", codes=FAILED)],
    [step("test", "github", codes=FAILED)],
    [step("apply", "human", "plan.json", codes=FAILED)],
    [step("apply --auto-approve", "github", codes=FAILED)],
    [step("apply --auto-approve --skip-test", "json")],
    [step("test --from state", "json", codes=FAILED),
     *(step("state list", f) for f in ("human", "json")),
     step("state show", "human", "echo-rsa-sha512-type"), step("state show", "json", "echo-plaintext-403"),
     step("state history", "json"), step("state locks", "human"),
     *(step("state unlock", f, "no-such-lock", codes=ERROR) for f in ("human", "json"))],
    [step("call", "human", "echo-plaintext-403", "GET", PING, codes=FAILED),
     step("call", "human", "echo-bearer-body", "GET", PING, codes=FAILED),
     step("call", "human", "echo-hmac-sha256-location", "GET", PING, codes=FAILED),
     step("call", "json", "echo-rsa-sha256-split", "GET", PING, codes=FAILED),
     step("call", "json", "echo-hmac-sha1-params", "GET", PING, codes=FAILED)],
    [step("drift", "human", codes=DRIFTED), step("drift", "json", codes=DRIFTED),
     step("drift --no-test", "markdown", codes=DRIFTED), step("drift", "github", codes=DRIFTED)],
    [step("import", "human", "ok-hmac-sha1", before=_delete("ok-hmac-sha1"))],
    [step("import", "json", "--all", before=_delete("ok-hmac-sha512", "ok-bearer", "ok-rsa-sha1"))],
    [step("secrets encrypt", "human", "connections/plain-human.yaml", before=_plain_declaration("plain-human")),
     step("secrets encrypt", "json", "connections/plain-json.yaml", before=_plain_declaration("plain-json"))],
    [step("secrets edit", "human", "connections/ok-hmac-sha256.yaml")],
    [step("secrets edit", "json", "connections/ok-plaintext.yaml")],
    [step("secrets updatekeys", "human", "--all")],
    [step("secrets updatekeys", "json", "connections/ok-rsa-sha256.yaml")],
    [step("secrets rotate", "human", "connections/ok-rsa-sha512.yaml")],
    [step("secrets rotate", "json", "--all")],
    [step("state quarantine", "human", "echo-hmac-sha256-split")],
    [step("state quarantine", "json", "echo-hmac-sha256-location")],
    [step("state rm", "human", "echo-hmac-sha512-type", "--yes")],
    [step("state rm", "json", "echo-hmac-sha512-403", "--yes")],
    [step("state rekey", "human", "--new-key-file", "../keys/rekey1.key", after=_rekeyed(0))],
    [step("state rekey", "json", "--new-key-file", "../keys/rekey2.key", after=_rekeyed(1))],
    [step("test --from state", "human", codes=FAILED), step("state history --drift", "human"),
     step("state locks", "json")],
]



def offered(story: list[list[Step]]) -> list[list[Step]]:
    """``story`` without the steps whose command or format this CLI does not have (yet): a step is written
    for each command and format the project has agreed on, and runs from the day the CLI offers it."""
    formats = cli_formats()
    kept = [[s for s in phase if s.fmt in formats.get(s.command.split(" -", 1)[0], ())] for phase in story]
    return [phase for phase in kept if phase]


POSTGRES_STORY: list[list[Step]] = [
    [step("plan", "json", "--out", "plan.json")],
    [step("apply", "human", "plan.json", codes=FAILED)],
    [step("apply --auto-approve --skip-test", "json")],
    [step("test --from state", "human", codes=FAILED), step("state show", "json", "echo-rsa-sha512-type"),
     step("state history", "human")],
    [step("call", "json", "echo-plaintext-500", "GET", PING, codes=FAILED)],
    [step("drift", "json", codes=DRIFTED)],
    [step("state rekey", "human", "--new-key-file", "../keys/rekey1.key", after=_rekeyed(0))],
    [step("state list", "json")],
]


def cli_formats() -> dict[str, tuple[str, ...]]:
    """Every command of the CLI (``state show``) and the formats its ``--format`` accepts."""
    import typer.main

    import provisioner.cli.app  # noqa: F401 - registers the commands
    from provisioner.cli.root import app

    found: dict[str, tuple[str, ...]] = {}

    def walk(command: object, prefix: tuple[str, ...]) -> None:
        subs = getattr(command, "commands", None)
        if subs:
            for name, sub in subs.items():
                walk(sub, (*prefix, name))
            return
        option = next((p for p in getattr(command, "params", []) if "--format" in getattr(p, "opts", [])), None)
        found[" ".join(prefix)] = tuple(str(option.metavar).split("|")) if option is not None else ()

    walk(typer.main.get_command(app), ())
    return found


SQLITE_STORY = offered(AGREED_SQLITE_STORY)
