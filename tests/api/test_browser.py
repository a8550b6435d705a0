"""End-to-end tests in headless Chromium (Debian's chromium + chromium-driver, driven by Selenium)
against a real server over the whole sample corpus with the real model. Screenshots land in
$PARAGRAF_ARTIFACTS (default test-artifacts/screenshots)."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import socket
import threading
import time
from pathlib import Path

import httpx
import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.ui import WebDriverWait

from api.app import create_app
from assistant.service import Paragraf

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
ARTIFACTS = Path(os.environ.get("PARAGRAF_ARTIFACTS", Path(__file__).resolve().parents[2] / "test-artifacts")) / "screenshots"
QUESTION = "Vilka uppdrag fick regionstyrelsen 2024?"



def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerThread(threading.Thread):
    def __init__(self, app, port: int) -> None:
        import uvicorn

        super().__init__(daemon=True)
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))

    def run(self) -> None:
        self.server.run()


@pytest.fixture(scope="module")
def host_origin() -> str:
    return f"http://127.0.0.1:{free_port()}"


@pytest.fixture(scope="module")
def server(real_app: Paragraf, host_origin: str):
    """The real API and pages; the widget's host page (another origin) is on the CORS list."""
    port = free_port()
    settings = real_app.settings.model_copy(update={"cors_origins": [host_origin]})
    thread = ServerThread(create_app(settings, paragraf=real_app), port)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/health", timeout=2).status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.1)
    else:
        raise RuntimeError("server did not start")
    yield base
    thread.server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def host_page(server: str, host_origin: str, tmp_path_factory: pytest.TempPathFactory):
    """A plain intranet page on another origin that embeds the widget with one script tag."""
    root = tmp_path_factory.mktemp("intranet")
    (root / "index.html").write_text(
        f"""<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>Intranätet</title></head>
<body><h1>Regionens intranät</h1><p>Nyheter och annat.</p>
<script src="{server}/widget.js" data-organisations="Region Västerbotten"></script>
</body></html>""",
        encoding="utf-8",
    )
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", int(host_origin.rsplit(":", 1)[1])), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield host_origin + "/index.html"
    httpd.shutdown()


@pytest.fixture
def browser():
    if not (Path(CHROMIUM).exists() and Path(DRIVER).exists()):
        pytest.fail(
            "Chromium and chromedriver are missing: scripts/install.sh installs Debian's chromium "
            "and chromium-driver (as root), or install both yourself.",
            pytrace=False,
        )
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--window-size=1280,1000"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


