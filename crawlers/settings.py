"""Scrapy settings of the markwatch crawlers (per-run values come from ``crawlers.config.scrapy_settings``)."""

BOT_NAME = "markwatch"
SPIDER_MODULES = ["crawlers.spiders"]
NEWSPIDER_MODULE = "crawlers.spiders"

ROBOTSTXT_OBEY = True
USER_AGENT = "markwatch/0.1 (+https://github.com/markwatch/markwatch)"
CONCURRENT_REQUESTS = 32
CONCURRENT_REQUESTS_PER_DOMAIN = 8
DOWNLOAD_DELAY = 0
# Items processed in parallel *per response*; product pages yield one item, and Scrapy 2.19 starts
# this many asyncio workers for every callback output (100 by default: ~10 % of the crawl's CPU).
CONCURRENT_ITEMS = 8
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_MAX_DELAY = 10.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 4.0
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 10_000_000
DOWNLOAD_WARNSIZE = 10_000_000
RETRY_TIMES = 1
REDIRECT_MAX_TIMES = 5
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"

DNS_RESOLVER = "crawlers.safety.PublicOnlyResolver"
DOWNLOADER_MIDDLEWARES = {
    # first (before OffsiteMiddleware at 50 and robots.txt at 100): every request, redirects included
    "crawlers.safety.PrivateAddressMiddleware": 40,
    # pages of a `render = true` profile go to the guarded browser (crawlers/render.py)
    "crawlers.render.RenderMiddleware": 45,
}

# One concern each, in this order (documented in crawlers/pipelines/__init__.py).
ITEM_PIPELINES = {
    "crawlers.pipelines.validate.ValidatePipeline": 100,
    "crawlers.pipelines.normalise.NormalisePipeline": 200,
    "crawlers.pipelines.evidence.EvidencePipeline": 300,
    "crawlers.pipelines.incremental.IncrementalPipeline": 400,
    "crawlers.pipelines.fetchlog.FetchLogPipeline": 410,
    "crawlers.pipelines.images.ImagesPipeline": 450,
    "crawlers.pipelines.index.IndexPipeline": 500,
}
