"""Keyboard only, in Chromium: register, log in, upload, reply, report, moderate and log out with Tab, typing, Enter and
Space; a visible focus indicator; the main pages at 200 % zoom without loss; less motion when asked; new posts announced politely."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from sqlmodel import select

from partnerskap.db import transaction
from partnerskap.i18n import t
from partnerskap.models import Membership, Post, User
from partnerskap.services import discussions, workspaces
from partnerskap.services.sessions import Viewer
from partnerskap.services.workspaces import WorkspaceForm
from tests.browser.test_home_journey import SCREENSHOTS, screenshots
from tests.browser.test_membership_journey import CONFIRM_LINK, REGISTERED, log_in, open_login, open_page
from tests.browser.test_workspace_journey import approved_member, live_database, viewer_of
from tests.conftest import PASSWORD
from tests.live_server import ADMIN_EMAIL, ADMIN_PASSWORD, ADMIN_TOTP_SECRET, LiveServer, admin_code

KAISA = {"name": "Kaisa Näppäin", "email": "kaisa.keyboard@example.org", "organisation": "Tab ry", "password": "enter space and arrows only"}
# WCAG 1.4.4 as a person meets it: a 1280 × 900 window zoomed to 200 % lays the page out in 640 × 450 CSS pixels, each
# drawn as 2 × 2. Chromium has no text-only zoom, and Radix sizes its text in px: a root font size of 200 % would leave
# most text as it was and test nothing.
ZOOMED = {"viewport": {"width": 640, "height": 450}, "device_scale_factor": 2}

FOCUSED = """() => {
    const e = document.activeElement;
    if (!e || e === document.body) return '(the page itself)';
    const name = e.getAttribute('aria-label') || (e.labels && e.labels[0] && e.labels[0].innerText) || e.innerText || e.value || '';
    return `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''} "${name.trim().slice(0, 40)}"`;
}"""


def tab_to(page: Page, role: str, name: str | re.Pattern, *, within: Page | Locator | None = None, limit: int = 80) -> Locator:
    """Press Tab until the control of that role and accessible name has focus, as a keyboard user would reach it."""
    target = (within or page).get_by_role(role, name=name, exact=True)
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate_all("(found) => found.includes(document.activeElement)"):
            return target
        stops.append(page.evaluate(FOCUSED))
    raise AssertionError(f'{limit} presses of Tab never reached the {role} "{getattr(name, "pattern", name)}"; focus went to:\n' + "\n".join(stops))


def type_into(page: Page, role: str, name: str, text: str, **where) -> None:
    """Tab to a field and type into it."""
    tab_to(page, role, name, **where)
    page.keyboard.type(text)


def focus_ring(control: Locator) -> str:
    """What draws the control's focus: its outline and shadow, and those of the field box Radix wraps an input in."""
    return control.evaluate(
        """(e) => [e, e.closest('.rt-TextFieldRoot, .rt-TextAreaRoot')].filter(Boolean)
            .map((box) => { const s = getComputedStyle(box); return `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor} | ${s.boxShadow}`; }).join(' / ')"""
    )


def assert_focus_visible(page: Page, role: str, name: str, **where) -> None:
    """Tab to a control: it shows a focus indicator it did not have before, at least 2 px of outline or a shadow."""
    control = (where.get("within") or page).get_by_role(role, name=name, exact=True)
    resting = focus_ring(control)
    tab_to(page, role, name, **where)
    focused = focus_ring(control)
    assert focused != resting, f'the {role} "{name}" looks the same focused as not: {focused}'
    assert re.search(r"(solid|auto|dashed|double) ([2-9]|\d\d)(\.\d+)?px|rgba?\([^)]*\) \d", focused), f'the {role} "{name}" has no visible focus indicator: {focused}'


def press_enter_for_the_file_chooser(page: Page):
    """Enter on the focused "Choose files" opens the file chooser.

    The upload zone appears when the rights are confirmed and is drawn again as the page's state settles; a focus
    lost in that moment means Enter did nothing, and a person Tabs back and presses it again (so does this, up to
    twice more: on a machine busy with other suites the state took longer to settle than one retry waited).
    """
    for attempt in range(3):
        try:
            with page.expect_file_chooser(timeout=5000 * (attempt + 1)) as choosing:
                page.keyboard.press("Enter")
            return choosing.value
        except PlaywrightTimeoutError:
            if attempt == 2:
                raise
            tab_to(page, "button", "Choose files")


