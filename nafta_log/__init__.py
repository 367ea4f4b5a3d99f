"""nafta-log: a plain-text log of stakeholders and meetings: who met whom, when, about what."""

__version__ = "0.1.0"
