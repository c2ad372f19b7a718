"""Profiles and the member directory: what members and visitors see, filters that combine, and hidden fields staying hidden."""

import dataclasses

import pytest

from partnerskap.services import people
from partnerskap.services.errors import Invalid, Refused
from partnerskap.services.people import Filters, OwnProfile
from tests.conftest import make_person, viewer


def profile(user, **changes) -> OwnProfile:
    """The member's profile with some fields changed, as the form sends it."""
    return dataclasses.replace(people.own_profile(viewer(user)), **changes)


@pytest.fixture
def sofia(password_hash):
    """Sofia, who works on refugee reception in Ostrobothnia, speaks Swedish and Arabic, and made part of her profile public."""
    person = make_person(password_hash, "Sofia")
    people.save_profile(
        viewer(person),
        profile(
            person,
            title="Coordinator",
            organisation_type="ngo",
            region="pohjanmaa",
            themes=["reception", "integration"],
            languages=["sv", "ar"],
            bio="Reception centres.",
            public=True,
            public_fields=["themes", "title"],
        ),
    )
    return person


@pytest.fixture
def matti(password_hash):
    """Matti, who works on employment in Uusimaa, speaks Finnish, and keeps his profile to members."""
    person = make_person(password_hash, "Matti")
    people.save_profile(viewer(person), profile(person, organisation_type="municipality", region="uusimaa", themes=["employment"], languages=["fi"]))
    return person


def names(page) -> list[str]:
    return [card.name for card in page.people]


def test_member_completes_their_profile_and_reads_it_back(sofia):
    own = people.own_profile(viewer(sofia))
    assert (own.title, own.region, own.organisation_type, own.themes, own.languages) == ("Coordinator", "pohjanmaa", "ngo", ["integration", "reception"], ["ar", "sv"])
    assert own.public and own.public_fields == ["title", "themes"]


def test_region_not_on_the_list_is_refused_and_nothing_changes(member):
    with pytest.raises(Invalid) as refused:
        people.save_profile(viewer(member), profile(member, region="atlantis", title="Changed"))
    assert refused.value.errors == {"region": people.NOT_ON_LIST}
    assert people.own_profile(viewer(member)).title == ""


def test_unknown_theme_and_language_are_refused(member):
    with pytest.raises(Invalid) as refused:
        people.save_profile(viewer(member), profile(member, themes=["astrology"], languages=["xx"]))
    assert refused.value.errors == {"themes": people.NOT_ON_LIST, "languages": people.NOT_ON_LIST}


def test_member_finds_partners_by_combined_filters_with_a_count(sofia, matti, member):
    bob = viewer(member)
    assert names(people.directory(bob, Filters(theme="reception"))) == ["Sofia"]
    assert names(people.directory(bob, Filters(theme="reception", language="sv"))) == ["Sofia"]
    assert names(people.directory(bob, Filters(theme="reception", language="fi"))) == []
    assert names(people.directory(bob, Filters(region="uusimaa", organisation_type="municipality"))) == ["Matti"]
    everyone = people.directory(bob, Filters())
    assert everyone.count == 3 and names(everyone) == ["Bob", "Matti", "Sofia"]


def test_directory_pages_through_many_members(password_hash, member):
    for number in range(people.PAGE_SIZE + 5):
        make_person(password_hash, f"Person{number:02d}")
    second = people.directory(viewer(member), Filters(text="person"), page=2)
    assert (second.count, second.page, second.pages, len(second.people)) == (people.PAGE_SIZE + 5, 2, 2, 5)


def test_name_search_ignores_case_beyond_ascii_and_how_the_name_was_typed(password_hash, member):
    asa = make_person(password_hash, "Asa")
    people.save_profile(viewer(asa), profile(asa, name="Åsa Öhman", organisation="Föreningen Ärlig ry"))
    for typed in ("åsa", "ÅSA", "öhman", "  ÅSA   öhman ", "a\u030asa", "ärlig"):
        assert names(people.directory(viewer(member), Filters(text=typed))) == ["Åsa Öhman"], typed
    assert people.directory(viewer(member), Filters(text="%")).count == 0


def test_name_search_follows_a_changed_name(sofia, member):
    people.save_profile(viewer(sofia), profile(sofia, name="Sofia Lindqvist"))
    assert names(people.directory(viewer(member), Filters(text="lindqvist"))) == ["Sofia Lindqvist"]


def test_member_sees_every_field_of_another_member(sofia, member):
    card = people.person(viewer(member), sofia.id, language="en").card
    assert (card.region, card.organisation_type, card.bio, card.languages) == ("Ostrobothnia", "NGO", "Reception centres.", ["Arabic", "Swedish"])


def test_visitor_sees_only_public_members_and_only_their_public_fields(sofia, matti):
    found = people.directory(None, Filters(), language="en")
    assert names(found) == ["Sofia"] and found.count == 1
    card = found.people[0]
    assert (card.title, card.themes) == ("Coordinator", ["Integration", "Refugee reception"])
    assert (card.region, card.organisation, card.organisation_type, card.bio, card.languages, card.picture) == ("", "", "", "", [], False)


def test_visitor_cannot_find_a_member_by_a_hidden_region(sofia):
    assert people.directory(None, Filters(region="pohjanmaa")).count == 0
    assert people.directory(None, Filters(language="sv")).count == 0
    assert people.directory(None, Filters(organisation_type="ngo")).count == 0
    assert names(people.directory(None, Filters(theme="reception"))) == ["Sofia"]


def test_visitor_cannot_find_a_member_by_a_hidden_organisation(sofia):
    assert people.directory(None, Filters(text="sofia's organisation")).count == 0
    assert people.directory(None, Filters(text="sofi")).count == 1


def test_visitor_cannot_open_the_page_of_a_member_who_is_not_public(sofia, matti):
    with pytest.raises(Refused, match=people.HIDDEN_PERSON):
        people.person(None, matti.id)
    assert people.person(None, sofia.id).card.name == "Sofia"


def test_pending_applicant_is_not_in_the_directory(sofia, applicant, member):
    assert "Dana" not in names(people.directory(viewer(member), Filters()))
    with pytest.raises(Refused, match=people.HIDDEN_PERSON):
        people.person(viewer(member), applicant.id)


def test_email_shows_only_when_the_member_allows_it(sofia, member):
    assert people.person(viewer(member), sofia.id).email == ""
    people.save_profile(viewer(sofia), profile(sofia, show_email=True))
    assert people.person(viewer(member), sofia.id).email == "sofia@example.org"
    assert people.person(None, sofia.id).email == ""


def test_administrator_extends_a_list_and_members_choose_from_it(admin, member):
    people.add_list_entry(viewer(admin), "region", "Nordic countries", "Pohjoismaat", "Norden", "Nordic countries")
    people.save_profile(viewer(member), profile(member, region="nordic-countries"))
    assert people.own_profile(viewer(member)).region == "nordic-countries"


def test_member_cannot_extend_a_list(member):
    with pytest.raises(Refused, match="Only administrators can do this."):
        people.add_list_entry(viewer(member), "theme", "astrology", "Astrologia", "Astrologi", "Astrology")


def test_lists_are_seeded_with_finlands_regions():
    regions = people.lists("sv")["region"]
    assert len(regions) == 19 and regions[0].label == "Nyland" and regions[-1].label == "Åland"
