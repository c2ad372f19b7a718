"""The people journey in Chromium: a member completes her profile in Swedish and creates a network; another member finds her
in the directory by theme and language, writes to her, joins the network and replies in its discussion; a visitor sees only
what members made public."""

from __future__ import annotations

import dataclasses
import re

from playwright.sync_api import expect

from partnerskap import settings as config
from partnerskap.db import transaction
from partnerskap.i18n import t
from partnerskap.models import Status, User
from partnerskap.models.base import utcnow
from partnerskap.services import documents, networks, workspaces
from partnerskap.services.workspaces import WorkspaceForm
from partnerskap.services.sessions import Viewer
from tests.browser.axe import assert_accessible
from tests.browser.test_membership_journey import log_in, open_page
from tests.browser.test_workspace_journey import live_database, unread_for, viewer_of
from tests.conftest import PASSWORD
from tests.test_documents import upload
from tests.live_server import ADMIN_TOTP_SECRET, LiveServer, enrol_second_factor

NETWORK = "Mottagningscentraler i Österbotten"
THREAD = {"title": "Vinterkläder", "body": "Vem samlar in vinterkläder i år?"}
REPLY = "We can collect them in Vaasa."


def member(server: LiveServer, password_hash: str, name: str, language: str, role: str = "member") -> User:
    """An approved member (or administrator) who may log in at once."""
    with live_database(server), transaction() as session:
        user = User(
            role=role,
            email=f"{name.split()[0].lower()}.people@example.org",
            name=name,
            organisation=f"{name.split()[-1]} rf",
            password_hash=password_hash,
            status=Status.APPROVED,
            language=language,
            email_confirmed_at=utcnow(),
            terms_accepted_at=utcnow(),
        )
        session.add(user)
    return user


