# The two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
DEPS   := $(VENV)/.deps-installed
# The real third-party data the demo and the tests use lies beside the checkout.
export MARKWATCH_SHARED_DATA ?= $(abspath $(CURDIR)/../shared/data)

.PHONY: demo test test-cluster install lint bench clean services-down

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip wheel setuptools

# Third-party dependencies, pinned by constraints.txt; re-run only when they change.
$(DEPS): $(BIN)/python setup.cfg constraints.txt pyproject.toml
	$(BIN)/pip install --quiet -c constraints.txt ".[test,airflow]"
	touch $(DEPS)

# The package itself is always reinstalled (not editable) so tests run against what is installed;
# its C modules are also built in place, so the checkout itself imports (python -c, bench/).
install: $(DEPS)
	$(BIN)/pip install --quiet --no-deps --force-reinstall .
	$(BIN)/python setup.py --quiet build_ext --inplace

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff check --select AIR3 dags/

test: install lint
	$(BIN)/pytest $(PYTEST_ARGS)

# The cluster scenario (docs/cluster.md): two Elasticsearch nodes, PostgreSQL, Airflow on Celery, two UI
# processes, with faults injected. Not part of `make test` (it needs Redis and about 10 minutes).
test-cluster: install
	$(BIN)/pytest tests/cluster -s $(PYTEST_ARGS)

demo: install
	$(BIN)/markwatch demo

bench: install
	for b in bench/*.py; do $(BIN)/python $$b || exit 1; done

services-down:
	-$(BIN)/markwatch services down

clean: services-down
	rm -rf $(VENV) var build *.egg-info
