"""The lists profiles choose from, as first seeded: organisation types, Finland's regions and themes (key, fi, sv, en).

Administrators extend them afterwards (`people.add_list_entry`); the migration that creates the lists seeds these.
"""

ORGANISATION_TYPE = "organisation_type"
REGION = "region"
THEME = "theme"
KINDS = (ORGANISATION_TYPE, REGION, THEME)

ORGANISATION_TYPES = (
    ("municipality", "Kunta", "Kommun", "Municipality"),
    ("wellbeing-county", "Hyvinvointialue", "Välfärdsområde", "Wellbeing services county"),
    ("ngo", "Järjestö", "Organisation", "NGO"),
    ("state", "Valtion viranomainen", "Statlig myndighet", "State authority"),
    ("company", "Yritys", "Företag", "Company"),
    ("education", "Oppilaitos", "Läroanstalt", "Education"),
    ("other", "Muu", "Annan", "Other"),
)

# Finland's 18 mainland regions (maakunnat, landskap) and Åland.
REGIONS = (
    ("uusimaa", "Uusimaa", "Nyland", "Uusimaa"),
    ("varsinais-suomi", "Varsinais-Suomi", "Egentliga Finland", "Southwest Finland"),
    ("satakunta", "Satakunta", "Satakunta", "Satakunta"),
    ("kanta-hame", "Kanta-Häme", "Egentliga Tavastland", "Kanta-Häme"),
    ("pirkanmaa", "Pirkanmaa", "Birkaland", "Pirkanmaa"),
    ("paijat-hame", "Päijät-Häme", "Päijänne-Tavastland", "Päijät-Häme"),
    ("kymenlaakso", "Kymenlaakso", "Kymmenedalen", "Kymenlaakso"),
    ("etela-karjala", "Etelä-Karjala", "Södra Karelen", "South Karelia"),
    ("etela-savo", "Etelä-Savo", "Södra Savolax", "South Savo"),
    ("pohjois-savo", "Pohjois-Savo", "Norra Savolax", "North Savo"),
    ("pohjois-karjala", "Pohjois-Karjala", "Norra Karelen", "North Karelia"),
    ("keski-suomi", "Keski-Suomi", "Mellersta Finland", "Central Finland"),
    ("etela-pohjanmaa", "Etelä-Pohjanmaa", "Södra Österbotten", "South Ostrobothnia"),
    ("pohjanmaa", "Pohjanmaa", "Österbotten", "Ostrobothnia"),
    ("keski-pohjanmaa", "Keski-Pohjanmaa", "Mellersta Österbotten", "Central Ostrobothnia"),
    ("pohjois-pohjanmaa", "Pohjois-Pohjanmaa", "Norra Österbotten", "North Ostrobothnia"),
    ("kainuu", "Kainuu", "Kajanaland", "Kainuu"),
    ("lappi", "Lappi", "Lappland", "Lapland"),
    ("ahvenanmaa", "Ahvenanmaa", "Åland", "Åland"),
)

THEMES = (
    ("reception", "Pakolaisten vastaanotto", "Flyktingmottagning", "Refugee reception"),
    ("integration", "Kotoutuminen", "Integration", "Integration"),
    ("employment", "Työllisyys", "Sysselsättning", "Employment"),
    ("language-learning", "Kielen oppiminen", "Språkinlärning", "Language learning"),
    ("housing", "Asuminen", "Boende", "Housing"),
    ("health", "Terveys ja hyvinvointi", "Hälsa och välmående", "Health and wellbeing"),
    ("children-youth", "Lapset ja nuoret", "Barn och unga", "Children and youth"),
    ("education", "Koulutus", "Utbildning", "Education"),
    ("asylum", "Turvapaikanhakijat", "Asylsökande", "Asylum seekers"),
    ("labour-migration", "Työperäinen maahanmuutto", "Arbetskraftsinvandring", "Labour migration"),
    ("volunteering", "Vapaaehtoistyö", "Frivilligarbete", "Volunteering"),
    ("anti-discrimination", "Syrjinnän vastainen työ", "Arbete mot diskriminering", "Anti-discrimination"),
)

SEEDED = {ORGANISATION_TYPE: ORGANISATION_TYPES, REGION: REGIONS, THEME: THEMES}

# Languages a member may say they speak (ISO 639-1); their names come from babel in the reader's language.
SPOKEN_LANGUAGES = ("fi", "sv", "en", "ar", "so", "ru", "fa", "uk", "et", "ku", "ti", "fr", "de", "es", "tr", "vi", "th", "zh", "sq", "ps")


def seeded_rows() -> list[dict[str, object]]:
    """The seeded entries as rows of the `listentry` table."""
    return [
        {"kind": kind, "key": key, "label_fi": fi, "label_sv": sv, "label_en": en, "position": position}
        for kind, entries in SEEDED.items()
        for position, (key, fi, sv, en) in enumerate(entries)
    ]