def log_in_by_keyboard(page: Page, server: LiveServer, email: str, password: str, *, totp_secret: str = "") -> None:
    """Log in with Tab, typing and Enter (and the authenticator's code, when the person has one)."""
    open_login(page, server)
    type_into(page, "textbox", t("E-mail address", "en"), email)
    type_into(page, "textbox", t("Password", "en"), password)
    page.keyboard.press("Enter")
    if totp_secret:
        expect(page.locator("#second-factor-code")).to_be_visible()
        type_into(page, "textbox", "Code", admin_code(totp_secret))
        page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/(status|home)/?$"))
    expect(page.locator("#log-out")).to_be_visible()
    tab_to(page, "button", "English")  # the account's own language may be another
    page.keyboard.press("Enter")
    expect(page.locator(".site")).to_have_attribute("lang", "en")


def test_kaisa_registers_uploads_reports_and_the_administrator_hides_the_post_with_the_keyboard_alone(live_server: LiveServer, new_context, password_hash: str):
    kaisa = new_context().new_page()
    open_page(kaisa, live_server.url + "/register")
    assert_focus_visible(kaisa, "link", "News")
    for field, label in (("name", "Name"), ("email", "E-mail address"), ("organisation", "Organisation")):
        type_into(kaisa, "textbox", label, KAISA[field])
    assert_focus_visible(kaisa, "textbox", "Password")
    kaisa.keyboard.type(KAISA["password"])
    tab_to(kaisa, "checkbox", "I accept the terms of use.")
    kaisa.keyboard.press("Space")
    expect(kaisa.locator("#terms")).to_be_checked()
    screenshots(kaisa, "keyboard-registration")
    assert_focus_visible(kaisa, "button", "Register")
    kaisa.keyboard.press("Enter")
    expect(kaisa.locator("#registered")).to_have_text(t(REGISTERED, "en"))
    link = CONFIRM_LINK.search(live_server.last_mail_to(KAISA["email"]))
    assert link, "the confirmation e-mail has no link"
    open_page(kaisa, link.group(0))  # typed into the address bar, as from the e-mail
    expect(kaisa.locator("#confirmed")).to_be_visible()

    # The administrator follows the notification of her application and approves her, by keyboard too.
    admin = new_context().new_page()
    log_in_by_keyboard(admin, live_server, ADMIN_EMAIL, ADMIN_PASSWORD, totp_secret=ADMIN_TOTP_SECRET)
    open_page(admin, live_server.url + "/notifications")
    tab_to(admin, "button", re.compile(r"applied for membership"))  # others' applications may be waiting in the same group
    admin.keyboard.press("Enter")
    admin.wait_for_url(re.compile(r"/admin/?$"))
    applicant = admin.locator(".rt-Card").filter(has=admin.get_by_role("heading", name=KAISA["name"]))
    tab_to(admin, "button", "Approve", within=applicant, limit=300)
    admin.keyboard.press("Enter")
    expect(admin.locator(".notice")).to_contain_text(f"{KAISA['name']} is now a member.")

    log_in_by_keyboard(kaisa, live_server, KAISA["email"], KAISA["password"])
    expect(kaisa.locator("main h1")).to_have_text("Home")
    olivia = approved_member(live_server, password_hash, "Olivia Kirjoittaja")
    with live_database(live_server):
        with transaction() as session:
            member = Viewer.of(session.exec(select(User).where(User.email == KAISA["email"])).one())
        workspace = workspaces.create(viewer_of(olivia), WorkspaceForm(name="Keyboard Circle", purpose="Everything without a mouse.", access="request", language="en"))
        with transaction() as session:
            session.add(Membership(workspace_id=workspace.id, user_id=member.id))
        thread = discussions.start_thread(viewer_of(olivia), workspace.id, "Bargains", "Cheap watches at my shop, click here!", discussions.new_key())
        with transaction() as session:
            post_id = session.exec(select(Post.id).where(Post.thread_id == thread.id)).one()

    # The library: the rights confirmation, then the file chooser opened from the keyboard.
    open_page(kaisa, f"{live_server.url}/workspaces/{workspace.id}/documents")
    tab_to(kaisa, "button", "I hold the rights to what I upload and take responsibility for it")
    kaisa.keyboard.press("Enter")
    assert_focus_visible(kaisa, "button", "Choose files")
    choosing = press_enter_for_the_file_chooser(kaisa)
    choosing.set_files([{"name": "agenda.txt", "mimeType": "text/plain", "buffer": b"1. Keyboard shortcuts\n"}])
    expect(kaisa.locator(".notice")).to_contain_text("Saved: ")
    expect(kaisa.get_by_role("link", name="agenda.txt", exact=True)).to_be_visible()

    # A plain reply, then the report of Olivia's post: the dialog takes the focus and gives it back.
    open_page(kaisa, f"{live_server.url}/threads/{thread.id}")
    type_into(kaisa, "textbox", t("Your reply (markdown)", "en"), "Not here, please.")  # @ would offer members
    tab_to(kaisa, "button", "Send")
    kaisa.keyboard.press("Enter")
    expect(kaisa.locator(".posts")).to_contain_text("Not here, please.")
    actions = tab_to(kaisa, "button", f"Actions for the post by {olivia.name}", within=kaisa.locator(f"#post-{post_id}"))
    kaisa.keyboard.press("Enter")
    expect(kaisa.get_by_role("menu").get_by_role("menuitem").first).to_be_focused()
    kaisa.keyboard.press("ArrowDown")
    expect(kaisa.get_by_role("menuitem", name="Report")).to_be_focused()
    kaisa.keyboard.press("Enter")
    dialog = kaisa.get_by_role("dialog", name="Report")
    expect(dialog).to_be_visible()
    assert kaisa.evaluate("Boolean(document.activeElement.closest('[role=dialog]'))"), "the report dialog opened without taking the focus"
    tab_to(kaisa, "combobox", "Why are you reporting this?", within=dialog)
    kaisa.keyboard.type("Spam")
    expect(kaisa.locator("#report-reason")).to_have_value("spam")
    type_into(kaisa, "textbox", "A note for the moderators", "An advertisement", within=dialog)
    tab_to(kaisa, "button", "Send the report", within=dialog)
    kaisa.keyboard.press("Enter")
    expect(kaisa.get_by_text(t("Thank you. Your report arrived and the moderators will look at it.", "en"))).to_be_visible()
    expect(dialog).to_have_count(0)
    expect(actions).to_be_focused()  # back where she was, not at the top of the page

    # The administrator hides it from the queue with a reason.
    open_page(admin, live_server.url + "/moderation")
    case = admin.locator(".case-card").filter(has_text="Cheap watches at my shop")
    expect(case).to_contain_text("An advertisement")
    assert_focus_visible(admin, "combobox", "Action", within=case)
    admin.keyboard.type("Hide")
    expect(case.get_by_role("combobox", name="Action")).to_have_value("hide")
    type_into(admin, "textbox", "Reason (the member reads it)", "Advertising is not allowed here.", within=case)
    tab_to(admin, "button", "Decide", within=case)
    admin.keyboard.press("Enter")
    expect(case).to_have_count(0)
    open_page(kaisa, f"{live_server.url}/threads/{thread.id}")
    expect(kaisa.locator(".posts")).to_contain_text("Not here, please.")
    expect(kaisa.locator(f"#post-{post_id}")).to_have_count(0)

    tab_to(kaisa, "button", "Log out")
    kaisa.keyboard.press("Enter")
    expect(kaisa.locator(".site-header").get_by_role("link", name="Log in")).to_be_visible()
    open_page(kaisa, live_server.url + "/home")
    expect(kaisa.get_by_role("button", name="Log out")).to_have_count(0)


