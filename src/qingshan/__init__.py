"""qingshan (绿水青山): monitoring data hub, standards-exact assessment and reporting for
provincial and city departments of ecology and environment."""

__version__ = "0.1.0"
__all__ = ["__version__"]
