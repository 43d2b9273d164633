"""Collect: watch the sources (feeds, news-list pages, sitemaps) and bring in every new
disclosure, once, politely. The first stage of the line: its output goes to `pipeline`.

`watchlist` reads the operator's list, `http` fetches conditionally, `robots` asks robots.txt,
`discover` lists a source's links, `decide` tells incident notices from other news, `watcher`
runs the whole check and `report` says what happened.
"""
from __future__ import annotations

from jikenbo.collect.http import Limits
from jikenbo.collect.report import NewIncident, RunSummary, SourceReport, post_webhook
from jikenbo.collect.watcher import Options, run_once

__all__ = ["Limits", "NewIncident", "Options", "RunSummary", "SourceReport", "post_webhook",
           "run_once"]