# Every control and heading on the page: inside the window, and neither cut by a box that hides overflow nor by an ellipsis.
LOSSES = """(width) => {
    const problems = [];
    const label = (e) => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''} "${(e.getAttribute('aria-label') || e.innerText || e.value || '').trim().slice(0, 30)}"`;
    const cutBy = (e, box) => {
        for (let a = e.parentElement; a; a = a.parentElement) {
            const s = getComputedStyle(a);
            if (/auto|scroll/.test(s.overflowX + s.overflowY)) return null;  // reachable by scrolling that box
            if (/hidden|clip/.test(s.overflowX + s.overflowY)) {
                const r = a.getBoundingClientRect();
                if (box.left < r.left - 1 || box.right > r.right + 1 || box.top < r.top - 1 || box.bottom > r.bottom + 1) return a;
            }
        }
        return null;
    };
    for (const e of document.querySelectorAll('.site a, .site button, .site input, .site select, .site textarea, .site h1, .site h2, .site h3, .site label, .site p, .site td')) {
        if (e.closest('.visually-hidden, .skip-link') || e.type === 'hidden') continue;
        const box = e.getBoundingClientRect();
        const s = getComputedStyle(e);
        if ((box.width === 0 && box.height === 0) || s.visibility === 'hidden') continue;
        const cut = cutBy(e, box);
        if (box.left < -1 || box.right > width + 1) problems.push(`${label(e)} spans ${Math.round(box.left)}..${Math.round(box.right)} px`);
        else if (cut) problems.push(`${label(e)} is cut by ${cut.tagName.toLowerCase()}.${cut.className}`);
        else if (!/INPUT|TEXTAREA|SELECT/.test(e.tagName) && e.scrollWidth > e.clientWidth + 1 && (/hidden|clip/.test(s.overflowX) || s.textOverflow === 'ellipsis'))
            problems.push(`${label(e)} cuts its own text`);
    }
    return problems;
}"""


