"""What to do about each Magento 2 answer: the hints of ``responses.py``, each with the source it rests on.

Sources are magento/magento2 files (short hashes: the versions read; 2.4-develop unless a release is named).
No hint sends anyone to Reauthorize unless the token is gone anyway: Reauthorize deletes the access token
(Integration/Controller/Adminhtml/Integration/TokensExchange.php, 05da4bc1), so the declared accessToken and
tokenSecret stop working. Permissions take effect on Save (Integration/Model/Plugin/Integration::afterUpdate
saves the resources of the integration's role when the integration is saved).
"""

from __future__ import annotations

# Webapi/Model/Authorization/OauthUserContext.php::getUserId (2.4.7): an OAuth request whose signature verified
# is bound to findActiveIntegrationByConsumerId only, so an inactive integration is a guest too.
SAVE_ACL = (
    "grant the resource under System > Extensions > Integrations > (integration) > API and Save (it takes "
    "effect at once; no reauthorization needed: Reauthorize would delete the access token in the "
    "declaration), and check that the integration's Status there is Active"
)
PERMISSION_HINT = (
    "Magento verified the OAuth header (a request with a deliberately wrong signature was refused as such), "
    "but does not let this integration use {resources}: " + SAVE_ACL
)
# Framework/Oauth/Helper/Request.php::_processHeader (06691e10): no "OAuth " Authorization header, no OAuth
# parameters, and OauthUserContext returns no user: the request is a guest's and gets the ACL message.
# Magento's own pub/.htaccess carries "RewriteRule .* - [E=HTTP_AUTHORIZATION:%{HTTP:Authorization}]"
# ("workaround for HTTP authorization in CGI environment"), which nginx and AllowOverride None ignore.
HEADER_FIX = (
    "Apache with PHP-FPM/FastCGI: add 'SetEnvIf Authorization .+ HTTP_AUTHORIZATION=$0' (or, Apache 2.4.13+, "
    "'CGIPassAuth On') to the virtual host or Magento's .htaccess; nginx: "
    "'fastcgi_param HTTP_AUTHORIZATION $http_authorization;'; a proxy, load balancer or CDN in front must "
    "forward the Authorization header"
)
HEADER_STRIPPED_HINT = (
    "Magento never saw the OAuth Authorization header: a request with a deliberately wrong signature got the "
    "same answer, so it treats both as a guest's (the integration's permissions are not the problem yet). "
    "The web server drops the header before PHP: " + HEADER_FIX
)
PERMISSION_OR_HEADER_HINT = (
    "Magento treated the request as a guest's: either the integration may not use {resources} or is not "
    "Active (" + SAVE_ACL + "), or the Authorization header does not reach PHP (" + HEADER_FIX + ")"
)
BEARER_HINT = (
    "Magento rejected the bearer token. Magento 2.4.4+ accepts an integration's access token as a "
    "bearer token only when Stores > Configuration > Services > OAuth > Consumer Settings > "
    "'Allow OAuth Access Tokens to be used as standalone Bearer tokens' is Yes; otherwise check the "
    "token (System > Extensions > Integrations), that the integration may use {resources} (API tab, Save), "
    "and that the web server passes the Authorization header to PHP"
)
UNSUPPORTED_HINT = (
    "this Magento does not accept {method}; Magento 2.4.4 and later accept only HMAC-SHA256: "
    "set auth.signatureMethod: HMAC-SHA256"
)
NOT_FOUND_HINT = "auth.baseUri should be the REST root ending in /rest (https://shop.example.com/rest)"
NOT_API_HINT = (
    "the URL answers with a web page, not Magento's REST API: it points at the storefront or the "
    "admin; auth.baseUri should end in /rest"
)
SERVER_ERROR_HINT = "the server failed; Magento writes the details to var/log/exception.log (or var/report)"
# Magento's REST errors are JSON (or XML when asked): Webapi/ErrorProcessor.php, Rest/Response.php. An HTML
# 401/403 comes from whatever stands in front of PHP.
BASIC_AUTH_HINT = (
    "an HTTP authentication layer in front of Magento (the web server's or a proxy's basic auth: "
    "'WWW-Authenticate: {challenge}') refused the request before Magento saw it; OAuth and basic auth cannot "
    "share one Authorization header: exempt the /rest path from the HTTP authentication (or allow this "
    "machine's address there)"
)
FIREWALL_HINT = (
    "a web application firewall, proxy or CDN in front of Magento refused the request with a web page "
    "(Magento's REST API answers with JSON): allow this machine's address and the /rest path there, "
    "and let the Authorization header through"
)
# Integration/Model/Oauth/Token/Provider.php::validateAccessTokenRequest (bb340cc4): a revoked token stays
# revoked; Reauthorize (TokensExchange.php) deletes it and issues a new access token and token secret.
REVOKED_HINT = (
    "Magento revoked this access token: Reauthorize the integration (System > Extensions > Integrations), "
    "which issues a new access token and token secret, then put both into the declaration "
    "(provisioner secrets edit FILE: accessToken, and tokenSecret unless the method is RSA) and apply"
)
MISSING_ARGUMENT_HINT = (
    "the request authenticated and was permitted, but the ping path lacks the service argument "
    "'{field}': give it in the query (for a search, e.g. ?searchCriteria[pageSize]=1) or use a ping path "
    "that needs no argument (advanced.pingPath: /V1/store/storeConfigs)"
)
# Framework/Oauth/Oauth.php::_checkRequiredParams (447c9b4d) uses the same phrase for a missing oauth_* parameter.
OAUTH_PARAMETER_HINT = (
    "the OAuth header Magento received lacks {field}: something between this machine and Magento (a proxy) "
    "rewrites the Authorization header; send it unchanged"
)
CLOCK_AHEAD_HINT = (
    "this machine's clock is about {seconds} s ahead of the server's (its Date header), and Magento refuses "
    "an oauth_timestamp more than 600 s ahead with this message: sync the clock (NTP) of the machine running "
    "the test, or the store's, which may be behind"
)
NONCE_STORAGE_HINT = (
    "the timestamp was not too far ahead ({relation} the server's clock, by its Date header; Magento accepts "
    "any past timestamp), so Magento failed to check or store the nonce in its oauth_nonce table: a database "
    "problem, which Magento does not log; check MySQL and that table, then test again"
)
NONCE_HINT = (
    "either this machine's clock is more than 600 s ahead of the store's (sync the clock of the machine "
    "running the test, or the store's, with NTP), or Magento failed to store the nonce (its oauth_nonce "
    "table: a database problem)"
)
