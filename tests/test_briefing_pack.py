"""The briefing pack as an IIMARCH operation order: briefing.pdf read back with poppler."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from fieldkit.plan.briefing_pdf import briefing_pdf
from fieldkit.plan.order_sections import SECTIONS
from fieldkit.plan.records import Plan
from fieldkit.plan.solve import solve
from fieldkit.playbook import load_playbook
from tests.support.paths import PLAYBOOKS

SEEDS = sorted(PLAYBOOKS.glob("*.yaml"))
needs_poppler = pytest.mark.skipif(
    not (shutil.which("pdftotext") and shutil.which("pdftoppm")), reason="poppler is not installed"
)


def _plan(path: Path) -> Plan:
    return solve(load_playbook(path), time_limit=5, work_limit=1.0, seed=1)


def _pages(pdf: Path) -> list[str]:
    """Each page's text, its whitespace run together."""
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [" ".join(page.split()) for page in text.split("\f") if page.strip()]


@pytest.fixture(scope="module", params=SEEDS, ids=lambda p: p.stem)
def pack(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Plan, Path]:
    plan = _plan(request.param)
    pdf = tmp_path_factory.mktemp("pack") / "briefing.pdf"
    pdf.write_bytes(briefing_pdf(plan))
    return plan, pdf


@needs_poppler
def test_every_page_carries_the_marking_top_and_bottom_and_its_number(
    pack: tuple[Plan, Path],
) -> None:
    plan, pdf = pack
    marking = plan.playbook.marking
    pages = _pages(pdf)
    assert len(pages) > len(plan.playbook.teams) * len(plan.playbook.operation.days)
    for n, page in enumerate(pages, start=1):
        assert page.startswith(marking), f"page {n} does not open with {marking}"
        footer = f"Page {n} of {len(pages)}"
        if "ro" in plan.playbook.languages:  # the seeds' packs are in English and Romanian
            footer += f" / Pagina {n} din {len(pages)}"
        assert page.endswith(f"{marking} {footer}"), f"page {n}"


@needs_poppler
def test_the_order_has_the_seven_iimarch_sections_in_order(pack: tuple[Plan, Path]) -> None:
    plan, pdf = pack
    text = " ".join(_pages(pdf))
    found = [text.find(f"{n}. {title}") for n, title in enumerate(SECTIONS, start=1)]
    assert -1 not in found, dict(zip(SECTIONS, found, strict=True))
    assert found == sorted(found)
    assert text.index("7. Humanitarian issues") < text.index("Annex A")


@needs_poppler
def test_a_page_for_every_team_on_every_day(pack: tuple[Plan, Path]) -> None:
    plan, pdf = pack
    pb = plan.playbook
    pages = _pages(pdf)
    for day in pb.operation.days:
        for team in pb.teams:
            heading = f"{' '.join(team.name.split())}: {day:%A %d %B %Y}"
            mine = [p for p in pages if heading in p]
            assert len(mine) >= 1, heading
            page = mine[0]
            assert "Reporting location" in page
            if team.leader:
                assert pb.person(team.leader).name in page
            if team.radio:
                assert " ".join(team.radio.split()) in page


@needs_poppler
def test_the_annex_has_the_checklist_in_two_languages_and_a_leaflet_card(
    pack: tuple[Plan, Path],
) -> None:
    plan, pdf = pack
    pb = plan.playbook
    text = " ".join(_pages(pdf))
    annex = text[text.index("Annex A") :]
    assert "Semn (română)" in annex
    first = pb.codebook.indicators.codes[0]
    assert " ".join(first.ro.split()) in annex
    card = annex[annex.index("Annex B") :]
    assert pb.helplines[0].phone in card
    if pb.leaflet:
        assert " ".join(pb.leaflet.ro.split())[:40] in card


@needs_poppler
def test_a_team_page_renders_to_an_a4_image_with_ink_in_the_marking_band(
    pack: tuple[Plan, Path], tmp_path: Path
) -> None:
    from PIL import Image

    plan, pdf = pack
    subprocess.run(
        ["pdftoppm", "-png", "-r", "40", "-f", "3", "-l", "3", str(pdf), str(tmp_path / "p")],
        check=True,
    )
    (png,) = tmp_path.glob("p*.png")
    image = Image.open(png).convert("L")
    width, height = image.size
    assert abs(height / width - 297 / 210) < 0.02
    top = image.crop((0, 0, width, height // 12))
    assert top.getextrema()[0] < 128, "no marking at the top of the page"