def test_the_main_pages_at_200_percent_zoom_lose_no_text_or_control(live_server: LiveServer, new_context, password_hash: str):
    lea = approved_member(live_server, password_hash, "Lea Suurennos")
    mika = approved_member(live_server, password_hash, "Mika Vastaaja")
    with live_database(live_server):
        workspace = workspaces.create(viewer_of(lea), WorkspaceForm(name="Large Print Society", purpose="Reading with big letters, together and in plain language.", access="open", language="en"))
        with transaction() as session:
            session.add(Membership(workspace_id=workspace.id, user_id=mika.id))
        title = "Which magnifier do you use for the long Finnish compound words?"
        thread = discussions.start_thread(viewer_of(lea), workspace.id, title, "Mine doubles everything, even saavutettavuusvaatimukset.", discussions.new_key())
        discussions.reply(viewer_of(mika), thread.id, "A reading stone.", discussions.new_key())  # Lea's notification names the long title
    pages = {
        "visitor": ["/"],
        "member": ["/home", f"/workspaces/{workspace.id}", f"/threads/{thread.id}", f"/workspaces/{workspace.id}/documents", "/search?q=magnifier", "/notifications"],
        "admin": ["/admin"],
    }
    problems = []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for who, addresses in pages.items():
        page = new_context(**ZOOMED).new_page()
        if who == "member":
            log_in(page, live_server, lea.email, PASSWORD)
        elif who == "admin":
            log_in(page, live_server, ADMIN_EMAIL, ADMIN_PASSWORD, totp_secret=ADMIN_TOTP_SECRET)
        for address in addresses:
            open_page(page, live_server.url + address)
            page.wait_for_load_state("networkidle")
            expect(page.locator("main h1")).to_be_visible()
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > ZOOMED["viewport"]["width"]:
                problems.append(f"{who} {address}: scrolls sideways, {width} px wide")
            problems += [f"{who} {address}: {problem}" for problem in page.evaluate(LOSSES, ZOOMED["viewport"]["width"])]
            name = re.sub(r"\W+", "-", address.strip("/")).strip("-") or "front"
            page.screenshot(path=str(SCREENSHOTS / f"zoom200-{who}-{name}.png"), full_page=True)
        # The header's links moved into the menu: it opens and every entry fits.
        page.locator(".menu-button").click()
        expect(page.get_by_role("menu")).to_be_visible()
        problems += [f"{who} menu: {problem}" for problem in page.evaluate(LOSSES.replace(".site ", "[role=menu] "), ZOOMED["viewport"]["width"])]
        page.keyboard.press("End")  # the menu is taller than the window: its last entry scrolls into view
        expect(page.get_by_role("menuitem").last).to_be_focused()
        expect(page.get_by_role("menuitem").last).to_be_in_viewport()
        page.screenshot(path=str(SCREENSHOTS / f"zoom200-{who}-menu.png"))
    assert not problems, "\n".join(problems)


