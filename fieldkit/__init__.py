"""fieldkit: plan and log joint patrol operations against modern slavery and human trafficking."""

__version__ = "0.1.0"
