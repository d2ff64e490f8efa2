"""Every page in headless Chromium at a phone's width (390 x 844) and a desktop's (1280 x 900):
no horizontal scrolling, no serious accessibility violation (axe-core), every control reachable
with the keyboard, and the things a registrar looks for on the page."""
from __future__ import annotations

import datetime as dt
import json
import time
import urllib.parse
from pathlib import Path

import pytest
from conftest import chrome

from minutes.web.serve import running

TODAY = dt.date(2025, 3, 1)
AXE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")
SIZES = {"phone": (390, 844), "desktop": (1280, 900)}
SHOPPING = "# Inköpslista\n\nHandla till fikat:\n\n- kaffe\n- bullar\n"


@pytest.fixture(scope="module")
def site(demo_db, tmp_path_factory):
    """The demo warehouse plus a file that is no meeting, served with corrections on."""
    from click.testing import CliRunner
    from conftest import render

    from minutes.cli import main
    folder = tmp_path_factory.mktemp("extra")
    render(SHOPPING, folder / "inkop.md")
    assert CliRunner().invoke(main, ["import", str(folder), "--db", str(demo_db), "-q"]).exit_code == 0
    with running(str(demo_db), TODAY, edit_rows=True) as url:
        yield url, demo_db


def pages(db) -> list[str]:
    import duckdb
    con = duckdb.connect(str(db), read_only=True)
    docs = [r[0] for r in con.execute("select document_id from documents order by file_name").fetchall()]
    task = con.execute("select assignment_id from assignments order by assignment_id").fetchone()[0]
    con.close()
    q = urllib.parse.quote
    return ["/", "/?q=budget", "/?q=ordetsomintefinns", "/uppdrag", f"/uppdrag?vem={q('Helena Sjöberg')}",
            "/uppdrag?vem=Ingensomhelst", "/beslut", "/beslut?sida=1&ordning=organ", "/organ",
            f"/organ?namn={q('Socialnämnden')}", "/sidan-finns-inte", "/beslut?year=%C2%B2", f"/ratta/{task}",
            "/uppfoljning", f"/arende?dnr={q('KS 2024/188')}", "/arende"] + \
        [f"/dokument/{d}" for d in docs]


@pytest.fixture(scope="module", params=list(SIZES))
def browser(request):
    driver = chrome(*SIZES[request.param])
    driver.size_name = request.param
    driver.width = SIZES[request.param][0]
    yield driver
    driver.quit()


def axe_violations(driver) -> list[dict]:
    driver.execute_script(AXE)
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']}).then(r => done(JSON.stringify(r.violations)))"
        ".catch(e => done(JSON.stringify([{id: 'axe-error', impact: 'critical', description: String(e)}])));")
    return json.loads(result)


def misfits(browser, url: str, paths: list[str]) -> list[str]:
    """The pages wider than the screen, and their serious accessibility violations."""
    problems = []
    for path in paths:
        browser.get(url + path)
        wide = browser.execute_script("return document.documentElement.scrollWidth")
        if wide > browser.width:  # (a phone's window widens to what overflows, so the width is the screen's)
            problems.append(f"{path}: {wide} px wide on a {browser.width} px screen")
        for v in axe_violations(browser):
            if v["impact"] in ("serious", "critical"):
                nodes = [n["target"] for n in v.get("nodes", [])][:3]
                problems.append(f"{path}: {v['id']} ({v['impact']}): {v.get('help', v.get('description'))} {nodes}")
    return problems


@pytest.mark.slow
def test_every_page_fits_the_screen_and_passes_axe(site, browser):
    url, db = site
    problems = misfits(browser, url, pages(db))
    assert not problems, f"at {browser.size_name} width:\n" + "\n".join(problems)


