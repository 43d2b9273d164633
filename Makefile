# Two commands do all set-up (see README): `make run` and `make test`.
VENV := .venv
PYTHON ?= python3

.PHONY: run test bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[test]'
	touch $@

run: $(VENV)/.installed
	$(VENV)/bin/jikenbo start

test: $(VENV)/.installed
	$(VENV)/bin/python -m pytest

bench: $(VENV)/.installed
	$(VENV)/bin/pip install --quiet -e '.[bench]'
	$(VENV)/bin/python bench/extract_bench.py
	$(VENV)/bin/python bench/link_bench.py

clean:
	rm -rf $(VENV) jikenbo.db jikenbo.db-wal jikenbo.db-shm
