"""The package version.

The one place it is written: pyproject.toml reads it from here when the package is built, and
the CLI imports it rather than reading the installed metadata (``importlib.metadata`` costs
every run tens of milliseconds).
"""

__version__ = "0.1.0"
