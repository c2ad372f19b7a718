"""Networks: creating with a unique name, joining and leaving, their own discussion on the same code as workspaces, merging and closing."""

import itertools

import pytest
from sqlalchemy import func
from sqlmodel import col, select

from partnerskap.db import transaction
from partnerskap.models import AuditEntry, Network, NetworkMember, Notification, Thread
from partnerskap.services import accounts, discussions, networks, permissions
from partnerskap.services.errors import Invalid, Refused
from partnerskap.services.networks import NetworkForm
from tests.conftest import viewer

_keys = itertools.count(1)


def key() -> str:
    return f"network-key-{next(_keys):06d}"


@pytest.fixture
def network(owner):
    """Reception centres in Ostrobothnia, an open network Olivia created."""
    return networks.create(viewer(owner), NetworkForm(name="Reception centres in Ostrobothnia", purpose="Sharing practice", kind="region"))


@pytest.fixture
def request_network(owner):
    """Housing first, a network Olivia accepts members to."""
    return networks.create(viewer(owner), NetworkForm(name="Housing first", access="request"))


def test_member_creates_a_network_and_owns_it(network, owner):
    page = networks.page(viewer(owner), network.id)
    assert page.place.role == "owner" and page.member_count == 1 and [name for _id, name, _org, _role in page.members] == ["Olivia"]


def test_a_taken_name_in_another_case_is_refused_with_a_clear_message(network, member):
    with pytest.raises(Invalid) as refused:
        networks.create(viewer(member), NetworkForm(name="  reception CENTRES in   ostrobothnia "))
    assert refused.value.errors == {"name": networks.NAME_TAKEN}


def test_applicant_cannot_create_a_network(applicant):
    with pytest.raises(Refused, match=permissions.NOT_APPROVED):
        networks.create(viewer(applicant), NetworkForm(name="Mine"))


def test_member_joins_an_open_network_replies_in_its_discussion_and_leaves(network, owner, member):
    thread = discussions.start_thread(viewer(owner), network.id, "Winter clothing", "Who collects?", key(), kind="network")
    with pytest.raises(Refused, match=discussions.HIDDEN_THREAD):
        discussions.posts(viewer(member), thread.id)
    assert networks.join(viewer(member), network.id) is True
    discussions.reply(viewer(member), thread.id, "We do, in Vaasa.", key())
    assert [view.author for view in discussions.posts(viewer(owner), thread.id)] == ["Olivia", "Bob"]
    assert [row.thread.title for row in networks.page(viewer(member), network.id).threads] == ["Winter clothing"]
    with transaction() as session:
        assert [n.kind for n in session.exec(select(Notification).where(Notification.user_id == owner.id)).all()] == ["reply"]
    networks.leave(viewer(member), network.id)
    with pytest.raises(Refused, match=discussions.HIDDEN_THREAD):
        discussions.reply(viewer(member), thread.id, "Still here?", key())


def test_outsider_cannot_start_a_thread_in_a_network_they_have_not_joined(network, outsider):
    with pytest.raises(Refused, match=permissions.NETWORK_MEMBERS_ONLY):
        discussions.start_thread(viewer(outsider), network.id, "Hello", "Hi", key(), kind="network")


def test_joining_a_network_on_request_waits_for_its_owner(request_network, owner, member):
    assert networks.join(viewer(member), request_network.id) is False
    with pytest.raises(Refused, match=permissions.REQUEST_WAITING):
        networks.join(viewer(member), request_network.id)
    assert [name for _id, name, _org in networks.page(viewer(owner), request_network.id).requests] == ["Bob"]
    with pytest.raises(Refused, match=permissions.NETWORK_MEMBERS_ONLY):
        networks.decide_request(viewer(member), request_network.id, member.id, True)
    networks.decide_request(viewer(owner), request_network.id, member.id, True)
    assert networks.page(viewer(member), request_network.id).place.is_member


def test_last_owner_cannot_leave_while_others_remain(network, owner, member):
    networks.join(viewer(member), network.id)
    with pytest.raises(Refused, match="last owner"):
        networks.leave(viewer(owner), network.id)


def test_mentions_in_a_network_reach_only_its_members(network, owner, member, outsider):
    networks.join(viewer(member), network.id)
    body = f"@[Bob](member:{member.id}) and @[Charlie](member:{outsider.id})"
    discussions.start_thread(viewer(owner), network.id, "Ideas", body, key(), kind="network")
    with transaction() as session:
        mentioned = session.exec(select(Notification.user_id).where(Notification.kind == "mention")).all()
    assert mentioned == [member.id]


def test_mention_completion_finds_members_of_the_network_by_what_is_typed(network, owner, member, outsider):
    networks.join(viewer(member), network.id)
    thread = discussions.start_thread(viewer(owner), network.id, "Ideas", "Hi", key(), kind="network")
    assert discussions.mention_candidates(viewer(owner), thread.id, "bo") == [(member.id, "Bob")]
    assert discussions.mention_candidates(viewer(owner), thread.id, "char") == []


def test_member_chosen_when_starting_a_network_thread_is_mentioned_but_an_outsider_is_not(network, owner, member, outsider):
    networks.join(viewer(member), network.id)
    opened = discussions.start_thread(viewer(owner), network.id, "Ideas", "@Bob and @Charlie, ideas?", key(), kind="network", mentions=(member.id, outsider.id))
    [view] = discussions.posts(viewer(owner), opened.id)
    assert view.post.body == f"@[Bob](member:{member.id}) and @Charlie, ideas?"
    with transaction() as session:
        assert session.exec(select(Notification.user_id).where(Notification.kind == "mention")).all() == [member.id]


