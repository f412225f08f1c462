"""Every kind of page, as each kind of user reaches it by following links, checked in Chromium:
axe-core finds no serious or critical breach of WCAG 2.2 A/AA in either language at a desktop's and
a phone's width; no page scrolls sideways from 320 to 1920 pixels with long names in several
scripts; the keyboard's focus and the edges of fields are visible everywhere; and the menu folds on
a phone and opens from the keyboard.

axe-core runs from tests/browser/vendor (see its README). The browser loads it into each page as an
init script, which the pages' strict Content-Security-Policy does not apply to: the policy stays on,
and anything it blocks fails the test."""

import re
from collections import Counter, deque
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from workshop.accounts.models import User
from workshop.agenda.models import Speaker
from workshop.attendance.desk import add_staff
from workshop.certificates.models import Certificate
from workshop.certificates.services import issue as issue_certificate
from workshop.demo import ADMIN_EMAIL, ORGANISER_EMAIL, PARTICIPANT_EMAIL, load_demo
from workshop.events.models import Event, EventStatus
from workshop.extensions import db
from workshop.materials.services import MaterialData, add_link
from workshop.registration.models import QuestionKind, Registration
from workshop.registration.questions import QuestionData, add_question

from .conftest import browser_test_app, is_csp_violation, serving

pytestmark = pytest.mark.browser

AXE = Path(__file__).with_name("vendor") / "axe-core" / "axe.min.js"
AXE_VERSION = AXE.read_text(encoding="utf-8")[:40].split("axe v", 1)[1].split()[0]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
BLOCKING = {"serious", "critical"}
PASSWORD = "Accessible pages 2027"
SPEAKER_EMAIL = "sarah.whitfield@example.org"
STAFF_EMAIL = "zhou.hui@example.org"
# Who is crawled, in this order: a page is checked by axe for the first of them who reaches it.
ROLES = {
    "visitor": None,
    "participant": PARTICIPANT_EMAIL,
    "speaker": SPEAKER_EMAIL,
    "check-in staff": STAFF_EMAIL,
    "organiser": ORGANISER_EMAIL,
    "admin": ADMIN_EMAIL,
}
# Names that do not fit: a Vietnamese name in both spellings, a 60-letter name without a break, a long
# Chinese transcription of a Uyghur name, a Thai name and a long Spanish one.
LONG_NAMES = {
    PARTICIPANT_EMAIL: ("Nguyen Thi Lan", "Nguyễn Thị Lan"),
    SPEAKER_EMAIL: ("Wolfeschlegelsteinhausenbergerdorffvoralternwarengewissenhaf", ""),
    STAFF_EMAIL: ("Abdurehim Ehmetjan Memtimin Abdukerim", "阿卜杜热合曼·艾买提江·买买提明·阿卜杜克热木"),
    ORGANISER_EMAIL: ("Piyawat Srisuwanwongphaiboonchaikul", "ปิยะวัฒน์ ศรีสุวรรณวงศ์ไพบูลย์ชัยกุล"),
    ADMIN_EMAIL: ("María del Carmen Fernández de la Concepción Rodríguez-Villalobos", ""),
}
LONG_TITLE = (
    "Regional Tripartite Workshop on Labour Migration Governance, Fair Recruitment and the Recognition of "
    "Skills between Asia and Europe (亚欧劳动力移民治理、公平招聘与技能互认区域三方研讨会)"
)
AXE_WIDTHS = [1280, 375]  # a desktop and a phone
WIDTHS = [320, 375, 768, 1024, 1200, 1280, 1920]  # 1200: where the menu stops folding
# Files and the static folder: not pages.
NOT_PAGES = (".pdf", ".ics", ".csv", ".xlsx", ".zip", ".json", ".png", ".jpg", ".jpeg", ".webp", "/download", "/photo")

RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    rules: {"label-content-name-mismatch": {enabled: true}},
    resultTypes: ["violations"],
  });
  return result.violations.map(v => ({
    rule: v.id, impact: v.impact,
    nodes: v.nodes.map(n => `${n.target.join(" ")}: ${(n.failureSummary || "").split("\\n")[1] || ""}`.trim()),
  }));
}"""

# The elements that stick out on the right of the window, deepest first, described for a person.
OVERFLOWING = """() => {
  const width = window.innerWidth;
  const wide = [...document.querySelectorAll("body *")].filter(e => e.getBoundingClientRect().right > width + 0.5);
  const deepest = wide.filter(e => !wide.some(other => other !== e && e.contains(other)));
  return deepest.slice(0, 5).map(e => `${e.tagName.toLowerCase()}${e.id ? "#" + e.id : ""}` +
    `${e.className && typeof e.className === "string" ? "." + e.className.trim().split(/\\s+/).join(".") : ""}` +
    ` (right edge ${Math.round(e.getBoundingClientRect().right)}): ${(e.textContent || "").trim().slice(0, 60)}`);
}"""


# Each element that takes the keyboard's focus, focused in turn: what is wrong with the outline it shows
# (none, thinner than 2 px, or under 3:1 against the background around it), and for a field, a select
# or a tick box, whether its edge stands out from the background by 3:1 (WCAG 1.4.11).
FOCUS_PROBLEMS = """() => {
  const luminance = rgb => {
    const linear = v => v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    const [r, g, b] = rgb.slice(0, 3).map(v => linear(v / 255));
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const colour = text => (text.match(/[\\d.]+/g) || []).map(Number).concat([1]).slice(0, 4);
  const contrast = (a, b) => {
    const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
  };
  const background = element => {
    for (let e = element; e; e = e.parentElement) {
      const c = colour(getComputedStyle(e).backgroundColor);
      if (c[3] > 0) return c;
    }
    return [255, 255, 255, 1];
  };
  const selector = "a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]";
  const problems = [];
  for (const element of document.querySelectorAll(selector)) {
    if (element.disabled || element.tabIndex < 0 || !element.getClientRects().length) continue;
    if (getComputedStyle(element).visibility === "hidden") continue;
    element.style.transition = "none";  // a field the page focused first may still be fading
    const edge = getComputedStyle(element).borderTopColor;  // before the focus changes it
    element.focus();
    if (document.activeElement !== element) continue;
    const shown = element.matches(".btn-check") ? element.labels[0] : element;  // a radio drawn as a button
    const style = getComputedStyle(shown);
    const name = `${element.tagName.toLowerCase()} "${(element.textContent || element.name).trim().slice(0, 30)}"`;
    const ratio = contrast(colour(style.outlineColor), background(shown.parentElement));
    const edgeRatio = contrast(colour(edge), background(element.parentElement));
    if (element.matches(".form-control, .form-select, .form-check-input") && edgeRatio < 3) {
      problems.push(`${name}: edge ${edge} at ${edgeRatio.toFixed(2)}:1`);
    }
    if (!element.matches(":focus-visible")) problems.push(`${name}: not shown as focused`);
    else if (style.outlineStyle === "none" || parseFloat(style.outlineWidth) < 2) problems.push(`${name}: no outline`);
    else if (ratio < 3) problems.push(`${name}: outline ${style.outlineColor} at ${ratio.toFixed(2)}:1`);
  }
  return problems;
}"""


@dataclass
class Findings:
    nodes: Counter = field(default_factory=Counter)  # (impact, rule) -> elements
    blocking: list[str] = field(default_factory=list)  # where the serious and critical ones are
    pages: int = 0

    def add(self, violation: dict, path: str, role: str) -> None:
        self.nodes[(violation["impact"], violation["rule"])] += len(violation["nodes"])
        if violation["impact"] in BLOCKING:
            examples = "; ".join(violation["nodes"][:2])
            self.blocking.append(f"{violation['impact']} {violation['rule']} on {path} as {role}: {examples}")


def rename(email: str, full_name: str, native_name: str) -> None:
    """The account, its registrations and its speaker profiles under the new name."""
    user = db.session.scalar(db.select(User).where(User.email == email))
    user.full_name, user.native_name = full_name, native_name
    for record in (Registration, Speaker):
        for row in db.session.scalars(db.select(record).where(record.user_id == user.id)):
            row.full_name, row.native_name = full_name, native_name


def prepare_demo() -> None:
    """The demo events, with a speaker and a check-in desk member who can log in, everybody who
    logs in named with a long name, and the coming workshop with a long title."""
    load_demo()
    for email, (full_name, native_name) in LONG_NAMES.items():
        rename(email, full_name, native_name)
        db.session.scalar(db.select(User).where(User.email == email)).set_password(PASSWORD)
    workshop = db.session.scalar(db.select(Event).where(Event.slug.startswith("chinese-migration-to-europe")))
    workshop.title = LONG_TITLE
    db.session.commit()
    organiser = db.session.scalar(db.select(User).where(User.email == ORGANISER_EMAIL))
    for event in db.session.scalars(db.select(Event).where(Event.organisers.contains(organiser))):
        if event.is_public:
            add_staff(organiser, event, STAFF_EMAIL)
    # What the demo lacks for the pages of questions, materials and certificates to be reached
    for kind, label, options in [
        (QuestionKind.SINGLE_CHOICE, "Which site visit interests you most?", ["The port", "The factory"]),
        (QuestionKind.DATE, "Arrival date", []),
    ]:
        add_question(organiser, workshop.id, QuestionData(kind=kind, label=label, options=options, required=True))
    add_link(
        organiser,
        workshop.id,
        MaterialData(title="Background note", url="https://example.org/note", visibility="public"),
    )
    past = db.session.scalar(db.select(Event).where(Event.status == EventStatus.ARCHIVED))
    participant = db.session.scalar(db.select(User).where(User.email == PARTICIPANT_EMAIL))
    registration = db.session.scalar(db.select(Registration).filter_by(event_id=past.id, user_id=participant.id))
    issue_certificate(organiser, past, registration.id, reason="Attended the whole conference")


@pytest.fixture(scope="module")
def demo_site(browser, tmp_path_factory):
    app = browser_test_app(tmp_path_factory.mktemp("accessibility"), LOGIN_RATE_LIMIT="1000 per minute")
    with app.app_context():
        prepare_demo()
        db.session.remove()
    with serving(app) as server:
        yield server


def use_language(app, language: str) -> None:
    """Everyone who logs in reads the site in ``language`` (an account's own choice comes first)."""
    with app.app_context():
        for user in db.session.scalars(db.select(User).where(User.email.in_(list(LONG_NAMES)))):
            user.locale = language
        db.session.commit()


def open_as(browser, site, role: str, language: str, width: int, axe: bool = False):
    """A new browser profile of ``width`` pixels, logged in as ``role``; with axe-core loaded into each
    page it opens when ``axe`` (by the browser, so that the pages' strict policy stays as it is)."""
    context = browser.new_context(
        base_url=site.url,
        locale="zh-CN" if language == "zh" else "en-GB",
        viewport={"width": width, "height": 900},
    )
    if axe:
        context.add_init_script(path=AXE)
    page = context.new_page()
    if ROLES[role] is not None:
        page.goto("/login")
        page.locator("main input[name=email]").fill(ROLES[role])
        page.locator("main input[name=password]").fill(PASSWORD)
        page.locator("main [type=submit]").click()
        page.wait_for_load_state()
        assert "/login" not in page.url, f"{role} could not log in"
    return context, page


def kind_of_page(app, address: str) -> str | None:
    """The endpoint that serves ``address``: pages of one kind are visited once. None: not a page."""
    path = urlsplit(address).path
    if path.endswith(NOT_PAGES) or path.startswith("/static/"):
        return None
    try:
        endpoint, _ = app.url_map.bind("localhost").match(path, method="GET")
    except RequestRedirect:
        return path
    except HTTPException:
        return path  # a link to a page that does not exist: visited, to show what it gives
    return None if endpoint.endswith("logout") else endpoint


def crawl(page, site, starts: list[str]):
    """Each kind of page that ``page``'s user reaches from ``starts`` by the site's own links, nearest
    first, as (kind, path), with the page open on it."""
    app, origin = site.app, urlsplit(site.url).netloc
    kinds, queue = {kind_of_page(app, start) for start in starts}, deque(starts)
    while queue:
        path = queue.popleft()
        try:
            response = page.goto(path)
        except PlaywrightError as error:  # a download
            if "Download is starting" in str(error):
                continue
            raise
        if response is None or not response.headers.get("content-type", "").startswith("text/html"):
            continue
        yield kind_of_page(app, path), path
        for link in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
            parts = urlsplit(urljoin(page.url, link))
            if parts.netloc != origin:
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            kind = kind_of_page(app, target)
            if kind is not None and kind not in kinds:
                kinds.add(kind)
                queue.append(target)


def start_pages(app) -> dict[str, list[str]]:
    """Where each one's crawl starts: the home page, the pages people reach by a QR code, a link in an
    e-mail or by mistake, and for the organiser the past conference (its evaluation, report and
    attendance have content)."""
    with app.app_context():
        certificate = db.session.scalar(db.select(Certificate).order_by(Certificate.id))
        past = db.session.scalar(db.select(Event).where(Event.status == EventStatus.ARCHIVED).order_by(Event.id))
        visitor = ["/", "/certificates/verify", f"/certificates/verify/{certificate.code}", "/verify/resend"]
        return {role: ["/"] for role in ROLES} | {
            "visitor": [*visitor, "/no-such-page"],
            "participant": ["/", "/check-in"],
            "organiser": [f"/events/{past.slug}", "/"],
        }


@pytest.fixture(scope="module")
def site_map(browser, demo_site) -> dict[str, list[str]]:
    """The pages to check, by role: the home page (its menu is each one's own), then each kind of page
    the role reaches by links before any role of ``ROLES`` before it, in English on a desktop (the
    links are the same in Chinese and on a phone)."""
    use_language(demo_site.app, "en")
    pages, kinds = {}, set()
    for role, starts in start_pages(demo_site.app).items():
        context, page = open_as(browser, demo_site, role, "en", 1280)
        try:
            pages[role] = [path for kind, path in crawl(page, demo_site, starts) if path == "/" or kind not in kinds]
            kinds.update(kind_of_page(demo_site.app, path) for path in pages[role])
        finally:
            context.close()
    assert len(kinds) >= 50, kinds  # every role found its pages
    return pages


def visit(browser, site, site_map, language: str, width: int, axe: bool = False):
    """Each page of ``site_map`` as its role, as (role, path, page) with the page open on it; fails on
    anything the pages' Content-Security-Policy blocked."""
    use_language(site.app, language)
    blocked = []
    for role, paths in site_map.items():
        context, page = open_as(browser, site, role, language, width, axe)
        page.on("console", lambda message: blocked.append(message.text) if is_csp_violation(message.text) else None)
        try:
            for path in paths:
                page.goto(path)
                yield role, path, page
        finally:
            context.close()
    assert blocked == [], blocked


@pytest.mark.crawl
@pytest.mark.parametrize("language", ["en", "zh"])
def test_no_page_has_a_serious_or_critical_accessibility_violation(browser, demo_site, site_map, language, capsys):
    findings = {width: Findings() for width in AXE_WIDTHS}
    for role, path, page in visit(browser, demo_site, site_map, language, max(AXE_WIDTHS), axe=True):
        for width in AXE_WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            findings[width].pages += 1
            for violation in page.evaluate(RUN_AXE, WCAG_TAGS):
                findings[width].add(violation, path, f"{role} at {width} px")
    with capsys.disabled():
        for width, found in findings.items():
            print(
                f"\naxe-core {AXE_VERSION}, {language}, {width} px, {found.pages} pages: {found.nodes.total()} elements"
            )
            for (impact, rule), nodes in sorted(found.nodes.items()):
                print(f"  {impact:<8} {rule}: {nodes} element(s)")
    blocking = [line for found in findings.values() for line in found.blocking]
    assert blocking == [], "\n".join(blocking)


@pytest.mark.crawl
def test_no_page_scrolls_sideways_at_any_width_with_long_names(browser, demo_site, site_map):
    too_wide = []  # in English, whose words are longer than the Chinese, which breaks between any two characters
    for role, path, page in visit(browser, demo_site, site_map, "en", max(WIDTHS)):
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            if page.evaluate("document.documentElement.scrollWidth > window.innerWidth"):
                too_wide.append(f"{path} as {role} at {width} px: {page.evaluate(OVERFLOWING)}")
        page.set_viewport_size({"width": max(WIDTHS), "height": 900})
    assert too_wide == [], "\n".join(too_wide)


@pytest.mark.crawl
def test_the_keyboard_focus_and_the_edges_of_fields_are_visible_on_every_page(browser, demo_site, site_map):
    unseen = []
    for role, path, page in visit(browser, demo_site, site_map, "en", 1280):
        page.keyboard.press("Tab")  # from the keyboard: the focus moved by the script below shows as well
        unseen += [f"{path} as {role}: {problem}" for problem in page.evaluate(FOCUS_PROBLEMS)]
    assert unseen == [], "\n".join(unseen[:40])


def test_the_menu_folds_on_a_phone_and_opens_from_the_keyboard(browser, demo_site):
    use_language(demo_site.app, "en")
    context, page = open_as(browser, demo_site, "participant", "en", 320)
    try:
        page.goto("/")
        toggle = page.get_by_role("button", name="Menu")
        expect(toggle).to_have_attribute("aria-expanded", "false")
        menu = page.locator("#" + toggle.get_attribute("aria-controls"))
        expect(menu.get_by_role("link", name="My registrations")).to_be_hidden()
        toggle.focus()
        page.keyboard.press("Enter")
        expect(toggle).to_have_attribute("aria-expanded", "true")
        expect(menu.get_by_role("link", name="My registrations")).to_be_visible()
        expect(menu.get_by_role("link", name="Nguyen Thi Lan (Nguyễn Thị Lan)")).to_be_visible()
        expect(menu).to_have_class(re.compile(r"\bshow\b"))  # opened: a menu still moving ignores the keys
        page.keyboard.press("Space")
        expect(toggle).to_have_attribute("aria-expanded", "false")
    finally:
        context.close()
