# Two commands for a fresh machine: `make` builds the PDFs, `make test` runs
# the suite. Both create .venv and install the project into it first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: all pdfs test bench docs lint clean

all: pdfs

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

pdfs: $(STAMP)
	$(BIN)/cards build

# Fonts for the scripts Source Sans Pro lacks (Arabic, Hebrew, Devanagari,
# Thai, Chinese, Japanese, Korean) come from the system (cards/layout/theme.py,
# SCRIPT_FONTS); the tests build a deck in each. Installed with apt-get where
# this runs as root (CI, a fresh machine); elsewhere it says what to install.
FONT_PACKAGES := fonts-noto-core fonts-ipafont-gothic fonts-nanum fonts-droid-fallback
FONT_STAMP := $(VENV)/.fonts

$(FONT_STAMP): $(STAMP) Makefile
	@if dpkg -s $(FONT_PACKAGES) >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get install -y -q $(FONT_PACKAGES) >/dev/null 2>&1 \
		|| { apt-get update -q >/dev/null && apt-get install -y -q $(FONT_PACKAGES) >/dev/null; }; \
	else \
		echo "the tests need the fonts of other scripts: sudo apt install $(FONT_PACKAGES)"; \
		exit 1; \
	fi
	touch $@

test: $(STAMP) $(FONT_STAMP)
	$(BIN)/python -m pytest -q

# The commit the engine of issue 23 started from: `make bench` compares with it.
BENCH_AGAINST ?= 01e7efd

# Not part of `make test`: timings on shared machines are noisy. Writes
# benchmarks/results.md; tests/test_bench.py runs a small smoke version.
bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py --sizes 13,1000,5000 --runs 5 --against $(BENCH_AGAINST) --out benchmarks/results.md

# Style as STYLE.md asks: ruff clean and ruff formatted; types checked strictly.
lint: $(STAMP)
	$(BIN)/python -m pip install --quiet ruff 'mypy>=1.10' types-PyYAML lxml-stubs
	$(BIN)/ruff check cards tests benchmarks docs
	$(BIN)/ruff format --check cards tests benchmarks docs
	$(BIN)/mypy --strict cards

# The README's pictures, rendered from the real output; commit the result.
docs: $(STAMP)
	$(BIN)/python docs/make_pictures.py

clean:
	rm -rf $(VENV) out/*.pdf
