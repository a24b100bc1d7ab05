"""Why a suspect report ended where it did, and why a URL is not fetched."""

from shared_db.messages.base import message

NOT_ALLOWED = message("This address is not allowed: markwatch only fetches public web addresses")
URL_TOO_LONG = message("give an http(s) URL of at most {limit} characters")
URL_SCHEME = message("only http:// and https:// URLs can be reported")
URL_MALFORMED = message("the URL is malformed: {error}")
URL_NO_HOST = message("the URL has no host name")

REFUSED_UNSAFE = message("refused by the crawler's safety rules: the page or a redirect leads to an address "
                         "that is not public")
REFUSED_ROBOTS = message("the site's robots.txt does not allow fetching this page")
FETCH_HTTP = message("the site answered HTTP {status}")
FETCH_ERROR = message("the page could not be fetched ({error})")
CRAWL_FAILED = message("the crawl of this site failed: {error}")
NO_LISTING = message("the crawl found no product listing at this URL (no JSON-LD, microdata, Open Graph or "
                     "recognisable product data); check the URL")

FETCH_KINDS = {
    "too_large": message("the page is larger than the size limit"),
    "dns_lookup_error": message("the host name does not resolve"),
    "timeout_error": message("the site did not answer in time"),
    "tcp_timed_out_error": message("the site did not answer in time"),
    "connection_refused_error": message("the site refused the connection"),
    "connect_error": message("the site cannot be reached"),
    "response_never_received": message("the site closed the connection without an answer"),
    "not_html": message("the address serves no HTML page (an image, an archive or binary data)"),
}