def _tab_through(browser, limit: int = 400) -> list[str]:
    """Press Tab until focus comes back around; the ids (or paths) of the elements it reached."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys
    browser.execute_script("document.activeElement && document.activeElement.blur(); window.focus();")
    reached: list[str] = []
    for _ in range(limit):
        ActionChains(browser).send_keys(Keys.TAB).perform()
        here = browser.execute_script(_PATH_OF, None)
        if reached and here == reached[-1]:
            continue  # a date field takes a press for each of its parts
        if here in reached:
            break
        reached.append(here)
    return reached


_PATH_OF = """
const el = arguments[0] || document.activeElement;
if (!el || el === document.body) return 'body';
const parts = [];
for (let n = el; n && n.nodeType === 1 && n !== document.body; n = n.parentElement) {
  const i = Array.prototype.indexOf.call(n.parentElement.children, n);
  parts.unshift(n.tagName.toLowerCase() + ':' + i);
}
return parts.join('/');
"""
_CONTROLS = """
return Array.from(document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary'))
  .filter(el => { const r = el.getBoundingClientRect();
                  return (r.width > 0 && r.height > 0) || el.classList.contains('skip'); })
  .filter(el => !el.closest('details:not([open]) > :not(summary)'))
  .filter(el => !(el.tagName === 'INPUT' && el.closest('datalist')));
"""


def unreached(browser, url: str, paths: list[str]) -> dict[str, list[str]]:
    """Per page, the controls that Tab does not reach."""
    missed = {}
    for path in paths:
        browser.get(url + path)
        controls = browser.execute_script(_CONTROLS)
        wanted = {browser.execute_script(_PATH_OF, c) for c in controls}
        reached = set(_tab_through(browser, limit=len(wanted) + 20))
        if wanted - reached:
            missed[path] = sorted(wanted - reached)[:5]
    return missed


@pytest.mark.slow
def test_the_keyboard_reaches_every_control(site, browser):
    url, db = site
    missed = unreached(browser, url, pages(db))
    assert not missed, f"at {browser.size_name} width, not reached with Tab: {missed}"


@pytest.mark.slow
def test_the_menu_marks_the_page_and_the_skip_link_works(site, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    url, _ = site
    browser.get(url + "/beslut")
    current = browser.find_elements(By.CSS_SELECTOR, "nav a[aria-current=page]")
    assert [a.text for a in current] == ["Beslut"]
    browser.execute_script("document.activeElement && document.activeElement.blur()")
    from selenium.webdriver.common.action_chains import ActionChains
    ActionChains(browser).send_keys(Keys.TAB).perform()
    skip = browser.switch_to.active_element
    assert skip.text == "Hoppa till innehållet" and skip.is_displayed()
    skip.send_keys(Keys.ENTER)
    assert browser.switch_to.active_element.get_attribute("id") == "innehall"
    for label in browser.find_elements(By.CSS_SELECTOR, "form label"):
        assert label.is_displayed() and label.text.strip(), label.get_attribute("for")


# --- follow-ups: reports back on earlier assignments, the report per body, the life of a matter -------------

@pytest.fixture(scope="module")
def followup_site(tmp_path_factory):
    """Meetings of three bodies whose later meetings report on earlier assignments (tests/test_followups.py)."""
    from test_followups import followup_warehouse
    db = followup_warehouse(tmp_path_factory.mktemp("followups"))
    with running(str(db), dt.date(2024, 10, 1)) as url:
        yield url, db


def followup_pages(db) -> list[str]:
    import duckdb
    con = duckdb.connect(str(db), read_only=True)
    reporting = [r[0] for r in con.execute("select distinct document_id from assignment_followups").fetchall()]
    con.close()
    q = urllib.parse.quote
    return ["/uppfoljning", f"/uppfoljning?organ={q('Tekniska nämnden')}&fran=2024-01-01",
            f"/arende?dnr={q('TN 2024/7')}", f"/arende?dnr={q('ZZ 1/1')}", f"/uppdrag?vem={q('Lena Strand')}",
            f"/uppdrag?vem={q('Karin Ahl')}", "/uppdrag", "/"] + [f"/dokument/{d}" for d in reporting]


@pytest.mark.slow
def test_the_followup_pages_fit_the_screen_pass_axe_and_reach_every_control(followup_site, browser):
    url, db = followup_site
    problems = misfits(browser, url, followup_pages(db))
    assert not problems, f"at {browser.size_name} width:\n" + "\n".join(problems)
    missed = unreached(browser, url, followup_pages(db))
    assert not missed, f"at {browser.size_name} width, not reached with Tab: {missed}"


@pytest.mark.slow
def test_staff_see_status_follow_a_matter_and_download_the_report(followup_site, tmp_path):
    """A registrar at a desktop: a task's status on Uppdrag, to the meeting that reported it, to the matter's
    page, then the report per body and its Excel workbook."""
    from openpyxl import load_workbook
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    from selenium.webdriver.support.ui import WebDriverWait

    url, _ = followup_site
    browser = chrome(downloads=tmp_path)

    def arrived(part: str) -> None:  # a click's page has loaded (a shared machine may take its time)
        WebDriverWait(browser, 30).until(lambda b: part in b.current_url and
                                         b.execute_script("return document.readyState") == "complete")
    try:
        browser.get(url + "/uppdrag?vem=" + urllib.parse.quote("Lena Strand"))
        row = browser.find_element(By.CSS_SELECTOR, "tr.overdue")
        assert "utreda kostnaderna" in row.text
        assert row.find_element(By.CSS_SELECTOR, ".progress").text == "ej påbörjad"
        row.find_element(By.CSS_SELECTOR, "a.reported").click()  # to the meeting that reported it
        arrived("/dokument/")
        assert browser.find_element(By.CSS_SELECTOR, "table.followups").text.count("ej påbörjad") == 1
        browser.find_element(By.CSS_SELECTOR, "a.dnr").click()  # a decision's diarienummer: the matter's page
        arrived("/arende?")
        assert browser.find_element(By.TAG_NAME, "h1").text.startswith("Ärende TN 2024/")
        assert browser.find_elements(By.CSS_SELECTOR, "table.matter tr.kind-followup")

        browser.get(url + "/uppfoljning")
        Select(browser.find_element(By.NAME, "organ")).select_by_visible_text("Kommunstyrelsens arbetsutskott")
        browser.find_element(By.CSS_SELECTOR, "form.filters button").click()
        arrived("organ=Kommunstyrelsens")
        summary = browser.find_element(By.CSS_SELECTOR, "table.summary tbody tr").text
        assert summary.split()[-6:] == ["1", "1", "0", "0", "0", "0"]  # given 1, done 1
        browser.find_element(By.ID, "xlsx").click()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not list(tmp_path.glob("*.xlsx")):
            time.sleep(0.1)
        (book,) = tmp_path.glob("*.xlsx")
        assert load_workbook(book)["Uppdrag"]["G2"].value == "klar"
    finally:
        browser.quit()