def test_mention_completion_before_a_thread_finds_members_of_the_network_for_its_members_only(request_network, owner, member, outsider):
    networks.join(viewer(member), request_network.id)
    networks.decide_request(viewer(owner), request_network.id, member.id, True)
    assert discussions.mention_candidates(viewer(owner), request_network.id, "bo", kind="network") == [(member.id, "Bob")]
    assert discussions.mention_candidates(viewer(owner), request_network.id, "char", kind="network") == []
    with pytest.raises(Refused, match=permissions.NETWORK_MEMBERS_ONLY):
        discussions.mention_candidates(viewer(outsider), request_network.id, "bo", kind="network")


def test_mention_completion_ignores_case_beyond_ascii(network, owner, member):
    accounts.update_profile(member.id, name="Åsa Öhman", organisation="")
    networks.join(viewer(member), network.id)
    thread = discussions.start_thread(viewer(owner), network.id, "Ideas", "Hi", key(), kind="network")
    assert discussions.mention_candidates(viewer(owner), thread.id, "ÅS") == [(member.id, "Åsa Öhman")]


def members_counted(network_id: int) -> tuple[int, int]:
    """The member count kept on the network's row, and its members counted one by one."""
    with transaction() as session:
        kept = session.get(Network, network_id).member_count
        counted = session.exec(select(func.count()).select_from(NetworkMember).where(NetworkMember.network_id == network_id, col(NetworkMember.pending).is_(False))).one()
    return kept, counted


def test_member_count_follows_joining_requests_leaving_and_merging(network, request_network, owner, member, outsider, admin):
    networks.join(viewer(member), network.id)
    networks.join(viewer(outsider), network.id)
    assert members_counted(network.id) == (3, 3)
    networks.leave(viewer(outsider), network.id)
    assert members_counted(network.id) == (2, 2) and networks.page(viewer(owner), network.id).member_count == 2

    networks.join(viewer(member), request_network.id)
    networks.join(viewer(outsider), request_network.id)
    assert members_counted(request_network.id) == (1, 1)
    networks.decide_request(viewer(owner), request_network.id, member.id, True)
    networks.decide_request(viewer(owner), request_network.id, outsider.id, False)
    with pytest.raises(Refused):
        networks.decide_request(viewer(owner), request_network.id, member.id, True)
    assert members_counted(request_network.id) == (2, 2)

    networks.join(viewer(outsider), network.id)
    networks.join(viewer(admin), network.id)
    networks.join(viewer(outsider), request_network.id)  # waits in the target, belongs to the source: a member after the merge
    networks.merge(viewer(admin), network.id, request_network.id)
    assert members_counted(request_network.id) == (4, 4) and members_counted(network.id) == (0, 0)
    assert [(row.network.name, row.member_count) for row in networks.listing(viewer(owner))] == [("Housing first", 4)]


def test_workspace_linked_to_a_network_shows_on_its_page(network, owner, workspace):
    networks.link_workspace(viewer(owner), network.id, workspace.id)
    assert networks.page(viewer(owner), network.id).workspaces == [(workspace.id, "Baltic Bridges")]


def test_admin_merges_networks_members_links_and_discussions_carried_over_audited(network, request_network, owner, member, admin, workspace):
    networks.join(viewer(member), network.id)
    networks.link_workspace(viewer(owner), network.id, workspace.id)
    thread = discussions.start_thread(viewer(member), network.id, "Old thread", "Kept", key(), kind="network")
    networks.merge(viewer(admin), network.id, request_network.id)
    page = networks.page(viewer(member), request_network.id)
    assert page.member_count == 2 and page.workspaces == [(workspace.id, "Baltic Bridges")] and [row.thread.id for row in page.threads] == [thread.id]
    assert [row.network.name for row in networks.listing(viewer(member))] == ["Housing first"]
    with transaction() as session:
        assert session.exec(select(AuditEntry.action).where(AuditEntry.actor_id == admin.id)).all() == ["network.merge"]


def test_member_cannot_merge_or_close_networks(network, request_network, owner):
    with pytest.raises(Refused, match=permissions.ADMINS_ONLY):
        networks.merge(viewer(owner), network.id, request_network.id)
    with pytest.raises(Refused, match=permissions.ADMINS_ONLY):
        networks.close(viewer(owner), network.id)


def test_closed_network_can_be_read_but_not_written_in(network, owner, admin):
    thread = discussions.start_thread(viewer(owner), network.id, "Before", "Text", key(), kind="network")
    networks.close(viewer(admin), network.id)
    assert len(discussions.posts(viewer(owner), thread.id)) == 1
    with pytest.raises(Refused, match=permissions.NETWORK_CLOSED):
        discussions.reply(viewer(owner), thread.id, "After", key())
    with transaction() as session:
        assert session.exec(select(AuditEntry.action)).all() == ["network.close"]


def test_workspace_threads_still_work_beside_network_threads(network, owner, member, workspace):
    in_workspace = discussions.start_thread(viewer(owner), workspace.id, "Kick-off", "Hello", key())
    discussions.start_thread(viewer(owner), network.id, "Network talk", "Hello", key(), kind="network")
    assert [row.thread.title for row in discussions.threads(viewer(member), workspace.id)] == ["Kick-off"]
    with transaction() as session:
        assert session.get(Thread, in_workspace.id).network_id is None


def test_owner_links_one_of_her_workspaces_from_the_network_page_and_an_outsider_is_offered_none(network, owner, outsider, workspace):
    assert networks.page(viewer(owner), network.id).linkable == [(workspace.id, "Baltic Bridges")]
    assert networks.page(viewer(outsider), network.id).linkable == []  # Charlie has not joined, so he links nothing
    networks.link_workspace(viewer(owner), network.id, workspace.id)
    after = networks.page(viewer(owner), network.id)
    assert (after.workspaces, after.linkable) == ([(workspace.id, "Baltic Bridges")], [])
