# The two set-up commands: `make run` and `make test`. Both build .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run test test-bundle bench bundle lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

run: $(STAMP)
	$(BIN)/mesodesk

# The whole suite except the PyInstaller bundle, which `make test-bundle` builds and starts.
test: $(TEST_STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -m "not bundle"
	$(BIN)/lint-imports

test-bundle: $(TEST_STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -m bundle tests/packaging

bench: $(TEST_STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python bench/run_all.py

bundle: $(TEST_STAMP)
	$(BIN)/python -m pip install --quiet 'pyinstaller>=6.3'
	$(BIN)/python packaging/build.py

clean:
	rm -rf $(VENV) build dist
