"""The ``qingshan`` console command's first step (``[project.scripts]``; ``python -m
qingshan``): for a command that will render a PDF bulletin (``qingshan report air --format
pdf``), start the two helper processes — WeasyPrint's (:func:`qingshan.reports.pdf.preload`)
and the chart renderer's (:func:`qingshan.reports.figures.warm`) — before the command line
imports pandas, Altair and the domains (≈ 0.8 s on one core), so that their own start-up
(≈ 1.1 s of CPU) runs on the other core meanwhile instead of beside the bulletin's queries.
Then :func:`qingshan.cli.main`, as before. Nothing else differs: a helper that is not used
(the command is refused, fails or renders another format) reads the end of its input and exits.
"""

from __future__ import annotations

import sys

__all__ = ["main", "renders_pdf"]


def renders_pdf(argv: list[str]) -> bool:
    """Whether ``argv`` (without the program name) is ``report air … --format pdf`` (or
    ``--format=pdf``), after the root option ``--as NAME`` if given. A command line this does
    not recognise only misses the early start."""
    args = list(argv)
    while args and args[0].startswith("--as"):
        args = args[1:] if "=" in args[0] else args[2:]
    if args[:2] != ["report", "air"]:
        return False
    rest = args[2:]
    return "--format=pdf" in rest or any(a == "--format" and b == "pdf"
                                         for a, b in zip(rest, rest[1:]))


def main() -> None:
    if renders_pdf(sys.argv[1:]):
        from qingshan.reports import figures, pdf
        pdf.preload()
        figures.warm()
    from qingshan.cli import main as cli_main
    cli_main()
