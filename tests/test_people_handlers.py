"""People handlers as a browser tab calls them: saving one's profile from the form, the directory for members and visitors."""


from partnerskap.i18n import t
from partnerskap.services import conversations, networks, people
from partnerskap.state.messages import MessagesState
from partnerskap.state.networks import NetworksState, NetworkState
from partnerskap.state.people import ListsState, PeopleState, ProfileState
from tests.conftest import viewer
from tests.handlers import Tab
from tests.test_workspace_handlers import tab_at


async def test_member_saves_their_profile_from_the_form_in_swedish(member):
    tab = Tab.of(member, path="/profile")
    form = {"name": "Bob Berg", "organisation": "Röda Korset", "title": "Samordnare", "organisation_type": "ngo", "region": "pohjanmaa", "bio": "",
            "theme-reception": "on", "language-sv": "on", "public": "on", "public-themes": "on", "messages_from": "shared"}
    state, _ = await tab.call(ProfileState, "save", form)
    own = people.own_profile(viewer(member))
    assert (own.name, own.region, own.themes, own.languages, own.public, own.public_fields, own.messages_from) == ("Bob Berg", "pohjanmaa", ["reception"], ["sv"], True, ["themes"], "shared")
    assert state.errors == {} and [choice.key for choice in state.themes if choice.chosen] == ["reception"]


async def test_bad_region_from_the_form_shows_next_to_the_field(member):
    state, _ = await Tab.of(member, path="/profile").call(ProfileState, "save", {"name": "Bob", "region": "atlantis"})
    assert state.errors == {"region": t(people.NOT_ON_LIST, state.lang)}


async def test_visitor_directory_lists_no_member_who_did_not_choose_so(member, owner):
    state, _ = await Tab.of(None, path="/people").call(PeopleState, "load_directory")
    assert state.count == 0 and state.cards == []


async def test_member_searches_the_directory_by_theme(member, owner):
    people.save_profile(viewer(owner), people.OwnProfile(name="Olivia", organisation="", title="", organisation_type="", region="", bio="", themes=["housing"], languages=["fi"], show_email=False, messages_from="everyone", public=False, public_fields=[]))
    state, _ = await Tab.of(member, path="/people").call(PeopleState, "search", {"theme": "housing", "language": "fi"})
    assert state.count == 1 and [card.name for card in state.cards] == ["Olivia"]


async def test_member_page_offers_to_write_and_visitors_get_the_refusal(member, owner):
    state, _ = await tab_at(member, "/people/x", person_id=owner.id).call(PeopleState, "load_person")
    assert state.found and state.person.name == "Olivia" and state.can_write
    state, _ = await tab_at(None, "/people/x", person_id=owner.id).call(PeopleState, "load_person")
    assert not state.found and state.notice == t(people.HIDDEN_PERSON, state.lang)


async def test_administrator_adds_a_theme_from_the_lists_page(admin):
    state, _ = await Tab.of(admin, path="/admin/lists").call(ListsState, "add", {"kind": "theme", "key": "sport", "label_fi": "Liikunta", "label_sv": "Idrott", "label_en": "Sport"})
    assert state.errors == {} and state.themes[-1].key == "sport"


async def test_member_creates_a_network_and_a_taken_name_shows_next_to_the_field(member, owner):
    _state, result = await Tab.of(member, path="/networks").call(NetworksState, "create", {"name": "Language cafés", "purpose": "", "kind": "theme", "access": "open"})
    assert "/networks/" in str(result)
    state, _ = await Tab.of(owner, path="/networks").call(NetworksState, "create", {"name": "LANGUAGE CAFÉS", "kind": "theme", "access": "open"})
    assert state.errors == {"network-name": t(networks.NAME_TAKEN, state.lang)}


async def test_member_joins_a_network_from_its_page(member, owner):
    network = networks.create(viewer(owner), networks.NetworkForm(name="Housing first"))
    state, _ = await tab_at(member, "/networks/x", network_id=network.id).call(NetworkState, "join")
    assert state.is_member and state.member_count == 2 and not state.can_join and state.can_contribute


async def test_member_starting_a_network_thread_finds_its_members_by_what_she_types(member, owner, outsider):
    network = networks.create(viewer(owner), networks.NetworkForm(name="Housing first"))
    networks.join(viewer(member), network.id)
    tab = tab_at(owner, "/networks/x", network_id=network.id)
    state, _ = await tab.call(NetworkState, "load")
    assert state.mentionable == []
    state, _ = await tab.call(NetworkState, "find_mentions", "bo")
    assert [(row.id, row.name) for row in state.mentionable] == [(member.id, "Bob")]
    state, _ = await tab.call(NetworkState, "find_mentions", "char")
    assert state.mentionable == []


async def test_member_writes_to_another_from_the_new_message_page(member, owner):
    tab = tab_at(member, "/messages/new", to=owner.id)
    state, _ = await tab.call(MessagesState, "load_new")
    assert state.to_name == "Olivia"
    _state, result = await tab.call(MessagesState, "send", {"title": "Hello", "body": "Shall we meet?", "key": state.message_key})
    assert "/threads/" in str(result) and [row.title for row in conversations.mine(viewer(owner))] == ["Hello"]
