"""jikenbo (事件簿): Japanese security-incident disclosures → a searchable, linked casebook."""

__version__ = "0.1.0"
