"""Low-threshold activities in the public directory, and the lists administrators keep for them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from partnerskap.models.base import utcnow


class Activity(SQLModel, table=True):
    """A language café, peer group, advice point, club or volunteer task an organisation runs.

    Multi-valued fields (languages, target groups, themes) are kept as ",a,b," so one LIKE finds a value on any
    database. A change to a published activity waits in `proposed` (JSON of the form) until it is reviewed;
    `search_text` is every searchable word, lower-cased, written with the activity.
    """

    __table_args__ = (Index("ix_activity_status_confirmed_at", "status", "confirmed_at"),)

    id: int | None = Field(default=None, primary_key=True)
    status: str = Field(default="draft", max_length=16, index=True)
    submitted_by: int = Field(foreign_key="user.id", index=True)
    organisation: str = Field(max_length=160)
    contact_person: str = Field(default="", max_length=120)
    contact_email: str = Field(default="", max_length=254)
    contact_phone: str = Field(default="", max_length=40)
    name_fi: str = Field(default="", max_length=200)
    name_sv: str = Field(default="", max_length=200)
    name_en: str = Field(default="", max_length=200)
    description_fi: str = Field(default="", max_length=5000)
    description_sv: str = Field(default="", max_length=5000)
    description_en: str = Field(default="", max_length=5000)
    plain_fi: str = Field(default="", max_length=2000)
    plain_sv: str = Field(default="", max_length=2000)
    plain_en: str = Field(default="", max_length=2000)
    kind: str = Field(max_length=40)
    municipality: str = Field(max_length=60, index=True)
    region: str = Field(max_length=60, index=True)
    address: str = Field(default="", max_length=300)
    latitude: float | None = None
    longitude: float | None = None
    online: bool = False
    online_url: str = Field(default="", max_length=500)
    languages: str = Field(default="", max_length=200)
    target_groups: str = Field(default="", max_length=400)
    themes: str = Field(default="", max_length=400)
    recurrence: str = Field(default="once", max_length=8)
    weekdays: int = 0
    week_of_month: int = 0
    start_date: date
    end_date: date | None = None
    start_time: str = Field(max_length=5)
    end_time: str = Field(max_length=5)
    start_minute: int = 0
    exceptions: str = Field(default="", max_length=2000)
    time_zone: str = Field(default="Europe/Helsinki", max_length=64)
    free: bool = True
    price: str = Field(default="", max_length=100)
    registration_required: bool = False
    step_free: bool = False
    hearing_loop: bool = False
    childcare: bool = False
    interpretation: bool = False
    accessibility_notes: str = Field(default="", max_length=1000)
    search_text: str = Field(default="", sa_type=Text)
    sort_name: str = Field(default="", max_length=200, index=True)
    proposed: str = Field(default="", sa_type=Text)
    review_note: str = Field(default="", max_length=2000)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow, index=True)
    published_at: datetime | None = None
    confirmed_at: datetime | None = None
    reminded_at: datetime | None = None


class ActivityChoice(SQLModel, table=True):
    """An entry administrators keep in a list: a kind, theme or target group, or a municipality the shipped list lacks."""

    __table_args__ = (UniqueConstraint("list", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    list: str = Field(max_length=16, index=True)
    code: str = Field(max_length=60)
    label_fi: str = Field(max_length=120)
    label_sv: str = Field(max_length=120)
    label_en: str = Field(max_length=120)
    region: str = Field(default="", max_length=60)
