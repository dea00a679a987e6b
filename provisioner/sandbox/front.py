"""What can stand in front of Magento and refuse before PHP runs: HTTP basic auth, or a web application firewall.

Their answers are the web server's, not Magento's: Apache httpd's canned error documents
(``modules/http/http_protocol.c``, ``get_canned_error_string``, httpd 2.4) as text/html in ISO-8859-1,
with ``WWW-Authenticate: Basic realm=...`` for the 401 of ``mod_auth_basic``. A request carrying an OAuth
``Authorization`` header cannot also carry basic-auth credentials (one header), so the front refuses it.
"""

from __future__ import annotations

from enum import StrEnum


class Front(StrEnum):
    BASIC_AUTH = "basic-auth"  # an AuthType Basic over the whole site, /rest included
    WAF = "waf"  # a firewall that blocks the request (mod_security's default deny: 403)


BASIC_REALM = 'Basic realm="Restricted"'
UNAUTHORIZED_HTML = (
    "<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n<title>401 Unauthorized</title>\n"
    "</head><body>\n<h1>Unauthorized</h1>\n<p>This server could not verify that you\nare authorized to access "
    "the document\nrequested.  Either you supplied the wrong\ncredentials (e.g., bad password), or your\n"
    "browser doesn't understand how to supply\nthe credentials required.</p>\n</body></html>\n"
)
FORBIDDEN_HTML = (
    "<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n<title>403 Forbidden</title>\n"
    "</head><body>\n<h1>Forbidden</h1>\n<p>You don't have permission to access this resource.</p>\n</body></html>\n"
)
HTML_TYPE = "text/html; charset=iso-8859-1"


def front_answer(front: Front | None) -> tuple[int, dict[str, str], bytes] | None:
    """The front's refusal (status, extra headers, body), or ``None`` when nothing stands in front."""
    if front is Front.BASIC_AUTH:
        return 401, {"WWW-Authenticate": BASIC_REALM}, UNAUTHORIZED_HTML.encode("iso-8859-1")
    if front is Front.WAF:
        return 403, {}, FORBIDDEN_HTML.encode("iso-8859-1")
    return None
