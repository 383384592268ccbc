"""Excel templates of the carbon domain (enterprises, units, activity data, verification and
surrenders): their definitions, the writer of empty templates and the validating readers."""

from qingshan.carbon.ingest.readers import TemplateError, read_template, read_workbooks
from qingshan.carbon.ingest.templates import TEMPLATES, Field, uscc_valid, write_template

__all__ = ["TEMPLATES", "Field", "TemplateError", "read_template", "read_workbooks",
           "uscc_valid", "write_template"]