def shot(driver, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    driver.save_screenshot(str(path))
    return path


def ask(driver, question: str, scope=None):
    """Type a question in the chat, send it with Enter, wait for the streamed answer to finish."""
    scope = scope or driver
    before = len(scope.find_elements(By.CSS_SELECTOR, ".pgf-bot"))
    box = scope.find_element(By.CSS_SELECTOR, ".pgf-form textarea")
    box.send_keys(question)
    box.send_keys(Keys.ENTER)
    wait = WebDriverWait(driver, 30)
    wait.until(lambda d: len(scope.find_elements(By.CSS_SELECTOR, ".pgf-bot")) > before)
    message = scope.find_elements(By.CSS_SELECTOR, ".pgf-bot")[-1]
    wait.until(lambda d: message.get_attribute("data-state") in ("done", "error"))
    assert message.get_attribute("data-state") == "done", message.text
    return message


def cited_docs(message) -> set[str]:
    return {li.get_attribute("data-paragraph").split(":p")[0]
            for li in message.find_elements(By.CSS_SELECTOR, ".pgf-sources li")}


def test_ask_stream_and_open_the_cited_paragraph(browser, server):
    browser.get(server + "/")
    message = ask(browser, QUESTION)
    assert int(message.get_attribute("data-tokens")) > 10  # the answer arrived as many token events
    answer = message.find_element(By.CSS_SELECTOR, ".pgf-answer").text
    assert "Regiondirektören" in answer or "uppdrag" in answer
    markers = message.find_elements(By.CSS_SELECTOR, "a.pgf-cite")
    assert len(markers) >= 2 and markers[0].text.startswith("[1]")
    sources = message.find_elements(By.CSS_SELECTOR, ".pgf-sources li")
    assert len(sources) == int(message.get_attribute("data-citations"))
    assert len(cited_docs(message)) >= 1
    webdriver.ActionChains(browser).move_to_element(markers[0]).perform()
    tip = markers[0].find_element(By.CSS_SELECTOR, ".pgf-tip")
    assert tip.is_displayed() and len(tip.text) > 5  # hovering previews the quoted words
    shot(browser, "01-chat-answer")

    quote = tip.text.strip("”")
    paragraph_id = markers[0].get_attribute("data-paragraph")
    expected = httpx.get(f"{server}/api/paragraphs/{paragraph_id}").json()
    markers[0].click()
    WebDriverWait(browser, 10).until(lambda d: len(d.window_handles) == 2)
    browser.switch_to.window(browser.window_handles[1])
    cited = WebDriverWait(browser, 15).until(ec.visibility_of_element_located((By.CSS_SELECTOR, "p.cited")))
    assert cited.get_attribute("data-paragraph") == paragraph_id
    assert cited.find_element(By.TAG_NAME, "mark").text == quote
    assert browser.switch_to.active_element == cited  # focus moves to the cited paragraph
    meta = browser.find_element(By.ID, "meta").text
    for value in (expected["document"]["organisation"], str(expected["paragraph"]["page"])):
        assert value in meta
    assert browser.find_element(By.ID, "reference").text == expected["reference"]
    file_link = browser.find_element(By.ID, "file")
    assert file_link.get_attribute("href").endswith(f"#page={expected['paragraph']['page']}")
    shot(browser, "02-source-highlighted")
    browser.find_element(By.ID, "copy").click()
    WebDriverWait(browser, 5).until(lambda d: d.find_element(By.ID, "copy").get_attribute("data-copied"))
    assert browser.find_element(By.ID, "copy").get_attribute("data-copied") == expected["reference"]


def test_every_citation_opens_its_own_page(browser, server):
    browser.get(server + "/")
    message = ask(browser, "Vilka synpunkter lämnade revisorerna?")
    pages = set()
    for link in message.find_elements(By.CSS_SELECTOR, ".pgf-sources li > a"):
        pid = link.get_attribute("href").split("/kalla/")[1].split("?")[0]
        page = httpx.get(f"{server}/api/paragraphs/{pid}").json()["paragraph"]["page"]
        detail = httpx.get(f"{server}/api/paragraphs/{pid}").json()
        if detail["file_url"]:
            assert detail["file_url"].endswith(f"#page={page}")
        pages.add(page)
    assert pages


def test_filter_limits_the_answer(browser, server):
    browser.get(server + "/")
    unfiltered = ask(browser, QUESTION)
    orgs = {d["doc_id"]: d["organisation"] for d in httpx.get(server + "/api/documents").json()}
    assert {orgs[d] for d in cited_docs(unfiltered)} == {"Region Norrbotten"}  # its list ranks first
    browser.find_element(By.CSS_SELECTOR, ".pgf-filters summary").click()
    Select(browser.find_element(By.CSS_SELECTOR, "select[name=organisation]")).select_by_visible_text("Region Västerbotten")
    filtered = ask(browser, QUESTION)
    assert {orgs[d] for d in cited_docs(filtered)} == {"Region Västerbotten"}
    shot(browser, "03-filter-organisation")


def test_follow_up_question_keeps_the_context(browser, server):
    browser.get(server + "/")
    first = ask(browser, "Hur mycket ska tjänsteresandet minska?")
    assert "15 procent" in first.text
    follow = ask(browser, "Och vem avstod från att delta?")
    assert "Nicklas Sandström" in follow.find_element(By.CSS_SELECTOR, ".pgf-answer").text
    follow.find_element(By.CSS_SELECTOR, ".pgf-up").click()
    WebDriverWait(browser, 10).until(lambda d: "Tack" in follow.find_element(By.CSS_SELECTOR, ".pgf-feedback [role=status]").text)
    shot(browser, "04-follow-up-and-feedback")


def test_widget_on_another_origin(browser, server, host_page):
    browser.get(host_page)
    bubble = WebDriverWait(browser, 10).until(ec.element_to_be_clickable((By.CSS_SELECTOR, "button.pgf-bubble")))
    assert bubble.get_attribute("aria-expanded") == "false"
    bubble.click()
    panel = browser.find_element(By.ID, "pgf-panel")
    assert panel.is_displayed() and browser.switch_to.active_element.tag_name == "textarea"
    message = ask(browser, "Hur mycket ska tjänsteresandet minska?", scope=panel)
    assert "15 procent" in message.text
    links = message.find_elements(By.CSS_SELECTOR, "a.pgf-cite")
    assert links and all(a.get_attribute("href").startswith(server + "/kalla/") for a in links)
    orgs = {d["doc_id"]: d["organisation"] for d in httpx.get(server + "/api/documents").json()}
    assert {orgs[d] for d in cited_docs(message)} == {"Region Västerbotten"}  # data-organisations
    shot(browser, "05-widget-cross-origin")
    panel.find_element(By.CSS_SELECTOR, "textarea").send_keys(Keys.ESCAPE)
    assert not panel.is_displayed() and browser.switch_to.active_element == bubble


def test_phone_sized_screen(browser, server, host_page):
    browser.set_window_size(390, 844)
    browser.get(server + "/")
    message = ask(browser, "Hur mycket ska tjänsteresandet minska?")
    width = browser.execute_script("return document.documentElement.scrollWidth")
    assert width <= 390 and message.is_displayed()  # nothing forces sideways scrolling
    shot(browser, "06-phone-chat")
    browser.get(host_page)
    browser.find_element(By.CSS_SELECTOR, "button.pgf-bubble").click()
    panel = browser.find_element(By.ID, "pgf-panel")
    assert panel.rect["x"] >= 0 and panel.rect["x"] + panel.rect["width"] <= 390
    shot(browser, "07-phone-widget")


def test_search_and_documents_pages(browser, server):
    browser.get(server + "/sok?q=tjänsteresor")
    first = WebDriverWait(browser, 15).until(ec.visibility_of_element_located((By.CSS_SELECTOR, "#results li")))
    marks = [m.text.lower() for m in first.find_elements(By.TAG_NAME, "mark")]
    assert marks and all(m.startswith("tjänsteres") for m in marks)
    shot(browser, "08-search")
    browser.get(server + "/dokument")
    rows = WebDriverWait(browser, 15).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#documents tbody tr"))
    assert len(rows) == len(httpx.get(server + "/api/documents").json()) == 9
    shot(browser, "09-documents")
    # At 1280 px the table fits: no sideways scroll, neither in its box nor on the page.
    table, box, page, window = browser.execute_script(
        "var t = document.getElementById('documents');"
        "return [t.offsetWidth, t.parentElement.clientWidth, document.documentElement.scrollWidth, window.innerWidth];"
    )
    assert window <= 1280 and table <= box and page <= window, (table, box, page, window)


def test_keyboard_and_labels(browser, server):
    browser.get(server + "/")
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".pgf-filters"))
    unlabeled = browser.execute_script("""
        return [...document.querySelectorAll('input,select,textarea,button')].filter(e => {
          if (e.getAttribute('aria-hidden') === 'true') return false;
          if (e.getAttribute('aria-label') || (e.tagName === 'BUTTON' && e.textContent.trim())) return false;
          return !(e.id && document.querySelector('label[for="' + e.id + '"]'));
        }).map(e => e.outerHTML);""")
    assert unlabeled == []
    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    assert browser.switch_to.active_element.text == "Hoppa till innehållet"
    order = []
    for _ in range(12):
        browser.switch_to.active_element.send_keys(Keys.TAB)
        order.append(browser.switch_to.active_element.get_attribute("name") or browser.switch_to.active_element.text)
    assert "question" in order and order.index("question") < order.index("Skicka")


