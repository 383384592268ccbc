"""``qingshan calendar …``: the working-day calendar (State Council holiday notices 2024–2026,
make-up workdays included) and due dates (spec/governance.md §1.2)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from qingshan.governance.clocks import CalendarError, due, load_calendar

__all__ = ["app"]

app = typer.Typer(help="Working-day calendar of the governance clocks (holidays and make-up "
                       "workdays as data). Example: qingshan calendar due 2025-09-26 "
                       "--working-days 15", no_args_is_help=True)

NoticeOpt = Annotated[list[Path] | None, typer.Option(
    "--notice", help="an extra holiday-notice TOML (e.g. next year's), same shape as the "
                     "bundled clocks/data/cn_2025.toml")]


def _date(s: str) -> date:
    try:
        return date.fromisoformat(s)
    except ValueError:
        raise typer.BadParameter(f"{s!r} is not a date (YYYY-MM-DD)") from None


@app.command("due")
def due_cmd(
    start: Annotated[str, typer.Argument(help="the triggering date (YYYY-MM-DD); counting "
                                              "starts the next day")],
    working_days: Annotated[int | None, typer.Option("--working-days", "-w",
                                                     help="N working days (工作日)")] = None,
    days: Annotated[int | None, typer.Option("--days", "-d",
                                             help="N calendar days (日/天)")] = None,
    no_roll: Annotated[bool, typer.Option("--no-roll", help="calendar days: keep a due date "
                                          "that falls on a non-working day")] = False,
    notice: NoticeOpt = None,
) -> None:
    """Print the due date N working days or N calendar days after START.

    A calendar-day due date on a holiday or weekend moves to the next working day unless
    --no-roll. Dates outside the loaded calendar are an error (exit 2).

    Example: qingshan calendar due 2025-09-26 --working-days 15   (→ 2025-10-23)
    Example: qingshan calendar due 2025-09-26 --days 10           (→ 2025-10-09)
    """
    if (working_days is None) == (days is None):
        raise typer.BadParameter("give exactly one of --working-days N or --days N")
    try:
        cal = load_calendar(extra=notice or ())
        d = due(_date(start), working_days=working_days, days=days, roll=not no_roll,
                calendar=cal)
    except CalendarError as e:
        typer.echo(f"error: {e}", err=True)
        raise typer.Exit(2) from None
    typer.echo(d.isoformat())


@app.command("check")
def check_cmd(day: Annotated[str, typer.Argument(help="YYYY-MM-DD")],
              notice: NoticeOpt = None) -> None:
    """Say whether DAY is a working day, and why (holiday, make-up workday, weekend).

    Example: qingshan calendar check 2025-10-11   (→ working day (make-up workday))
    """
    try:
        cal = load_calendar(extra=notice or ())
        d = _date(day)
        work = cal.is_workday(d)
    except CalendarError as e:
        typer.echo(f"error: {e}", err=True)
        raise typer.Exit(2) from None
    why = ("make-up workday" if d in cal.makeup_workdays else "holiday" if d in cal.holidays
           else "weekday" if d.weekday() < 5 else "weekend")
    typer.echo(f"{d.isoformat()}: {'working day' if work else 'non-working day'} ({why}); "
               f"calendar {cal.version}")
