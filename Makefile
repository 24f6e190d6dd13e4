# Pontio: `make run` starts the service with demo data; `make test` runs every test.
# Every step installs what it needs and is quick when nothing changed.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FRONTEND := pontio/web/frontend
STATIC_BUILD := pontio/web/build
PO_FILES := $(wildcard locale/*/LC_MESSAGES/*.po)
MO_FILES := $(PO_FILES:.po=.mo)

.DEFAULT_GOAL := help

.PHONY: help
help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

.PHONY: install
install: $(VENV)/.installed static messages ## Install Pontio, its tools and static files

$(VENV)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@

.PHONY: system-deps
system-deps: ## Debian packages: gettext (catalogues), chromium (browser tests)
	@missing=""; \
	command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v npm >/dev/null || missing="$$missing npm"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "Please install these Debian packages first:$$missing"; exit 1; \
	  fi; \
	fi

.PHONY: static
static: $(STATIC_BUILD)/.built

$(STATIC_BUILD)/.built: $(FRONTEND)/package.json $(FRONTEND)/package-lock.json $(shell find $(FRONTEND)/src -type f 2>/dev/null)
	@$(MAKE) --no-print-directory system-deps
	cd $(FRONTEND) && npm ci --no-audit --no-fund --loglevel=error && npm run --silent build
	@touch $@

.PHONY: messages
messages: $(MO_FILES) ## Compile the translation catalogues

%.mo: %.po
	@$(MAKE) --no-print-directory system-deps
	msgfmt --check -o $@ $<

.PHONY: makemessages
makemessages: $(VENV)/.installed ## Update locale/cy from the code and templates
	$(BIN)/pontio makemessages --locale cy --no-obsolete --add-location file --ignore '.venv/*' --ignore 'pontio/web/frontend/*' --ignore 'bench/*' --ignore 'tests/*'

.PHONY: run
run: install ## Start Pontio at http://127.0.0.1:8000 with demo organisations and users
	$(BIN)/pontio collectstatic --noinput --verbosity 0
	$(BIN)/pontio serve --demo

.PHONY: test
test: install ## Run the whole test suite (DATABASE_URL selects PostgreSQL)
	@$(MAKE) --no-print-directory system-deps
	$(BIN)/pytest $(PYTEST_ARGS)

.PHONY: lint
lint: $(VENV)/.installed ## ruff, format check, mypy, import contracts, templates, secrets
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy --strict pontio/ctf
	$(BIN)/lint-imports
	$(BIN)/djhtml --check $$(git ls-files 'pontio/*.html')
	@# Exit 3 means only that known false positives moved (the baseline is refreshed).
	$(BIN)/detect-secrets-hook --baseline .secrets.baseline $$(git ls-files) || [ $$? -eq 3 ]

.PHONY: fmt
fmt: $(VENV)/.installed ## Format the code and templates
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/djhtml $$(git ls-files 'pontio/*.html')

.PHONY: bench
bench: install ## Run the benchmarks (see bench/README.md)
	$(BIN)/python -m bench

.PHONY: clean
clean: ## Remove the virtualenv and built files (not the data folder)
	rm -rf $(VENV) $(STATIC_BUILD) $(FRONTEND)/node_modules
