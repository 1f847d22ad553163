# bgpress — set-up and everyday commands.  Works on a fresh machine from a clean clone.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip -q --disable-pip-version-check

.PHONY: setup setup-dev demo test lint evaluate evaluate-dev baseline clean

$(VENV)/.setup: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip
	$(PIP) install -e .
	touch $@

# torch is pinned to the CPU wheel on this disk *before* stanza, or pip fetches a CUDA build
$(VENV)/.setup-dev: $(VENV)/.setup
	$(PIP) install torch==2.13.0
	$(PIP) install -e ".[dev,stanza,dask,report,duckdb]"
	touch $@

setup: $(VENV)/.setup
setup-dev: $(VENV)/.setup-dev

demo: setup
	$(VENV)/bin/bgpress extract corpus/

test: setup-dev
	$(VENV)/bin/ruff check pipeline tests benchmarks training notebooks
	$(VENV)/bin/mypy pipeline
	$(PY) -m pytest -q

evaluate: setup
	$(VENV)/bin/bgpress evaluate --corpus corpus --gold gold --no-errors

evaluate-dev: setup
	$(VENV)/bin/bgpress evaluate --corpus ../shared/dev/corpus --gold ../shared/dev/gold

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

# record the current corpus/ scores as the regression baseline that tests/test_end_to_end.py enforces
baseline: setup
	$(PY) -m pipeline.evaluation.baseline corpus gold tests/baseline_scores.json
