"""One ``requests.Session`` per base URI, shared by the threads that test connections.

Many connections usually point at a handful of Magento instances; sharing a session per
base URI reuses TCP and TLS connections across tests. Each session's connection pool is
as large as the parallelism, so concurrent tests of one instance never queue for (or
throw away) connections. Their connections register with the current thread's
``Deadline`` (probe/deadline.py), so one timeout bounds a whole exchange.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter

from provisioner import __version__
from provisioner.probe.deadline import watch_pools

USER_AGENT = f"provisioner/{__version__} (connection test)"

ACCEPT_ENCODING = "gzip, deflate"  # what probe/body.py decodes (with a cap on the decoded size)


class WatchedAdapter(HTTPAdapter):
    """An adapter whose connections (direct or through a proxy) honour the thread's ``Deadline``."""

    def init_poolmanager(self, connections: int, maxsize: int, block: bool = False, **pool_kwargs: Any) -> None:
        super().init_poolmanager(connections, maxsize, block, **pool_kwargs)
        watch_pools(self.poolmanager)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        known = proxy in self.proxy_manager
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if not known and not proxy.lower().startswith("socks"):
            watch_pools(manager)
        return manager


class SessionPool:
    def __init__(self, pool_maxsize: int = 16) -> None:
        self._pool_maxsize = max(1, pool_maxsize)
        self._sessions: dict[str, requests.Session] = {}
        self._settings: dict[tuple[str, str, tuple[tuple[str, str], ...], bool | str], dict[str, Any]] = {}
        self._lock = threading.Lock()

    def _new_session(self) -> requests.Session:
        session = requests.Session()
        adapter = WatchedAdapter(pool_connections=4, pool_maxsize=self._pool_maxsize, max_retries=0)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        session.headers["User-Agent"] = USER_AGENT
        session.headers["Accept"] = "application/json"
        session.headers["Accept-Encoding"] = ACCEPT_ENCODING
        return session

    def session_for(self, base_uri: str) -> requests.Session:
        key = base_uri.rstrip("/")
        with self._lock:
            session = self._sessions.get(key)
            if session is None:
                session = self._sessions[key] = self._new_session()
            return session

    def settings_for(self, session: requests.Session, url: str, proxies: Mapping[str, str],
                     verify: bool | str) -> dict[str, Any]:
        """``session.merge_environment_settings(url, proxies, True, verify, None)``, worked out once per origin.

        It reads the proxy variables of the whole environment (twice, for ``no_proxy``) on every call: a
        sixth of a connection test's CPU (issue 16). What it gives depends only on the origin (``no_proxy``
        matches hosts and ports), the arguments and the environment, which a run does not change.
        """
        parts = urlsplit(url)
        key = (parts.scheme.lower(), parts.netloc.lower(), tuple(sorted(proxies.items())), verify)
        with self._lock:
            found = self._settings.get(key)
        if found is None:
            found = dict(session.merge_environment_settings(url, dict(proxies), True, verify, None))
            with self._lock:
                self._settings[key] = found
        return {**found, "proxies": dict(found["proxies"])}  # a copy: the caller's to change

    def __len__(self) -> int:
        with self._lock:
            return len(self._sessions)

    def close(self) -> None:
        with self._lock:
            sessions, self._sessions = list(self._sessions.values()), {}
        for session in sessions:
            session.close()

    def __enter__(self) -> SessionPool:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