def test_register_page_filter_open_a_paragraph_and_download_csv(browser, server):
    browser.get(server + "/beslut")
    wait = WebDriverWait(browser, 15)
    rows = wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#register tbody tr"))
    total = len(httpx.get(server + "/api/decisions", params={"limit": 500}).json()["items"])
    assert len(rows) == total > 10
    browser.find_element(By.ID, "reg-vote").click()
    browser.find_element(By.CSS_SELECTOR, "#reg-filters button[type=submit]").click()
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#register tbody tr")) < total)
    voted = browser.find_elements(By.CSS_SELECTOR, "#register tbody tr")
    assert voted and all(r.find_elements(By.CSS_SELECTOR, ".reg-bar") for r in voted)
    first = voted[0]
    names = first.find_element(By.TAG_NAME, "details")
    names.click()
    assert "röstar" not in names.text and "(" in names.text  # "ja (7): Daniel Bernmar (V), …"
    shot(browser, "10-register")
    csv_href = browser.find_element(By.ID, "reg-csv").get_attribute("href")
    assert "format=csv" in csv_href and "has_vote=true" in csv_href
    body = httpx.get(csv_href).content.decode("utf-8-sig").strip().splitlines()
    assert len(body) - 1 == len(voted)  # the CSV holds exactly the filtered rows
    link = first.find_element(By.CSS_SELECTOR, "td a")
    section = link.text
    link.click()
    cited = wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, ".context p.cited")))
    assert section.split()[-1] in browser.find_element(By.TAG_NAME, "main").text
    assert cited.text
    browser.back()
    tab = wait.until(ec.element_to_be_clickable((By.ID, "tab-assignments")))
    tab.click()
    wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "#register thead").text.startswith("Datum Uppdragsgivare"))
    assert browser.find_element(By.ID, "reg-csv").get_attribute("href").startswith(server + "/api/assignments?")
