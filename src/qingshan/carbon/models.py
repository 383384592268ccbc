"""Operational tables of the carbon domain (SQLAlchemy 2 models on
:class:`qingshan.store.ops.Base`): enterprises, units, activity data, verified emissions,
surrenders, CEA prices, products and their bills of activities. The schema is created by the
Alembic revision ``carbon_0001`` (``ops_migrations/carbon_0001_initial.py``); these classes map
it. Quantities are ``Numeric`` (read back as floats)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, Numeric, String, Text, \
    UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from qingshan.store.ops import Base

__all__ = ["Enterprise", "Unit", "UnitYear", "FuelMonth", "ElectricityMonth", "Verified",
           "Surrender", "Price", "Product", "BomLine", "DqcpItem", "TABLES"]


def _num():
    return mapped_column(Numeric(24, 8, asdecimal=False), nullable=True)


class Enterprise(Base):
    __tablename__ = "carbon_enterprise"
    credit_code: Mapped[str] = mapped_column(String(18), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    city_code: Mapped[str] = mapped_column(String(6))
    county_code: Mapped[str | None] = mapped_column(String(6), nullable=True)
    sector: Mapped[str] = mapped_column(String(16))
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    net_sales_t: Mapped[float | None] = _num()
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Unit(Base):
    __tablename__ = "carbon_unit"
    unit_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    credit_code: Mapped[str] = mapped_column(ForeignKey("carbon_enterprise.credit_code"))
    name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    unit_type: Mapped[str] = mapped_column(String(24))
    category: Mapped[str] = mapped_column(String(4))
    capacity_mw: Mapped[float | None] = _num()
    cooling: Mapped[str | None] = mapped_column(String(8), nullable=True)
    generation_type: Mapped[str] = mapped_column(String(12))


class UnitYear(Base):
    __tablename__ = "carbon_unit_year"
    __table_args__ = (UniqueConstraint("unit_id", "year"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey("carbon_unit.unit_id"))
    year: Mapped[int] = mapped_column(Integer)
    generation_mwh: Mapped[float | None] = _num()
    supply_mwh: Mapped[float | None] = _num()
    heat_gj: Mapped[float | None] = _num()
    heat_ratio: Mapped[float | None] = _num()
    load_factor: Mapped[float | None] = _num()
    hours: Mapped[float | None] = _num()


class FuelMonth(Base):
    __tablename__ = "carbon_fuel_month"
    __table_args__ = (UniqueConstraint("unit_id", "year", "month", "fuel"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey("carbon_unit.unit_id"))
    year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int] = mapped_column(Integer)
    fuel: Mapped[str] = mapped_column(String(16))
    consumption: Mapped[float | None] = _num()
    unit: Mapped[str] = mapped_column(String(12))
    ncv: Mapped[float | None] = _num()
    carbon_ar: Mapped[float | None] = _num()
    cc: Mapped[float | None] = _num()
    oxidation: Mapped[float | None] = _num()
    lab: Mapped[str | None] = mapped_column(String(200), nullable=True)
    reported_on: Mapped[date | None] = mapped_column(Date, nullable=True)


class ElectricityMonth(Base):
    __tablename__ = "carbon_electricity_month"
    __table_args__ = (UniqueConstraint("unit_id", "year", "month"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey("carbon_unit.unit_id"))
    year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int] = mapped_column(Integer)
    purchased_mwh: Mapped[float | None] = _num()


class Verified(Base):
    __tablename__ = "carbon_verified"
    __table_args__ = (UniqueConstraint("unit_id", "vintage"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey("carbon_unit.unit_id"))
    vintage: Mapped[str] = mapped_column(String(9))
    verified_direct_t: Mapped[float | None] = _num()
    verified_indirect_t: Mapped[float | None] = _num()
    verifier: Mapped[str | None] = mapped_column(String(200), nullable=True)


class Surrender(Base):
    __tablename__ = "carbon_surrender"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    credit_code: Mapped[str] = mapped_column(ForeignKey("carbon_enterprise.credit_code"))
    vintage: Mapped[str] = mapped_column(String(9))
    date: Mapped[date] = mapped_column(Date)
    cea_t: Mapped[float | None] = _num()
    ccer_t: Mapped[float | None] = _num()


class Price(Base):
    __tablename__ = "carbon_price"
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    avg_price_cny: Mapped[float | None] = _num()
    source: Mapped[str] = mapped_column(Text, default="")


class Product(Base):
    __tablename__ = "carbon_product"
    product_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    credit_code: Mapped[str] = mapped_column(ForeignKey("carbon_enterprise.credit_code"))
    name: Mapped[str] = mapped_column(String(200))
    declared_unit: Mapped[str] = mapped_column(String(60))
    boundary: Mapped[str] = mapped_column(String(16))
    standard: Mapped[str] = mapped_column(String(40))
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)


class BomLine(Base):
    __tablename__ = "carbon_bom_line"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    product_id: Mapped[str] = mapped_column(ForeignKey("carbon_product.product_id"))
    stage: Mapped[str] = mapped_column(String(16))
    input_id: Mapped[str] = mapped_column(String(60))
    input_name: Mapped[str] = mapped_column(String(200))
    amount: Mapped[float | None] = _num()
    unit: Mapped[str] = mapped_column(String(20))
    factor_id: Mapped[str] = mapped_column(String(60), default="")
    allocation_share: Mapped[float | None] = _num()


class DqcpItem(Base):
    """One parameter of a unit's data-quality-control plan (a version per plan revision)."""

    __tablename__ = "carbon_dqcp_item"
    __table_args__ = (UniqueConstraint("unit_id", "version", "parameter"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey("carbon_unit.unit_id"))
    version: Mapped[str] = mapped_column(String(40))
    parameter: Mapped[str] = mapped_column(String(24))
    source: Mapped[str | None] = mapped_column(String(200), nullable=True)
    instrument: Mapped[str | None] = mapped_column(String(200), nullable=True)
    accuracy_class: Mapped[str | None] = mapped_column(String(20), nullable=True)
    calibration_interval_months: Mapped[int | None] = mapped_column(Integer, nullable=True)
    last_calibration: Mapped[date | None] = mapped_column(Date, nullable=True)
    frequency: Mapped[str] = mapped_column(String(16))
    method_standard: Mapped[str | None] = mapped_column(String(200), nullable=True)
    department: Mapped[str | None] = mapped_column(String(200), nullable=True)


#: the name of each table in :class:`qingshan.carbon.service.CarbonData` → model
TABLES = {"enterprises": Enterprise, "units": Unit, "annual": UnitYear, "fuel": FuelMonth,
          "electricity": ElectricityMonth, "verified": Verified, "surrenders": Surrender,
          "prices": Price, "products": Product, "bom": BomLine, "dqcp": DqcpItem}
