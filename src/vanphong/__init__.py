"""vanphong — a digital office for Vietnamese Party committee offices."""

__version__ = "0.1.0"
