"""The briefing pack follows the playbook's `languages`: headings and labels in each, in order."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from markdown_it import MarkdownIt

from fieldkit.plan.briefing import briefing_html, briefing_markdown
from fieldkit.plan.briefing_pdf import briefing_pdf
from fieldkit.plan.records import Plan
from fieldkit.plan.solve import solve
from fieldkit.playbook import load_text
from tests.support.hostile_pages import hostile_playbook, payload
from tests.support.playbooks import small_barnet

needs_poppler = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler is not installed")

SECTIONS_EN_RO = [
    ("Information", "Informații"),
    ("Intent", "Intenție"),
    ("Method", "Metodă"),
    ("Administration", "Administrare"),
    ("Risk assessment", "Evaluarea riscurilor"),
    ("Communications", "Comunicații"),
    ("Humanitarian issues", "Aspecte umanitare"),
]
TEAM_LABELS_EN_RO = [
    ("Team leader", "Șef de echipă"),
    ("Reporting location", "Locul de prezentare"),
    ("Debrief", "Debriefing"),
    ("Risk controls", "Măsuri de control al riscurilor"),
    ("radio", "stație radio"),
    ("Partners and interpreters", "Parteneri și interpreți"),
    ("Special instructions", "Instrucțiuni speciale"),
]


def _data(languages: list[str] | None) -> dict[str, object]:
    data = small_barnet(drop=("labour-checks", "shelter-visits"))
    data.pop("languages", None)
    if languages is not None:
        data["languages"] = languages
    return data


@pytest.fixture(scope="module")
def plan() -> Plan:
    """One small Barnet plan, in English and Romanian."""
    book = load_text(yaml.safe_dump(_data(["en", "ro"]), allow_unicode=True), "barnet.yaml")
    return solve(book, time_limit=10, work_limit=1.0, seed=1)


def _in(plan: Plan, languages: tuple[str, ...]) -> Plan:
    """The same plan with the playbook's languages changed (the visits stay where they are)."""
    book = plan.playbook.model_copy(update={"languages": languages})
    return dataclasses.replace(plan, playbook=book)


def _pdf_text(plan: Plan, folder: Path) -> list[str]:
    """Each page of briefing.pdf as pdftotext reads it, whitespace run together."""
    pdf = folder / "briefing.pdf"
    pdf.write_bytes(briefing_pdf(plan))
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [" ".join(page.split()) for page in text.split("\f") if page.strip()]


def _team_pages(pages: list[str]) -> str:
    """The team pages (from the first team's day to the annex), which alone have these labels."""
    text = " ".join(pages)
    return text[text.index("Reporting location") - 400 : text.index("Annex A")]


@needs_poppler
def test_english_then_romanian_headings_labels_and_footer(plan: Plan, tmp_path: Path) -> None:
    pages = _pdf_text(_in(plan, ("en", "ro")), tmp_path)
    text = " ".join(pages)
    found = [text.find(f"{n}. {en} / {ro}") for n, (en, ro) in enumerate(SECTIONS_EN_RO, 1)]
    assert -1 not in found and found == sorted(found), found
    assert text.startswith("OFFICIAL-SENSITIVE Operation order / Ordinul de operațiune:")
    team = _team_pages(pages)
    for en, ro in TEAM_LABELS_EN_RO:
        assert f"{en} / {ro}" in team, en
    day = plan.playbook.operation.days[0]
    assert f"{day:%A %d %B %Y} / " in text
    assert "Annex A / Anexa A. Indicator checklist / Lista de indicatori" in text
    assert "Annex B / Anexa B. Leaflet card / Pliant" in text
    assert "Help is available / Puteți primi ajutor" in text
    for n, page in enumerate(pages, start=1):
        assert page.endswith(f"Page {n} of {len(pages)} / Pagina {n} din {len(pages)}"), n


