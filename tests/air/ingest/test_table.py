"""Generic table ingest: column map, unit conversion once, long format, errors."""

import csv

import pytest

from qingshan.air.ingest import IngestError, ingest_table
from qingshan.air.ingest.table import parse_map
from tests.conftest import shared_path

UCI_MAP = ("station=station,year=year,month=month,day=day,hour=hour,pm25=PM2.5,pm10=PM10,"
           "so2=SO2,no2=NO2,o3=O3,co=CO:ug/m3")


def test_beijing_uci_co_converted_from_ug(store):
    f = shared_path("data", "beijing-uci", "PRSA_Data_Dongsi_20130301-20170228.csv")
    res = ingest_table(store, [f], parse_map(UCI_MAP), unknown_stations="register")
    with open(f, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert res[0].rows_read == len(rows) == 35064
    # a row with every pollutant missing is not a station-hour with data
    expected = sum(any(r[k] != "NA" for k in ("PM2.5", "PM10", "SO2", "NO2", "CO", "O3"))
                   for r in rows)
    assert res[0].rows_stored == expected
    # first row: 2013-03-01 hour 0, CO 300 µg/m³ → 0.3 mg/m³; stamped as published (hour 0)
    got = store.execute("SELECT co, pm25, so2 FROM air_hourly WHERE station_code = 'Dongsi' "
                        "AND time = TIMESTAMP '2013-03-01 00:00'").fetchall()[0]
    first = rows[0]
    assert got == (float(first["CO"]) / 1000, float(first["PM2.5"]), float(first["SO2"]))


def test_hour_beginning_shifts_to_hour_ending(store, tmp_path):
    p = tmp_path / "t.csv"
    p.write_text("site,ts,pm25\nA,2020-01-01 00:00,10\n", encoding="utf-8")
    ingest_table(store, [p], parse_map("station=site,time=ts,pm25=pm25"), hour_beginning=True,
                 unknown_stations="register")
    assert store.execute("SELECT time FROM air_hourly").fetchall()[0][0].hour == 1


def test_long_format_with_units(store, tmp_path):
    p = tmp_path / "long.csv"
    p.write_text("site,ts,param,val,unit\n"
                 "A,2020-01-01 01:00,PM2.5,35,µg/m³\n"
                 "A,2020-01-01 01:00,CO,1200,ug/m3\n"
                 "A,2020-01-01 01:00,O3,0.1,mg/m3\n", encoding="utf-8")
    m = parse_map("station=site,time=ts,pollutant=param,value=val,unit=unit")
    ingest_table(store, [p], m, long=True, unknown_stations="register")
    assert store.execute("SELECT pm25, co, o3 FROM air_hourly").fetchall() == [(35.0, 1.2, 100.0)]


def test_table_errors_name_line_and_field(store, tmp_path):
    p = tmp_path / "bad.csv"
    p.write_text("site,ts,pm25\nA,2020-01-01 01:00,10\nA,2020-01-01 02:00,abc\n",
                 encoding="utf-8")
    with pytest.raises(IngestError) as e:
        ingest_table(store, [p], parse_map("station=site,time=ts,pm25=pm25"),
                     unknown_stations="register")
    assert str(e.value) == "bad.csv:3: field 'pm25' not a number: 'abc'"
    p.write_text("site,ts,pm25\nA,yesterday,10\n", encoding="utf-8")
    with pytest.raises(IngestError) as e:
        ingest_table(store, [p], parse_map("station=site,time=ts,pm25=pm25"),
                     unknown_stations="register")
    assert str(e.value) == "bad.csv:2: field 'ts' time cannot be parsed"
    assert store.execute("SELECT count(*) FROM air_hourly").fetchall()[0][0] == 0


@pytest.mark.parametrize("spec,msg", [
    ("pm25=x", "the map needs station=<column>"),
    ("station=s,pm25=x", "the map needs time=<column> or year, month, day and hour"),
    ("station=s,time=t,co=CO:ppm", "unit 'ppm' not supported for co"),
    ("station=s,time=t,benzene=b", "unknown canonical field 'benzene'"),
])
def test_map_errors(spec, msg):
    with pytest.raises(ValueError, match=msg):
        parse_map(spec)


def test_typed_fast_path_equals_text_path(tmp_path, store):
    """The same table typed (numbers: one SELECT) and as text (parsed and validated cell by cell)
    gives the same station-hours."""
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    from qingshan.air.ingest.table import read_table

    f = shared_path("data", "beijing-uci", "PRSA_Data_Gucheng_20130301-20170228.csv")
    typed = pacsv.read_csv(f, convert_options=pacsv.ConvertOptions(null_values=["NA"]))
    assert pa.types.is_floating(typed.schema.field("PM2.5").type)
    pq.write_table(typed, tmp_path / "typed.parquet")
    pq.write_table(pa.table({n: typed[n].cast(pa.string()) for n in typed.column_names}),
                   tmp_path / "text.parquet")
    m = parse_map(UCI_MAP)
    a, _ = read_table(store, tmp_path / "typed.parquet", m)
    b, _ = read_table(store, tmp_path / "text.parquet", m)
    key = [("code", "ascending"), ("time", "ascending")]
    cols = ["code", "time", "so2", "no2", "co", "o3", "pm10", "pm25", "line", "occ"]
    a, b = a.select(cols).sort_by(key), b.select(cols).sort_by(key)
    assert a.num_rows == b.num_rows > 30000
    assert a.equals(b)
