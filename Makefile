# Every target does its own set-up: a fresh machine needs only Python 3.11 and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export UV_PYTHON_DOWNLOADS := never

.PHONY: install lock train bytecode browser demo test lint typecheck eval bench clean

# Set-up installs exactly the committed lock, never what is newest today: uv itself from its own
# small lock, then the whole environment from requirements.lock, hashes checked. `make lock`
# re-resolves on purpose (commit both files); tests/test_package.py fails when pyproject.toml asks
# for something the lock does not hold.
LOCK := requirements.lock
UV_LOCK := requirements-uv.lock
TRAIN_LOCK := requirements-train.lock
TRAIN_STAMP := $(VENV)/.train-installed
# Where the CPU-only torch wheel lies: the package index's default torch pulls CUDA packages.
TORCH_WHEELS ?= /opt/wheels
COMPILE = $(BIN)/uv pip compile --quiet --generate-hashes --universal --python-version 3.11

$(BIN)/uv: $(UV_LOCK)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --no-deps --require-hashes -r $(UV_LOCK)
	touch $@

$(STAMP): $(LOCK) pyproject.toml $(BIN)/uv
	$(BIN)/uv pip sync --quiet --compile-bytecode --require-hashes --python $(BIN)/python $(LOCK)
	$(BIN)/uv pip install --quiet --no-deps --no-build-isolation --python $(BIN)/python -e .
	touch $(STAMP)

lock: $(BIN)/uv
	$(COMPILE) pyproject.toml --extra dev --extra cluster -o $(LOCK)
	grep -E '^uv==' $(LOCK) | cut -d' ' -f1 | $(COMPILE) - -o $(UV_LOCK)
	$(COMPILE) \
		--find-links $(TORCH_WHEELS) -c $(LOCK) pyproject.toml --extra train -o $(TRAIN_LOCK)

# The training tools (torch, CPU only) on top of the environment, for make train and its test.
$(TRAIN_STAMP): $(TRAIN_LOCK) $(STAMP)
	$(BIN)/uv pip install --quiet --require-hashes --no-deps --find-links $(TORCH_WHEELS) \
		--python $(BIN)/python -r $(TRAIN_LOCK)
	touch $@

# Rebuilds the shipped entailment model from ../shared/train (fixed seed), then its combiner.
train: $(TRAIN_STAMP)
	$(BIN)/python benchmarks/train_nli.py --out factcheck/data/nli-e5.npz
	$(BIN)/python benchmarks/train_combiner.py --model nli

install: $(STAMP)

# The HTML report is checked in a real browser: Debian's chromium, installed when missing.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium for the HTML report test"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
		|| echo "chromium could not be installed; the browser test will fail"; }

# Compiled once here, because a machine may set PYTHONDONTWRITEBYTECODE and recompile every run.
bytecode: $(STAMP)
	@$(BIN)/python -m compileall -q factcheck

demo: $(STAMP) bytecode
	$(BIN)/factcheck verify claims/openai-leadership-2024-08-08/article.md \
		--claims claims/openai-leadership-2024-08-08/claims.yaml --offline --out factcheck-report

lint: $(STAMP)
	$(BIN)/ruff check factcheck tests benchmarks cassettes docs
	$(BIN)/ruff format --check factcheck tests benchmarks cassettes docs

typecheck: $(STAMP)
	$(BIN)/mypy factcheck

test: lint typecheck browser $(TRAIN_STAMP)
	$(BIN)/python -m pytest --record-mode=none --block-network -q

eval: $(STAMP)
	$(BIN)/python benchmarks/evaluate.py

clean:
	rm -rf $(VENV) factcheck-report .mypy_cache .ruff_cache .pytest_cache
