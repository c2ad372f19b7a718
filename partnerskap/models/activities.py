"""Low-threshold activities in the public directory, and the lists administrators keep for them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from partnerskap.models.base import utcnow


class Activity(SQLModel, table=True):
    """A language café, peer group, advice point, club or volunteer task an organisation runs.

    Multi-valued fields (languages, target groups, themes) are kept as ",a,b," so one LIKE finds a value on any
    database. A change to a published activity waits in `proposed` (JSON of the form) until it is reviewed.
    The listing index holds every column a public search filters on, so counting and choosing a page of results
    reads the index alone, never the wide rows with their descriptions.
    """

    __table_args__ = (
        Index(
            "ix_activity_listing",
            "status", "confirmed_at", "end_date", "municipality", "region", "weekdays", "start_minute", "free", "online",
            "languages", "target_groups", "themes", "updated_at", "sort_name",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    status: str = Field(default="draft", max_length=16)
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
    municipality: str = Field(max_length=60)
    region: str = Field(max_length=60)
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
    sort_name: str = Field(default="", max_length=200)
    proposed: str = Field(default="", sa_type=Text)
    review_note: str = Field(default="", max_length=2000)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    published_at: datetime | None = None
    confirmed_at: datetime | None = None
    reminded_at: datetime | None = None


class ActivitySearch(SQLModel, table=True):
    """An activity's searchable words (names, descriptions, organisation, address, municipality), lower-cased, each once.

    A narrow table of its own: a free-text search reads these words, not the activities' wide rows.
    """

    activity_id: int = Field(primary_key=True, foreign_key="activity.id")
    words: str = Field(default="", sa_type=Text)


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
