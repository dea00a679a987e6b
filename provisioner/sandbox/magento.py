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

    @property
    def label(self) -> str:
        """How the sandbox names what it imitates (``any`` is no Magento release)."""
        if self is MagentoVersion.ANY:
            return "any-method (not a real Magento: accepts all seven signature methods)"
        return f"Magento {self.value}"


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
    Route("/V1/products/:sku", "Magento_Catalog::products",
          {"id": 1, "sku": "sandbox-product", "name": "Sandbox product", "type_id": "simple", "status": 1}),
)
_ROUTE_BY_PATH = {route.path: route for route in ROUTES}
_REST_PATH = re.compile(r"^/rest(?P<rest>/.*)$")
ALL_STORES = "all"
DEFAULT_STORE_CODES = ("default",)


def match_route(path: str, store_codes: tuple[str, ...] = DEFAULT_STORE_CODES) -> Route | None:
    """The route for a request path: ``/rest/V1/...``, ``/rest/<store code>/V1/...`` or ``/rest/all/V1/...``.

    ``app/code/Magento/Webapi/Controller/PathProcessor.php::process`` (2.4-develop, 016ffbcf): the first
    segment after ``/rest`` is dropped when it is a store's code (``getStores(false, true)``: the admin
    store is not among them) or ``all``; otherwise the path stays as it is, so ``/rest/nosuch/V1/...``
    matches no route (404 "Request does not match any route.").
    """
    found = _REST_PATH.match(path)
    if found is None:
        return None
    first, slash, remainder = found.group("rest")[1:].partition("/")
    route = f"{slash}{remainder}" if first in store_codes or first == ALL_STORES else found.group("rest")
    if not route.startswith("/V1/"):
        return None
    route = route.rstrip("/")
    return _ROUTE_BY_PATH.get(route) or next((r for r in ROUTES if _matches(r.path, route)), None)


def _matches(pattern: str, path: str) -> bool:
    """``Webapi/Controller/Rest/Router/Route.php::match``: segment by segment, ``:name`` takes any one."""
    want, got = pattern.split("/"), path.split("/")
    return len(want) == len(got) and all(w == g or (w.startswith(":") and g) for w, g in zip(want, got, strict=True))


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
