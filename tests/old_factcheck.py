"""A `dask worker --preload` for tests/test_cluster.py: the worker it is loaded into reports
factcheck 0.0.1, as a worker with an older factcheck installed would. Nothing else changes:
the refusal under test reads only the version the worker reports."""

from __future__ import annotations

import factcheck.version

factcheck.version.__version__ = "0.0.1"
