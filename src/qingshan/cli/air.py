"""``qingshan air …`` commands (shared group; other air commands are appended below)."""

from __future__ import annotations

import typer

from qingshan.cli.air_aqi import aqi_cmd

app = typer.Typer(help="Air quality: AQI, hourly data, assessment.", no_args_is_help=True)

app.command("aqi")(aqi_cmd)
