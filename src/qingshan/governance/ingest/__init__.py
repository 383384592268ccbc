"""Ledger ingest from the Excel templates (``templates.toml``): validate fully, then store."""

from qingshan.governance.ingest.excel import (
    LedgerRows, Template, read_ledger, template, templates, write_template,
)
from qingshan.governance.ingest.load import ImportSummary, import_rows

__all__ = ["LedgerRows", "Template", "read_ledger", "template", "templates", "write_template",
           "ImportSummary", "import_rows"]
