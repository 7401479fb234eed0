# PassDesk: `make run` opens the app, `make test` runs every test headless.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
SYSTEM_STAMP := $(VENV)/.system-packages
# pytest-xdist: one worker per core, at most 4 (each builds its own desk templates); set it to
# -n0 to run the tests in this process (a debugger, a single test).
PYTEST_WORKERS ?= -n auto --maxprocesses=4
# What Qt needs to draw offscreen and what the printing tests use to read PDFs back.
SYSTEM_PACKAGES := poppler-utils libgl1 libegl1 libxkbcommon0 libfontconfig1 libdbus-1-3 \
	xvfb xauth libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 libxkbcommon-x11-0 \
	libxcb-image0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libnss3 libxcomposite1 \
	libxdamage1 libxrandr2 libxtst6 libasound2
# A PostgreSQL server the tests start and stop themselves (tests/pg_server.py): Debian's
# package, installed once when its programs are missing (root, as on CI).
POSTGRES_STAMP := $(VENV)/.system-packages-postgres
INSTALLER_STAMP := $(VENV)/.installed-installer
INSTALLER_SYSTEM_STAMP := $(VENV)/.system-packages-installer
# What the bundle's build needs (icupkg cuts Qt's ICU data, readelf and cc rebuild it) and what
# its test drives the frozen window with; openbox draws the title bar for the screenshot.
INSTALLER_PACKAGES := icu-devtools binutils gcc xdotool x11-utils openbox

.PHONY: run test test-postgres test-crash lint bench screenshots clean system-packages \
	installer installer-test installer-bench installer-screenshot

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(STAMP)

# Debian packages installed once when missing (root, as on CI), skipped elsewhere.
define debian_packages
	@if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
		missing=""; for p in $(1); do \
			dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
		if [ -n "$$missing" ]; then \
			echo "installing:$$missing"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
		fi; \
	fi
	touch $@
endef

$(SYSTEM_STAMP): | $(BIN)/python
	$(call debian_packages,$(SYSTEM_PACKAGES))

# RUNLEVEL=1: the package's scripts leave its own cluster stopped; the tests start theirs.
$(POSTGRES_STAMP): | $(BIN)/python
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 \
		&& [ "$$(id -u)" = 0 ]; then \
		echo "installing: postgresql"; \
		apt-get update -qq && RUNLEVEL=1 DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -qq postgresql >/dev/null; \
	fi
	touch $@

$(INSTALLER_SYSTEM_STAMP): | $(BIN)/python
	$(call debian_packages,$(INSTALLER_PACKAGES))

$(INSTALLER_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[installer]'
	touch $@ $(STAMP)

system-packages: $(SYSTEM_STAMP)

run: $(STAMP)
	$(BIN)/passdesk

# Every test on SQLite; on PostgreSQL, the services' tests of a few modules, the server's own
# tests and 20 kills of a handout loop (tests/unit/conftest.py POSTGRES_SOME).
test: $(TEST_STAMP) $(SYSTEM_STAMP) $(POSTGRES_STAMP)
	$(BIN)/ruff check passdesk tests benchmarks tools installer
	$(BIN)/ruff format --check --quiet passdesk tests benchmarks tools installer
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest -q $(PYTEST_WORKERS)

# Every services test on PostgreSQL (C.UTF-8 and French ICU databases) and eight desks racing
# on one server: what `make test` leaves out to stay near a minute.
test-postgres: $(TEST_STAMP) $(POSTGRES_STAMP)
	$(BIN)/python -m pytest -q $(PYTEST_WORKERS) -m "postgres and not crash" --postgres-suite=all

# A handout loop killed 100 times on SQLite and on PostgreSQL (make test kills it 20 times).
test-crash: $(TEST_STAMP) $(POSTGRES_STAMP)
	$(BIN)/python -m pytest -q $(PYTEST_WORKERS) -m crash tests/integration/test_crash.py

lint: $(TEST_STAMP)
	$(BIN)/ruff check passdesk tests benchmarks tools installer

bench: $(TEST_STAMP)
	$(BIN)/python -m benchmarks.run_all

# One X server per screen size: a dialog sizes itself for the screen it opens on.
SCREEN_SIZES := 1280x720 1920x1080
screenshots: $(STAMP) $(SYSTEM_STAMP)
	for size in $(SCREEN_SIZES); do \
		xvfb-run -a -s "-screen 0 $${size}x24" $(BIN)/python tools/screenshots.py --size $$size \
			|| exit 1; \
	done

# The frozen bundle (dist/passdesk/, rebuilt only when a source is newer) and its tar.gz.
# The bundle carries the xcb and fontconfig libraries the system packages provide: install them
# before building, or the bundle ships without them and fails on a PC that lacks them.
installer: $(INSTALLER_STAMP) $(INSTALLER_SYSTEM_STAMP) $(SYSTEM_STAMP)
	$(BIN)/python installer/linux/build.py

# The frozen program run with no Python on PATH: self-test, console tool, window under Xvfb.
installer-test: installer $(TEST_STAMP) $(SYSTEM_STAMP)
	$(BIN)/python -m pytest -q -m installer tests/installer

# Size, cold start against a bare frozen PySide6 window, build time (docs/performance.md).
installer-bench: installer $(SYSTEM_STAMP)
	$(BIN)/python -m benchmarks.installer_bundle --build

installer-screenshot: installer $(SYSTEM_STAMP)
	$(BIN)/python tools/installer_screenshot.py

clean:
	rm -rf $(VENV) .pytest_cache build dist *.egg-info
