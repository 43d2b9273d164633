"""Collect: watch the sources (feeds, news-list pages, sitemaps) and bring in every new
disclosure, once, politely. The first stage of the line: its output goes to `pipeline`.

`watchlist` reads the operator's list, `http` fetches conditionally, `robots` asks robots.txt,
`discover` lists a source's links, `decide` tells incident notices from other news, `watcher`
runs the whole check and `report` says what happened. (Nothing is imported here, so that the
`jikenbo` command starts without the feed parser; import the module you need.)
"""
