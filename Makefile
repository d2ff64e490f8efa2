# minutes: the two set-up commands are `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
DB     ?= minutes.duckdb

.PHONY: demo test test-fast install samples ocr-deps office-deps bench bench-ocr bench-followups serve browser-deps clean eval redteam

# The package and its runtime dependencies (re-run when pyproject.toml changes).
$(VENV)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e .
	@touch $@

# The same plus what the tests need.
$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install -q -e '.[test]'
	@touch $@

install: $(VENV)/.installed

# Tesseract with Swedish for scanned documents; installed when missing and running as root.
ocr-deps:
	@if command -v tesseract >/dev/null 2>&1 && tesseract --list-langs 2>/dev/null | grep -qx swe; then :; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing tesseract-ocr and tesseract-ocr-swe ..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tesseract-ocr tesseract-ocr-swe >/dev/null; \
	else \
		echo "Note: Tesseract with Swedish is not installed; scanned PDFs will be reported as failed."; \
		echo "      Install it with: sudo apt-get install tesseract-ocr tesseract-ocr-swe"; \
	fi

# LibreOffice Writer (no GUI) reads .doc, .rtf and .odt files; installed when missing and running as root.
office-deps:
	@if command -v soffice >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing libreoffice-writer-nogui ..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libreoffice-writer-nogui >/dev/null; \
	else \
		echo "Note: LibreOffice is not installed; .doc, .rtf and .odt files will be reported as failed."; \
		echo "      Install it with: sudo apt-get install libreoffice-writer-nogui"; \
	fi

# Chromium and chromedriver for the web site's browser tests; installed when missing and running as root.
browser-deps:
	@if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then :; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing chromium and chromium-driver ..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	else \
		echo "Note: chromium and chromium-driver are missing; the browser tests will fail."; \
		echo "      Install them with: sudo apt-get install chromium chromium-driver"; \
	fi

# Import the bundled sample minutes into $(DB) and show what the warehouse holds.
demo: $(VENV)/.installed ocr-deps office-deps
	$(BIN)/minutes import samples --db $(DB)
	@echo
	@$(BIN)/minutes sql "select d.body, d.meeting_date, c.kind, c.text from decisions c join documents d using (document_id) order by d.meeting_date desc limit 5" --db $(DB) --max-width 70
	@echo
	@$(BIN)/minutes sql "select owner, task, deadline from assignments order by deadline nulls last limit 5" --db $(DB) --max-width 60
	@echo
	@echo "Try: $(BIN)/minutes sql \"select name, role, organisation, status from attendees\" --db $(DB)"

# The staff web site over $(DB) on http://127.0.0.1:8000 (run `make demo` first).
serve: $(VENV)/.installed
	$(BIN)/minutes serve --db $(DB)

# All tests, the slow ones (OCR, batches) included; `make test-fast` skips those.
test: $(VENV)/.installed-test ocr-deps office-deps browser-deps
	MINUTES_THOROUGH_TESTS=1 $(BIN)/python -m pytest -m "slow or not slow"

test-fast: $(VENV)/.installed-test
	$(BIN)/python -m pytest

# Score the rules on the evaluation corpora in ../shared (when present) against devtools/eval-baseline.json;
# fails when a figure drops more than 0.02. `make eval ARGS=--update` keeps an improvement as the new baseline.
eval: $(VENV)/.installed ocr-deps
	$(BIN)/python devtools/evaluate.py $(ARGS)

# A hostile archive folder beside good minutes, imported with -j 2 and judged (devtools/redteam.py); fails when
# any kind does not survive. REDTEAM_ARGS="--mode isolate" pins each kind alone.
redteam: $(VENV)/.installed-test
	$(BIN)/python devtools/redteam.py --minutes $(BIN)/minutes $(REDTEAM_ARGS)

# Re-render samples/*.pdf|docx from devtools/samples/*.md after editing a source.
samples: $(VENV)/.installed-test
	$(BIN)/python devtools/build_samples.py

clean:
	rm -rf $(VENV) $(DB) $(DB).wal .pytest_cache build *.egg-info

# OCR benchmark: seconds per page, plain tesseract beside minutes' OCR (BENCH_SCALE=0.5 for a quick run).
bench-ocr: $(VENV)/.installed-test ocr-deps
	$(BIN)/python bench/ocr.py

# Follow-up linking after one new protocol, in an archive of 10,000 documents made as rows (bench/followups.py).
bench-followups: $(VENV)/.installed-test
	$(BIN)/python bench/followups.py

# Import and query benchmark beside its baselines (BENCH_SCALE=1; CI runs BENCH_SCALE=0.05).
bench: $(VENV)/.installed-test
	@command -v pdftotext >/dev/null 2>&1 || { [ "$$(id -u)" = "0" ] && apt-get install -y -qq poppler-utils >/dev/null; } || true
	$(BIN)/python bench/bench.py