def test_members_find_each_other_write_and_meet_in_a_network(live_server: LiveServer, new_context, password_hash: str):
    sanna = member(live_server, password_hash, "Sanna Holm", "sv")
    ada = member(live_server, password_hash, "Ada Virtanen", "en")
    hers = new_context(locale="sv-FI").new_page()
    his = new_context().new_page()
    log_in(hers, live_server, sanna.email, PASSWORD)
    log_in(his, live_server, ada.email, PASSWORD)

    # Sanna completes her profile in Swedish: reception in Ostrobothnia, Swedish spoken; her name and themes public.
    open_page(hers, live_server.url + "/profile")
    expect(hers.get_by_role("heading", name="Min profil", exact=True)).to_be_visible()
    hers.locator("#title").fill("Samordnare")
    hers.locator("#organisation_type").select_option("ngo")
    hers.locator("#region").select_option("pohjanmaa")
    hers.locator("input[name=theme-reception]").check()
    hers.locator("input[name=language-sv]").check()
    hers.locator("input[name=public]").check()
    hers.locator("input[name=public-themes]").check()
    assert_accessible(hers, "profile form [sv]")
    hers.get_by_role("button", name="Spara").click()
    expect(hers.locator(".notice")).to_contain_text("Din profil har sparats.")

    # She creates a network and opens its discussion.
    open_page(hers, live_server.url + "/networks")
    hers.locator("#network-name").fill(NETWORK)
    hers.get_by_role("button", name="Skapa nätverket").click()
    hers.wait_for_url(re.compile(r"/networks/\d+/?$"))
    network_url = hers.url
    expect(hers.locator("#network-name")).to_have_text(NETWORK)
    hers.locator("#thread-title").fill(THREAD["title"])
    hers.locator("#thread-body").fill(THREAD["body"])
    hers.get_by_role("button", name="Starta diskussionen").click()
    hers.wait_for_url(re.compile(r"/threads/\d+/?$"))
    thread_url = hers.url

    # She links her project workspace to the network from its page.
    with live_database(live_server):
        winter = workspaces.create(viewer_of(sanna), WorkspaceForm(name="Vinterhjälp 2027", purpose="Insamling av vinterkläder"))
    open_page(hers, network_url)
    hers.locator("#link-workspace_id").select_option(label="Vinterhjälp 2027")
    hers.get_by_role("button", name="Länka arbetsrummet").click()
    expect(hers.locator("#linked-workspaces")).to_contain_text("Vinterhjälp 2027")
    expect(hers.locator("#link-workspace_id")).to_have_count(0)  # nothing more of hers to link

    # Ada finds her in the directory by theme and language, and writes to her.
    open_page(his, live_server.url + "/people")
    his.locator("#theme").select_option("reception")
    his.locator("#language").select_option("sv")
    his.get_by_role("button", name="Search").click()
    expect(his.locator("#people-count")).to_have_text("1")
    assert_accessible(his, "directory")
    his.locator(".person-card").get_by_role("link", name=sanna.name).click()
    his.wait_for_url(re.compile(r"/people/\d+/?$"))
    expect(his.locator(".site-main")).to_contain_text("Ostrobothnia")
    expect(his.get_by_role("link", name=NETWORK)).to_be_visible()
    his.locator("#write-to").click()
    his.wait_for_url(re.compile(r"/messages/new"))
    expect(his.locator("#message-to")).to_have_text(sanna.name)
    his.locator("#message-title").fill("Cooperation")
    his.locator("#message-body").fill("Could we work together on reception?")
    his.get_by_role("button", name="Send").click()
    his.wait_for_url(re.compile(r"/threads/\d+/?$"))
    expect(his.locator(".post")).to_contain_text("Could we work together on reception?")
    assert unread_for(live_server, sanna) == 1
    conversation_url = his.url

    # Sanna answers with the list from her own workspace; Ada, who is not in it, downloads it from her message.
    with live_database(live_server):
        previous = config.settings
        config.settings = dataclasses.replace(previous, storage_backend="local", storage_dir=live_server.data_dir / "documents")
        try:
            documents.accept_upload_terms(viewer_of(sanna))
            upload(sanna, winter.id, "Insamlingslista.txt", b"Vantar, mossor, jackor")
        finally:
            config.settings = previous
    open_page(hers, conversation_url)
    hers.locator("#attach").select_option(label="Insamlingslista.txt")
    hers.locator("#reply-body").fill("Här är vår lista.")
    hers.get_by_role("button", name="Skicka").click()
    expect(hers.locator(".post").filter(has_text="Här är vår lista.").locator(".attachments")).to_contain_text("Insamlingslista.txt")
    his.reload()
    with his.expect_download() as downloading:
        his.locator(".post").filter(has_text="Här är vår lista.").get_by_role("link", name="Insamlingslista.txt").click()
    assert downloading.value.path().read_bytes() == b"Vantar, mossor, jackor"

    # He joins her network and replies in its discussion; the network itself could be reported too.
    open_page(his, network_url)
    his.locator(".site-main .report-control").first.click()
    expect(his.locator("#report-reason")).to_be_visible()
    his.keyboard.press("Escape")
    expect(his.locator("#report-reason")).to_have_count(0)
    his.get_by_role("button", name="Join the network").click()
    expect(his.locator(".notice")).to_contain_text("You joined the network.")
    his.get_by_role("link", name=THREAD["title"]).click()
    his.wait_for_url(re.compile(r"/threads/\d+/?$"))
    expect(his.locator(".post").filter(has_text=THREAD["body"])).to_be_visible()  # the thread has loaded (it sets the reply box's draft)
    his.locator("#reply-body").fill(REPLY)
    his.get_by_role("button", name="Send").click()
    expect(his.locator(".post").filter(has_text=REPLY)).to_be_visible()

    # Sanna reports his reply in the network's discussion, and Ada, on her page, could report her (never himself).
    open_page(hers, thread_url)
    hers.locator(".post").filter(has_text=REPLY).get_by_role("button", name=re.compile("^" + t("Actions for the post by", "sv"))).click()
    hers.get_by_role("menuitem", name=t("Report", "sv")).click()
    hers.locator("#report-reason").select_option("spam")
    hers.get_by_role("button", name=t("Send the report", "sv")).click()
    expect(hers.get_by_text(t("Thank you. Your report arrived and the moderators will look at it.", "sv"))).to_be_visible()
    assert live_server.query("SELECT item_kind, workspace_id FROM moderationcase WHERE author_id = :id", id=ada.id) == [("post", None)]
    open_page(his, f"{live_server.url}/people/{sanna.id}")
    expect(his.locator(".site-main .report-control")).to_be_visible()
    open_page(his, f"{live_server.url}/people/{ada.id}")
    expect(his.locator(".site-main")).to_contain_text(ada.name)
    expect(his.locator(".site-main .report-control")).to_have_count(0)

    # A visitor sees Sanna's name and themes, nothing she kept to members, and nothing of Ada.
    visitor = new_context().new_page()
    open_page(visitor, live_server.url + "/people")
    expect(visitor.locator("#people-count")).to_have_text("1")
    card = visitor.locator(".person-card")
    expect(card).to_contain_text(sanna.name)
    expect(card).to_contain_text("Refugee reception")
    expect(card).not_to_contain_text("Ostrobothnia")
    expect(card).not_to_contain_text(sanna.organisation)
    expect(visitor.locator(".site-main")).not_to_contain_text(ada.name)
    open_page(visitor, f"{live_server.url}/people/{sanna.id}")
    expect(visitor.locator(".site-main")).to_contain_text(sanna.name)
    expect(visitor.locator(".report-control")).to_have_count(0)


