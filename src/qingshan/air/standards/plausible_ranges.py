"""Physically plausible ranges of hourly concentrations used for quality flags.

Not from a standard: upper bounds chosen well above the highest values observed in the national
network (e.g. CO hourly up to ~90 mg/m³, PM10 near 1,000 µg/m³ outside dust storms; dust storms
reach several thousand µg/m³). A value outside [0, max] is flagged at ingestion and treated as
invalid (excluded) by the assessment engine; PM2.5 > PM10 is flagged but kept as valid, as the
national network publishes such hours.

Units: µg/m³, CO mg/m³.
"""

MAX_PLAUSIBLE = {
    "so2": 10000.0,
    "no2": 5000.0,
    "co": 150.0,
    "o3": 2000.0,
    "pm10": 10000.0,
    "pm25": 5000.0,
}

#: bits of ``air_hourly.qc_flags``
QC_NEGATIVE = 1
QC_PM25_GT_PM10 = 2
QC_IMPLAUSIBLE = 4
QC_DUPLICATE = 8

QC_NAMES = {
    QC_NEGATIVE: "negative value",
    QC_PM25_GT_PM10: "PM2.5 > PM10",
    QC_IMPLAUSIBLE: "beyond plausible range",
    QC_DUPLICATE: "duplicated station-hour in file (first kept)",
}
