# cwlint developer commands. Every target installs what it needs into .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: install
	@echo '$$ cwlint scan fixtures/demo'
	@$(BIN)/cwlint scan fixtures/demo --fail-on never
	@echo
	@echo '$$ cwlint iam simulate --policy fixtures/iam/metrics-namespace-policy.json --action cloudwatch:PutMetricData --context cloudwatch:namespace=orders'
	@$(BIN)/cwlint iam simulate --policy fixtures/iam/metrics-namespace-policy.json \
		--action cloudwatch:PutMetricData --context cloudwatch:namespace=orders

lint: install
	$(BIN)/ruff check .

test: lint
	$(BIN)/python -m pytest

# Speed and scale on this machine (a few minutes): markdown tables on stdout.
# Options: make bench BENCH_ARGS='--repeats 3 --every 40 --output bench.md'
bench: install
	$(BIN)/python scripts/bench.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