def test_admin_keeps_the_lists_opens_an_area_and_merges_networks_members_ask_mention_and_decide(live_server: LiveServer, new_context, password_hash: str):
    alma = member(live_server, password_hash, "Alma Admin", "en", role="admin")
    enrol_second_factor(live_server.env, alma.email, ADMIN_TOTP_SECRET)  # administrators sign in with a second factor
    kim = member(live_server, password_hash, "Kim Nieminen", "en")
    lea = member(live_server, password_hash, "Lea Lindholm", "en")
    admin, asker, owner = new_context().new_page(), new_context().new_page(), new_context().new_page()
    log_in(admin, live_server, alma.email, PASSWORD, totp_secret=ADMIN_TOTP_SECRET)
    log_in(asker, live_server, kim.email, PASSWORD)
    log_in(owner, live_server, lea.email, PASSWORD)

    # The administrator adds a theme; members can now choose it.
    open_page(admin, live_server.url + "/admin/lists")
    admin.locator("#entry-kind").select_option("theme")
    admin.locator("#entry-key").fill("sport")
    admin.locator("#entry-label_fi").fill("Liikunta")
    admin.locator("#entry-label_sv").fill("Idrott")
    admin.locator("#entry-label_en").fill("Sport")
    admin.get_by_role("button", name="Add").click()
    expect(admin.locator(".notice")).to_contain_text("The entry was added.")
    assert_accessible(admin, "profile lists")
    open_page(asker, live_server.url + "/profile")
    expect(asker.locator("input[name=theme-sport]")).to_be_attached()

    # The administrator opens an area; Kim asks a question there and mentions Lea, found by typing.
    open_page(admin, live_server.url + "/areas")
    admin.locator("#area-name").fill("Ask the community")
    admin.get_by_role("button", name="Open the area").click()
    admin.wait_for_url(re.compile(r"/areas/\d+/?$"))
    open_page(asker, live_server.url + "/areas")
    asker.get_by_role("link", name="Ask the community").click()
    asker.wait_for_url(re.compile(r"/areas/\d+/?$"))
    asker.locator("#thread-title").fill("Interpreters in Kainuu?")
    asker.locator("#thread-body").fill("Any tips?")
    asker.get_by_role("button", name="Start the discussion").click()
    asker.wait_for_url(re.compile(r"/threads/\d+/?$"))
    expect(asker.locator(".post").filter(has_text="Any tips?")).to_be_visible()
    assert_accessible(asker, "area thread")
    asker.locator("#reply-body").press_sequentially("@lea")
    # The journeys share one server: other members called Lea may be offered too, but only members whose names begin so.
    offered = asker.locator("#reply-body-mentions").get_by_role("option")
    expect(offered.filter(has_text=lea.name)).to_have_count(1)
    assert all(name.casefold().startswith("lea") for name in offered.all_inner_texts())
    asker.locator("#reply-body-mentions").get_by_role("option", name=lea.name).click()
    expect(asker.locator("#reply-body")).to_have_value(f"@{lea.name} ")
    asker.get_by_role("button", name="Send").click()
    expect(asker.locator(".post")).to_have_count(2)
    assert unread_for(live_server, lea) == 1

    # Lea's network takes members on request: she accepts Kim, who later leaves.
    with live_database(live_server):
        with transaction() as session:
            lea_viewer = Viewer.of(session.get(User, lea.id))
        housing = networks.create(lea_viewer, networks.NetworkForm(name="Housing first", access="request"))
        other = networks.create(lea_viewer, networks.NetworkForm(name="Housing together"))
    open_page(asker, live_server.url + f"/networks/{housing.id}")
    asker.get_by_role("button", name="Join the network").click()
    expect(asker.locator(".notice")).to_contain_text("Your request was sent to the network's owners.")
    open_page(owner, live_server.url + f"/networks/{housing.id}")
    owner.get_by_role("button", name="Accept").click()
    expect(owner.locator("#network-members")).to_contain_text(kim.name)
    open_page(asker, live_server.url + f"/networks/{housing.id}")
    asker.get_by_role("button", name="Leave the network").click()
    expect(asker.locator(".notice")).to_contain_text("You left the network.")

    # The administrator merges the second network into the first and closes it; both are audited.
    open_page(admin, live_server.url + f"/networks/{other.id}")
    admin.locator("#merge-target").fill(str(housing.id))
    admin.get_by_role("button", name="Merge").click()
    admin.wait_for_url(re.compile(rf"/networks/{housing.id}/?$"))
    expect(admin.locator("#network-name")).to_have_text("Housing first")
    admin.get_by_role("button", name="Close the network").click()
    expect(admin.locator(".notice")).to_contain_text("The network was closed.")
    assert [row[0] for row in live_server.query("SELECT action FROM auditentry WHERE action LIKE 'network.%' ORDER BY id")] == ["network.merge", "network.close"]

    # Kim's conversations list shows what he wrote; his directory lists the members.
    open_page(asker, live_server.url + "/messages")
    expect(asker.get_by_role("link", name="Find someone to write to")).to_be_visible()
    open_page(asker, live_server.url + "/people")
    asker.locator("#text").fill("lindholm")
    asker.get_by_role("button", name="Search").click()
    expect(asker.locator("#people-count")).to_have_text("1")