@needs_poppler
def test_romanian_first_when_the_playbook_lists_it_first(plan: Plan, tmp_path: Path) -> None:
    pages = _pdf_text(_in(plan, ("ro", "en")), tmp_path)
    text = " ".join(pages)
    found = [text.find(f"{n}. {ro} / {en}") for n, (en, ro) in enumerate(SECTIONS_EN_RO, 1)]
    assert -1 not in found and found == sorted(found), found
    team = _team_pages(pages)
    for en, ro in TEAM_LABELS_EN_RO:
        assert f"{ro} / {en}" in team, ro
    assert "septembrie 2023 / " in text  # the days in Romanian first
    annex = text[text.index("Anexa A / Annex A") :]
    assert annex.index("Semn (română)") < annex.index("Sign (English)")
    assert "Puteți primi ajutor / Help is available" in annex
    leaflet = plan.playbook.leaflet
    assert leaflet is not None
    assert annex.index(" ".join(leaflet.ro.split())[:40]) < annex.index(leaflet.en.split(".")[0])
    assert pages[0].endswith(f"Pagina 1 din {len(pages)} / Page 1 of {len(pages)}")


def test_a_romanian_pack_shows_only_romanian_in_the_annex(plan: Plan) -> None:
    md = briefing_markdown(_in(plan, ("ro",)))
    annex = md[md.index("## Anexa A. Lista de indicatori") :]
    assert "Semn (română)" in annex and "Sign (English)" not in annex
    leaflet = plan.playbook.leaflet
    assert leaflet is not None
    assert leaflet.en.split(".")[0] not in annex
    assert "Help is available" not in md and "Information" not in md
    assert "## 1\\. Informații\n" in md
    assert "Regulă de planificare: conduce: Ofițer de sex feminin" in md  # codes by their labels
    assert "Vorbitor de limba română în echipă: " in md  # the special instructions too


def test_an_english_pack_is_as_before_the_field(plan: Plan) -> None:
    """`[en]` and no `languages` give the same pack, English only but for the kit's
    bilingual checklist and leaflet card."""
    english = _in(plan, ("en",))
    md, page = briefing_markdown(english), briefing_html(english)
    default = load_text(yaml.safe_dump(_data(None)), "barnet.yaml").languages
    assert default == ("en",)
    assert md == briefing_markdown(_in(plan, default))
    for romanian in ("Informații", "Ordinul", "Pagina", "Șef de echipă", "Anexa"):
        assert romanian not in md and romanian not in page, romanian
    assert "## 1\\. Information\n" in md
    assert "## Annex A. Indicator checklist / Lista de indicatori\n" in md
    assert "## Annex B. Leaflet card / Pliant\n" in md
    assert '<html lang="en">' in page
    assert '@bottom-right{content:"Page " counter(page) " of " counter(pages);' in page


def test_playbook_text_is_printed_as_written_and_stays_escaped() -> None:
    data, _cache = hostile_playbook(payload)
    data["venues"] = [v for v in data["venues"] if "address" not in v]
    data["languages"] = ["ro", "en"]
    book = load_text(yaml.safe_dump(data, allow_unicode=True), "hostile.yaml")
    plan = solve(book, time_limit=10, work_limit=1.0, seed=1)
    page = briefing_html(plan)
    for tag in ("<script", "<img", "<svg", "<iframe"):
        assert tag not in page.lower(), tag
    assert "Ordinul de operațiune / Operation order" in page
    rendered = MarkdownIt("commonmark").render(briefing_markdown(plan))
    for tag in ("<script", "<img", "<svg", "<a "):
        assert tag not in rendered, tag


def _check(tmp_path: Path, languages: str) -> subprocess.CompletedProcess[str]:
    text = yaml.safe_dump(_data(None), sort_keys=False, allow_unicode=True)
    path = tmp_path / "barnet.yaml"
    path.write_text(text + f"languages: {languages}\n", encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "fieldkit", "playbook", "check", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_an_unknown_language_is_a_located_error_naming_the_known_ones(tmp_path: Path) -> None:
    done = _check(tmp_path, "[en, fr]")
    assert done.returncode == 2, done.stderr
    lines = (tmp_path / "barnet.yaml").read_text(encoding="utf-8").splitlines()
    line = len(lines)
    column = lines[-1].index("fr") + 1
    said = done.stdout + done.stderr
    assert f"barnet.yaml:{line}:{column}:" in said, said
    assert '"fr" is not a language the kit knows; use one of en, ro' in said
    assert "Traceback" not in said


def test_a_language_listed_twice_is_a_located_error(tmp_path: Path) -> None:
    done = _check(tmp_path, "[ro, en, ro]")
    assert done.returncode == 2
    assert "ro is listed more than once" in done.stdout + done.stderr
