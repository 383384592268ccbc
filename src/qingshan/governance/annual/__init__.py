"""The annual city work report: structured template with locked auto figures, its workflow, the
provincial summary (DOCX + XLSX) and the progress board (spec/governance.md §7)."""

from qingshan.governance.annual.report import (
    auto_figures, create_report, fill_report, progress, refresh_report, report_problems,
    report_template, submit_report,
)
from qingshan.governance.annual.summary import summary_docx, summary_frame, summary_xlsx

__all__ = ["auto_figures", "create_report", "fill_report", "progress", "refresh_report",
           "report_problems",
           "report_template", "submit_report", "summary_docx", "summary_frame", "summary_xlsx"]
