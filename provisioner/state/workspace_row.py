"""The workspace row under the chain: read and check it (key, chain, serial), and write through a ``Writer``.

A ``Writer`` is one write transaction: it holds the verified chain, records every change of a
record in it, appends chained history rows, and at the end stores the new serial, chain and
chain MAC — all in the transaction of the write itself.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass, replace

from provisioner.errors import StateError
from provisioner.secrets.keys import StateKeys
from provisioner.state import chain, history
from provisioner.state.backend import Tx
from provisioner.state.chain import Chain, ChainKeys

_SELECT = "SELECT lineage, serial, key_check, chain, chain_mac FROM workspaces WHERE name = ?"


@dataclass(frozen=True)
class Keys:
    state: StateKeys
    chain: ChainKeys

    @classmethod
    def derive(cls, key: bytes) -> Keys:
        return cls(StateKeys.derive(key), ChainKeys.derive(key))


def wrong_key(workspace: str, where: str) -> StateError:
    return StateError(
        f"wrong state key for workspace {workspace} at {where}: the state was sealed with a different key",
        hint="use the key this state was created or last rekeyed with (PROVISIONER_STATE_KEY or the key file)",
        code="state-wrong-key",
    )


@dataclass(frozen=True)
class WorkspaceRow:
    lineage: str
    serial: int
    chain: Chain | None  # None: written before the chain existed (establish it)


def read(tx: Tx, keys: Keys, workspace: str, where: str, *, lock: bool) -> WorkspaceRow:
    """The checked workspace row: the key first (wrong key is never reported as tampering), then the chain."""
    row = tx.one(_SELECT + (tx.for_update if lock else ""), (workspace,))
    if row is None:
        raise StateError(f"workspace {workspace} does not exist in {where}")
    lineage, serial, check, chain_json, mac = str(row[0]), int(row[1]), str(row[2]), row[3], row[4]
    chained = chain.chained_key_check(keys.state.check, workspace)
    unchained = keys.state.key_check(workspace)
    if chain_json is None:
        if hmac.compare_digest(check, chained):
            raise chain.workspace_tampered(workspace, "its integrity chain was removed")
        if not hmac.compare_digest(check, unchained):
            raise wrong_key(workspace, where)
        return WorkspaceRow(lineage, serial, None)
    if not hmac.compare_digest(check, chained):
        if hmac.compare_digest(check, unchained):
            raise chain.workspace_tampered(workspace, "its key check was set back to one from before the chain")
        raise wrong_key(workspace, where)
    return WorkspaceRow(lineage, serial, chain.load(keys.chain, workspace, lineage, serial=serial,
                                                    chain_json=str(chain_json), mac=str(mac or "")))


def store_chain(tx: Tx, keys: Keys, workspace: str, lineage: str, new: Chain) -> None:
    text = new.to_json()
    mac = chain.chain_mac(keys.chain, workspace, lineage, text)
    tx.execute("UPDATE workspaces SET serial = ?, chain = ?, chain_mac = ?, key_check = ? WHERE name = ?",
               (new.serial, text, mac, chain.chained_key_check(keys.state.check, workspace), workspace))
    chain.remember(keys.chain, workspace, lineage, chain=new, chain_json=text, mac=mac)


def establish(tx: Tx, keys: Keys, workspace: str, where: str) -> None:
    """Give a workspace written before the chain its chain, over the rows it holds now (no history row)."""
    current = read(tx, keys, workspace, where, lock=True)
    if current.chain is not None:
        return
    rows = tx.all("SELECT address, serial, mac FROM records WHERE workspace = ?", (workspace,))
    records = {str(a): (int(s), str(m)) for a, s, m in rows}
    store_chain(tx, keys, workspace, current.lineage,
                Chain(current.serial, records, history.rebase(tx, workspace)))


def empty_chain() -> Chain:
    return Chain(0, {}, history.Head(0, "", 0, ""))


class Writer:
    """One write transaction on the workspace: the verified chain in, the advanced chain out."""

    def __init__(self, tx: Tx, keys: Keys, workspace: str, where: str, *, bump: bool) -> None:
        row = read(tx, keys, workspace, where, lock=True)
        if row.chain is None:  # another process migrated but nobody established yet
            establish(tx, keys, workspace, where)
            row = read(tx, keys, workspace, where, lock=True)
        assert row.chain is not None
        history.check_head(tx, workspace, row.chain.history)
        self.tx, self.keys, self.workspace, self.lineage = tx, keys, workspace, row.lineage
        self._keys_found = keys
        self.serial = row.serial + 1 if bump else row.serial
        self._found = row.chain
        self.chain: Chain = replace(row.chain, serial=self.serial)

    def bump(self) -> int:
        """The next serial, for one more write in this transaction (a batch moves the serial once per record)."""
        self.serial += 1
        self.chain = replace(self.chain, serial=self.serial)
        return self.serial

    def log(self, action: str, address: str | None, *, actor: str, outcome: str = "ok",
            detail: str | None = None) -> None:
        head = history.append(self.tx, self.keys.chain.history, self.chain.history, workspace=self.workspace,
                              serial=self.serial, action=action, address=address, actor=actor, outcome=outcome,
                              detail=detail)
        self.chain = replace(self.chain, history=head)

    def finish(self) -> None:
        """Store the advanced chain (and serial); a transaction that changed nothing (a lease poll) writes nothing."""
        if self.chain != self._found or self.keys is not self._keys_found:
            store_chain(self.tx, self.keys, self.workspace, self.lineage, self.chain)
