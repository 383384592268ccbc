"""Pydantic response models of the JSON API (``/api/v1``), with examples for the OpenAPI."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta, timezone
from typing import Annotated, Any, Generic, TypeVar

import pandas as pd
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

__all__ = ["BEIJING", "BeijingTime", "ServerTime", "Page", "CityOut",
           "StationOut", "StationLatestOut", "HourlyAqiOut", "DailyAqiOut",
           "AssessmentOut", "BatchOut", "BatchSummaryOut", "UploadOut", "HourOut",
           "WaterAssessmentOut", "CoastalOut", "records"]

T = TypeVar("T")

#: Beijing time (UTC+8): the stored hour stamps are naive Beijing time (air 0001)
BEIJING = timezone(timedelta(hours=8), "UTC+08:00")


def _beijing(v: datetime) -> datetime:
    return v.replace(tzinfo=BEIJING) if v.tzinfo is None else v


def _local(v: datetime) -> datetime:
    return v.astimezone() if v.tzinfo is None else v


#: an hour stamp of the data, sent with its offset (``2019-01-15T01:00:00+08:00``), as the
#: schema's ``date-time`` (RFC 3339) requires
BeijingTime = Annotated[datetime, AfterValidator(_beijing)]
#: a time of the server (ingest batches: naive local time), sent with the server's offset
ServerTime = Annotated[datetime, AfterValidator(_local)]


def _clean(v: Any) -> Any:
    if v is None or v is pd.NaT:
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, pd.Timestamp):
        return v.to_pydatetime()
    if hasattr(v, "item") and not isinstance(v, (list, dict, str)):
        try:
            return v.item()
        except (ValueError, AttributeError):
            return v
    if isinstance(v, (list, tuple)):
        return [_clean(x) for x in v]
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    return v


def records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """DataFrame rows as dicts of plain Python values (NaN/NaT → None)."""
    return [{k: _clean(v) for k, v in row.items()} for row in df.to_dict(orient="records")]


class Page(BaseModel, Generic[T]):
    """A page of a long list: ``items`` plus ``total``, ``limit`` and ``offset``."""

    items: list[T]
    total: int = Field(..., description="number of items in the whole list")
    limit: int
    offset: int


class CityOut(BaseModel):
    code: str = Field(..., examples=["370100"])
    name_zh: str = Field(..., examples=["济南市"])
    short_zh: str = Field(..., examples=["济南"])
    name_en: str = Field(..., examples=["Jinan"])
    coastal: bool
    stations: int = Field(..., description="number of evaluation stations")


class StationOut(BaseModel):
    code: str = Field(..., examples=["1299A"])
    name: str
    city_code: str | None = Field(None, description="configured city it is evaluated for")
    publication_city: str | None = None
    lon: float | None = None
    lat: float | None = None
    is_control: bool
    is_stopped: bool
    stop_date: date | None = None


class HourOut(BaseModel):
    """One stored station-hour (hour-ending Beijing time; CO mg/m³, others µg/m³)."""

    time: BeijingTime
    so2: float | None = None
    no2: float | None = None
    co: float | None = None
    o3: float | None = None
    pm10: float | None = None
    pm25: float | None = None
    qc_flags: int = 0


class StationLatestOut(StationOut):
    latest: HourOut | None = None


class HourlyAqiOut(BaseModel):
    """Hourly AQI (HJ 633) of a station or city; time is hour-ending Beijing time."""

    model_config = ConfigDict(extra="allow")
    code: str
    time: BeijingTime
    aqi: float | None = None
    primary_pollutant: str | None = None
    category: str | None = None
    level: int | None = None
    colour: str | None = None


class DailyAqiOut(BaseModel):
    """Daily AQI (HJ 633) of a station or city for one natural day."""

    model_config = ConfigDict(extra="allow")
    code: str
    date: date
    aqi: float | None = None
    primary_pollutant: str | None = None
    level: int | None = None
    category: str | None = None
    category_en: str | None = None
    colour: str | None = None
    pm25: float | None = None
    pm10: float | None = None
    so2: float | None = None
    no2: float | None = None
    co: float | None = None
    o3_8h_max: float | None = None
    valid: bool | None = None


class AssessmentOut(BaseModel):
    """Period assessment of one unit (HJ 663 statistics, composite index, rank, YoY)."""

    model_config = ConfigDict(extra="allow")
    code: str = Field(..., examples=["370100"])
    name_zh: str | None = None
    name_en: str | None = None
    period: str | None = Field(None, examples=["2019-03"])
    pm25: float | None = None
    pm10: float | None = None
    so2: float | None = None
    no2: float | None = None
    co_p95: float | None = None
    o3_8h_p90: float | None = None
    good_day_ratio: float | None = None
    composite_index: float | None = None
    rank: int | None = None
    primary_pollutant: str | None = None


class BatchSummaryOut(BaseModel):
    file: str
    kind: str
    outcome: str = Field(..., examples=["loaded", "already loaded"])
    batch_id: int | None = None
    rows_read: int = 0
    rows_stored: int = 0
    rows_flagged: int = 0
    rows_skipped: int = 0
    flags: dict[str, int] = {}
    skipped: dict[str, int] = {}
    message: str = ""


class BatchOut(BaseModel):
    batch_id: int
    kind: str
    file_name: str
    file_size: int | None = None
    sha256: str
    rows_read: int | None = None
    rows_stored: int | None = None
    rows_flagged: int | None = None
    rows_skipped: int | None = None
    started_at: ServerTime
    finished_at: ServerTime | None = None
    outcome: str
    summary: dict[str, Any] | None = None
    ingested_by: str | None = Field(None, description="who loaded it: a user of the server, "
                                    "the CLI's --as user, or cli:<OS user>")


class UploadOut(BaseModel):
    """What an upload stored: one summary per file."""

    batches: list[BatchSummaryOut]


class WaterAssessmentOut(BaseModel):
    """One row of a surface-water assessment (GB 3838-2002 classes, 地表水环境质量评价办法
    (试行) 2011 grades). ``level=section``: one section with its class, grade, main
    pollutants and target compliance. Other levels (city, basin, province): ``code`` is the
    group key, with section counts, proportions, grade, main pollutants, drinking-water
    compliance and the change against the same period of the previous year."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [{
        "code": "370100", "name": "济南市", "n_sections": 8, "n_excellent": 5,
        "excellent_pct": 62.5, "n_inferior_v": 0, "inferior_v_pct": 0.0, "grade": "轻度污染",
        "grade_method": "proportion", "main_pollutants": "总磷(37.5%),化学需氧量(25.0%)",
        "drinking_rate_count": 100.0, "prev_excellent_pct": 50.0, "delta_excellent": 12.5,
        "change": "有所好转"}]})
    code: str = Field(..., description="section code, or city code / basin / province code")
    name: str | None = None
    grade: str | None = Field(None, examples=["良好"])
    main_pollutants: str | None = None
    change: str | None = Field(None, description="against the same period last year")
    # section level
    city_code: str | None = None
    class_computed: int | None = Field(None, description="water class 1–6 (6 = 劣V)")
    target_class: int | None = None
    meets_target: bool | None = None
    # group levels
    n_sections: int | None = None
    excellent_pct: float | None = Field(None, description="share of classes I–III (%)")
    inferior_v_pct: float | None = Field(None, description="share of class 劣V (%)")
    drinking_rate_count: float | None = None


class CoastalOut(BaseModel):
    """One row of a coastal-water assessment (GB 3097-1997). ``level=point``: the class of a
    monitoring point; ``city`` / ``province``: the excellent (I+II) share by point count and by
    configured area."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [{
        "code": "370200", "name": "青岛市", "n_points": 5, "n_excellent": 4,
        "excellent_pct_count": 80.0, "area_km2": 1085.6, "excellent_pct_area": 83.4}]})
    code: str = Field(..., description="point code, or city / province code")
    name: str | None = None
    class_computed: int | None = Field(None, description="sea-water class 1–5 (5 = 劣四类)")
    class_name: str | None = None
    n_points: int | None = None
    excellent_pct_count: float | None = None
    excellent_pct_area: float | None = None
