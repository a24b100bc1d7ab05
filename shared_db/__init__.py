"""The data layer every part of markwatch shares: settings, SQL models, repositories, Elasticsearch."""
