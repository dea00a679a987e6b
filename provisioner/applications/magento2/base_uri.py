"""What the path of a Magento 2 ``baseUri`` should look like: ``.../rest`` or ``.../rest/<store code>``.

Magento's facts, each from its source (magento/magento2, 2.4-develop, read 2026-12):

- REST requests are routed by the ``rest`` area front name, then
  ``app/code/Magento/Webapi/Controller/PathProcessor.php::process`` takes the first segment after it
  as a store code when it names a store (``StoreManager::getStores(false, true)``: without the admin
  store) or is ``all``, else leaves the path as it is — so ``/rest/<code>/V1/...`` and ``/rest/V1/...``
  are the two shapes, and the probe appends a ping path that starts with ``/V1/``.
- Store codes: ``app/code/Magento/Store/Model/Validation/StoreCodeValidator.php`` (2.4) accepts
  ``^[a-z]+[a-z0-9_]*$`` (case-insensitive).
- The admin's front name is ``admin`` by default; ``setup:install --backend-frontname`` (and the
  installer's generated ``admin_<random>``) change it (``app/etc/env.php`` ``backend.frontName``).
  The admin answers HTML login pages, never the REST API.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from provisioner.applications.magento2.finding import Finding

STORE_CODE = re.compile(r"^[a-z][a-z0-9_]*$", re.IGNORECASE)
ADMIN_SEGMENT = re.compile(r"^(admin|backend)([_-][a-z0-9]+)?$", re.IGNORECASE)
EXAMPLE = "https://shop.example.com/rest"



def base_uri_findings(base_uri: str) -> list[Finding]:
    """Warnings about the path of an absolute http(s) ``baseUri`` (at most one: the first that applies)."""
    path = urlsplit(base_uri).path.rstrip("/")
    segments = [s for s in path.split("/") if s]
    if segments and segments[-1].lower() == "admin":
        return [Finding("check.base-uri-admin", "`spec.auth.baseUri` ends in /admin, which is not the REST API",
                           f"replace admin with rest (e.g. {EXAMPLE})")]
    admin = next((s for s in segments if ADMIN_SEGMENT.match(s)), None)
    if admin is not None:
        return [Finding(
            "check.base-uri-admin",
            f"`spec.auth.baseUri` goes through /{admin}, which looks like Magento's admin URL (a custom "
            "backend front name); the admin answers HTML, never the REST API",
            f"use the storefront's REST root instead: the shop's base URL followed by /rest (e.g. {EXAMPLE})",
        )]
    if len(segments) >= 2 and segments[-2] == "rest" and segments[-1].upper() == "V1":
        return [Finding(
            "check.base-uri-v1",
            "`spec.auth.baseUri` ends in /rest/V1: the ping path already starts with /V1, so the test "
            "would request /rest/V1/V1/... and get 404 \"Request does not match any route.\"",
            f"drop the trailing /V1 (e.g. {EXAMPLE})",
        )]
    if segments and segments[-1] == "rest":
        return []
    if len(segments) >= 2 and segments[-2] == "rest" and STORE_CODE.match(segments[-1]):
        return []
    return [Finding(
        "check.base-uri-rest",
        "`spec.auth.baseUri` does not end in /rest or /rest/<store code>, where Magento's REST API answers",
        f"end it in /rest (e.g. {EXAMPLE}), or /rest/<store code> for one store view",
    )]
