"""What the sandbox imitates of Magento 2: versions, routes with their ACL resources, bodies.

Magento answers REST errors as ``{"message": template, "parameters": [...] | {...}}`` with
400 for input errors (``OauthInputException``), 401 for authentication and authorization
failures, 404 for unknown routes and 500 for the rest.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import unquote_plus

from provisioner.applications.magento2 import errors as me


class MagentoVersion(StrEnum):
    V2_4_4 = "2.4.4"  # and later: HMAC-SHA256 only; integration tokens as bearer only when allowed
    V2_4_3 = "2.4.3"  # and earlier: HMAC-SHA1 and HMAC-SHA256; integration tokens work as bearer
    ANY = "any"  # every method the probe can sign with (not a real Magento: for testing the tool)

    def accepts(self, signature_method: str) -> bool:
        if self is MagentoVersion.V2_4_4:
            return signature_method == "HMAC-SHA256"
        if self is MagentoVersion.V2_4_3:
            return signature_method in ("HMAC-SHA1", "HMAC-SHA256")
        return True

    def bearer_always(self) -> bool:
        return self is MagentoVersion.V2_4_3


@dataclass(frozen=True)
class Route:
    """``arguments``: the service method's arguments without a default, which the query must give."""

    path: str
    resource: str
    body: object
    arguments: tuple[str, ...] = ()


_STORE = {
    "id": 1, "code": "default", "website_id": 1, "locale": "en_US", "base_currency_code": "USD",
    "default_display_currency_code": "USD", "timezone": "America/Chicago", "weight_unit": "lbs",
    "base_url": "http://sandbox.invalid/", "base_link_url": "http://sandbox.invalid/",
    "base_static_url": "http://sandbox.invalid/static/", "base_media_url": "http://sandbox.invalid/media/",
    "secure_base_url": "https://sandbox.invalid/", "secure_base_link_url": "https://sandbox.invalid/",
    "secure_base_static_url": "https://sandbox.invalid/static/",
    "secure_base_media_url": "https://sandbox.invalid/media/",
}

ROUTES: tuple[Route, ...] = (
    Route("/V1/store/storeConfigs", "Magento_Backend::store", [_STORE]),
    Route("/V1/store/storeViews", "Magento_Backend::store",
          [{"id": 1, "code": "default", "name": "Default Store View", "website_id": 1, "store_group_id": 1,
            "is_active": 1}]),
    Route("/V1/store/websites", "Magento_Backend::store",
          [{"id": 1, "code": "base", "name": "Main Website", "default_group_id": 1}]),
    # app/code/Magento/Catalog/etc/webapi.xml: GET /V1/products is Api/ProductRepositoryInterface::getList(
    # SearchCriteriaInterface $searchCriteria), no default, resource Magento_Catalog::products (magento/magento2, 2.4).
    Route("/V1/products", "Magento_Catalog::products", {"items": [], "search_criteria": {}, "total_count": 0},
          arguments=("searchCriteria",)),
)
_ROUTE_BY_PATH = {route.path: route for route in ROUTES}
_REST_PATH = re.compile(r"^/rest(?:/(?P<store>[a-z0-9_]+))?(?P<route>/V1/.*)$")


def match_route(path: str) -> Route | None:
    """The route for a request path: ``/rest/V1/...`` or ``/rest/<store code>/V1/...``."""
    found = _REST_PATH.match(path)
    if found is None:
        return None
    return _ROUTE_BY_PATH.get(found.group("route").rstrip("/"))


def error_body(template: str, parameters: list[str] | dict[str, str] | None = None) -> bytes:
    payload: dict[str, object] = {"message": template}
    if parameters:
        payload["parameters"] = parameters
    return json.dumps(payload).encode()


def not_authorized(resource: str) -> tuple[int, bytes]:
    return 401, error_body(me.NOT_AUTHORIZED, {"resources": resource})


def _snake(name: str) -> str:
    return re.sub(r"(?<=\w)(?=[A-Z])", "_", name).lower()


def missing_argument(route: Route, query: str) -> tuple[int, bytes] | None:
    """Magento's 400 for the first argument the query lacks (``ServiceInputProcessor::process``, 6bc3fe98,
    2.4: ``isset($inputArray[$name]) || isset($inputArray[$snake_name])``; PHP parses ``a[b]=1`` as ``a``)."""
    given = {unquote_plus(pair.split("=", 1)[0]).split("[", 1)[0] for pair in query.split("&") if pair}
    for name in route.arguments:
        if name not in given and _snake(name) not in given:
            return 400, error_body(me.FIELD_REQUIRED, {"fieldName": name})
    return None


FAULT_MESSAGES = {
    500: "Internal Error. Details are available in Magento log file. Report ID: webapi-sandbox",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}

STOREFRONT_HTML = (
    "<!doctype html><html><head><title>Home page</title></head>"
    "<body><h1>Home page</h1><p>Magento sandbox storefront.</p></body></html>"
)
ADMIN_HTML = (
    "<!doctype html><html><head><title>Magento Admin</title></head>"
    "<body><form id=\"login-form\"><input name=\"login[username]\"><input type=\"password\" "
    "name=\"login[password]\"></form></body></html>"
)
NOT_FOUND_HTML = (
    "<!doctype html><html><head><title>404 Not Found</title></head>"
    "<body><h1>Whoops, our bad...</h1><p>The page you requested was not found.</p></body></html>"
)


def html_page(path: str) -> tuple[int, str]:
    """The storefront and admin answer HTML: ``/`` and ``/admin`` with 200, anything else with 404."""
    if path in ("", "/"):
        return 200, STOREFRONT_HTML
    if path == "/admin" or path.startswith("/admin/"):
        return 200, ADMIN_HTML
    return 404, NOT_FOUND_HTML
