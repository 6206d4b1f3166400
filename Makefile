# Two commands do all setup: `make run` opens the app on the sample catalog, `make test` runs
# the whole suite. Both create .venv and install what they need on first use only.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test reliability lint format package icons bench bench-dedup bench-review bench-bibtex bench-venues bench-events bench-matching bench-scale bench-server screenshots clean

run: $(VENV)/.runtime .qt-libs
	$(BIN)/curator-gui --sample

test: $(VENV)/.test .qt-libs .tex-tools .desktop-tools .postgres
	$(BIN)/ruff check src tests benchmarks scripts packaging
	$(BIN)/ruff format --check src tests benchmarks scripts packaging
	$(BIN)/lint-imports
	$(BIN)/mypy
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q

# The reliability suite at full length (1,000 kill -9, long concurrency and identity runs);
# `make test` runs it at a small scale.
reliability: $(VENV)/.test .qt-libs
	CURATOR_RELIABILITY=full QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -m reliability tests/reliability

lint: $(VENV)/.test
	$(BIN)/ruff check src tests benchmarks scripts packaging
	$(BIN)/lint-imports
	$(BIN)/mypy

format: $(VENV)/.test
	$(BIN)/ruff format src tests benchmarks scripts packaging
	$(BIN)/ruff check --fix src tests benchmarks scripts packaging

# The wheel (dist/curator-VERSION-py3-none-any.whl) and the one-folder app bundle
# (dist/curator/: curator-gui and curator), built from the wheel in build/package/venv with
# PyInstaller; see packaging/README.md.
package: $(VENV)/bin/python
	$(BIN)/python packaging/build.py

# The icon's PNG sizes, rendered again from its SVG sources (resources/icons/).
icons: $(VENV)/.runtime .qt-libs
	QT_QPA_PLATFORM=offscreen $(BIN)/python scripts/render_icons.py

bench: $(VENV)/.test
	$(BIN)/python benchmarks/run.py

bench-dedup: $(VENV)/.test
	$(BIN)/python benchmarks/dedup_bench.py

bench-bibtex: $(VENV)/.test
	$(BIN)/python benchmarks/bibtex_bench.py

bench-venues: $(VENV)/.test
	$(BIN)/python benchmarks/venues_bench.py

bench-matching: $(VENV)/.test
	$(BIN)/python benchmarks/matching_bench.py

bench-scale: $(VENV)/.test .qt-libs
	$(BIN)/python benchmarks/scale_bench.py --works 1000000

# A generated catalog on a real PostgreSQL server beside a SQLite file (issue 18).
bench-server: $(VENV)/.test .qt-libs .postgres
	QT_QPA_PLATFORM=offscreen $(BIN)/python benchmarks/server_bench.py

bench-events: $(VENV)/.test
	$(BIN)/python benchmarks/events_bench.py

bench-review: $(VENV)/.test .qt-libs
	QT_QPA_PLATFORM=offscreen $(BIN)/python benchmarks/review_bench.py

screenshots: $(VENV)/.test .qt-libs
	QT_QPA_PLATFORM=offscreen $(BIN)/python scripts/screenshots.py docs/screenshots

$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "curator needs Python 3.11 or newer"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.runtime: pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install -q -e .
	@touch $@

$(VENV)/.test: pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install -q -e '.[test]'
	@touch $@ $(VENV)/.runtime

# Qt needs a few shared libraries from the system; install them with apt if any is missing.
.qt-libs: scripts/ensure-qt-libs.sh
	@sh scripts/ensure-qt-libs.sh
	@touch $@

# The BibTeX tests check exported files with real pdflatex, bibtex and biber; install them with
# apt if any is missing.
.tex-tools: scripts/ensure-tex.sh
	@sh scripts/ensure-tex.sh
	@touch $@

# The packaging tests check the desktop entry and the AppStream metainfo with
# desktop-file-validate and appstreamcli; install them with apt if either is missing.
.desktop-tools: scripts/ensure-desktop-tools.sh
	@sh scripts/ensure-desktop-tools.sh
	@touch $@

# The store, services and command-line tests also run on a PostgreSQL server the tests start
# themselves (tests/postgres.py); install Debian's server with apt if it is missing.
.postgres: scripts/ensure-postgres.sh
	@sh scripts/ensure-postgres.sh
	@touch $@

clean:
	rm -rf $(VENV) .qt-libs .tex-tools .desktop-tools .postgres .pytest_cache .ruff_cache build dist