def test_a_member_who_asks_for_less_motion_gets_none_on_the_main_pages_or_in_the_report_dialog(live_server: LiveServer, new_context, password_hash: str):
    ruth = approved_member(live_server, password_hash, "Ruth Stillness")
    rolf = approved_member(live_server, password_hash, "Rolf Stillness")
    with live_database(live_server):
        workspace = workspaces.create(viewer_of(ruth), WorkspaceForm(name="Quiet Corner", purpose="Calm pages.", access="open", language="en"))
        with transaction() as session:
            session.add(Membership(workspace_id=workspace.id, user_id=rolf.id))
        thread = discussions.start_thread(viewer_of(rolf), workspace.id, "Slow news", "Nothing moves here.", discussions.new_key())
    page = new_context(reduced_motion="reduce").new_page()
    log_in(page, live_server, ruth.email, PASSWORD)
    longest = """() => Math.max(0, ...[...document.querySelectorAll('*')].flatMap((e) => {
        const s = getComputedStyle(e);
        return [...s.transitionDuration.split(','), ...s.animationDuration.split(',')].map((part) => parseFloat(part) * (part.trim().endsWith('ms') ? 0.001 : 1));
    }))"""
    for address in ("/home", f"/workspaces/{workspace.id}", f"/threads/{thread.id}", f"/workspaces/{workspace.id}/documents", "/news", "/events"):
        open_page(page, live_server.url + address)
        assert page.evaluate(longest) <= 0.01, f"{address} still moves"
    open_page(page, f"{live_server.url}/threads/{thread.id}")
    page.locator(".post").first.get_by_role("button", name=re.compile("^Actions for the post by")).click()
    page.get_by_role("menuitem", name="Report").click()
    expect(page.get_by_role("dialog")).to_be_visible()
    assert page.evaluate(longest) <= 0.01, "the report dialog still moves"


def test_a_reply_appears_in_the_open_thread_of_another_member_inside_a_polite_live_region(live_server: LiveServer, new_context, password_hash: str):
    vera = approved_member(live_server, password_hash, "Vera Kuulija")
    otto = approved_member(live_server, password_hash, "Otto Kirjoittaja")
    with live_database(live_server):
        workspace = workspaces.create(viewer_of(vera), WorkspaceForm(name="Listening Room", purpose="Replies as they come.", access="open", language="en"))
        with transaction() as session:
            session.add(Membership(workspace_id=workspace.id, user_id=otto.id))
        thread = discussions.start_thread(viewer_of(vera), workspace.id, "Tonight", "Who comes to the reading?", discussions.new_key())
    listening = new_context().new_page()
    log_in(listening, live_server, vera.email, PASSWORD)
    open_page(listening, f"{live_server.url}/threads/{thread.id}")
    posts = listening.get_by_role("region", name="Posts")
    expect(posts).to_have_attribute("aria-live", "polite")  # read out when the reader pauses, never interrupting
    expect(posts).to_contain_text("Who comes to the reading?")

    writing = new_context().new_page()
    log_in(writing, live_server, otto.email, PASSWORD)
    open_page(writing, f"{live_server.url}/threads/{thread.id}")
    type_into(writing, "textbox", t("Your reply (markdown)", "en"), "I come, and I bring tea.")
    tab_to(writing, "button", "Send")
    writing.keyboard.press("Enter")
    expect(posts).to_contain_text("I come, and I bring tea.")
    expect(listening.locator("[aria-live=assertive], [role=alert]").filter(has_text="I come, and I bring tea.")).to_have_count(0)
