"""Publish: stored releases → casebook posts (markdown, HTML, a Blogger import file) and the
annual report. Reads the store, never writes it."""
