"""Services: one function per question a user asks, returning a DataFrame or a dataclass.

CLI, API, web pages and reports call these functions only; they never compute themselves.
"""
