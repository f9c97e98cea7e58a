# The two set-up commands: `make run` and `make test`. Both build .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run test test-bundle bench bundle lint clean i18n-extract i18n-update

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# Translations: the .po sources are committed, the .mo files compiled from them (when a .po
# is newer) before the app or the tests run, and never committed. Two domains: the app's
# (mesodesk) and the patient's papers (documents), each with its Babel mapping file.
I18N := resources/i18n
DOMAINS := mesodesk documents
MO_FILES := $(patsubst %.po,%.mo,$(wildcard $(I18N)/*/LC_MESSAGES/*.po))
# Qt's own strings that Qt ships no Greek for, marked in mesodesk/ui/qt_translations.py.
EXTRACT_KEYWORDS := -k qt_noop:1c,2

$(I18N)/%.mo: $(I18N)/%.po | $(STAMP)
	$(BIN)/pybabel -q compile --statistics -i $< -o $@

# The templates (.pot) from the source, then every language's .po brought up to date.
i18n-extract: $(STAMP)
	for domain in $(DOMAINS); do \
	  $(BIN)/pybabel -q extract -F babel-$$domain.cfg $(EXTRACT_KEYWORDS) --sort-output --no-location \
	    --project mesodesk --copyright-holder "the mesodesk authors" \
	    -o $(I18N)/$$domain.pot . || exit 1; \
	done

i18n-update: i18n-extract
	for domain in $(DOMAINS); do \
	  for po in $(I18N)/*/LC_MESSAGES/$$domain.po; do \
	    [ -f "$$po" ] || continue; \
	    lang=$$(basename $$(dirname $$(dirname $$po))); \
	    $(BIN)/pybabel -q update -D $$domain -i $(I18N)/$$domain.pot -d $(I18N) -l $$lang \
	      --ignore-obsolete || exit 1; \
	  done; \
	done

run: $(STAMP) $(MO_FILES)
	$(BIN)/mesodesk

# The whole suite except the PyInstaller bundle, which `make test-bundle` builds and starts.
test: $(TEST_STAMP) $(MO_FILES)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -m "not bundle"
	$(BIN)/lint-imports

test-bundle: $(TEST_STAMP) $(MO_FILES)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -m bundle tests/packaging

bench: $(TEST_STAMP) $(MO_FILES)
	QT_QPA_PLATFORM=offscreen $(BIN)/python bench/run_all.py

bundle: $(TEST_STAMP) $(MO_FILES)
	$(BIN)/python -m pip install --quiet 'pyinstaller>=6.3'
	$(BIN)/python packaging/build.py

clean:
	rm -rf $(VENV) build dist
