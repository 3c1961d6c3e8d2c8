"""The board report's PDF as the reader sees it: every page rendered to an image with pdfium,
checked for content, and its text checked for the sections, a goal, the suppression note and
the cost heading."""

import datetime as dt
import io
import re

import pypdfium2 as pdfium
import pytest
from openpyxl import load_workbook

from insats.reports import render, services, suppression

# A page with just a heading and a footer has well under 1 % dark pixels; a page with a table
# has several per cent.
MIN_INK = 0.01


@pytest.fixture
def report(board, three_closures, cost_world, survey_world):
    return services.build_report(board, dt.date(2024, 1, 1), dt.date(2024, 12, 31),
                                 "verksamhetsberattelse", today=dt.date(2025, 2, 1))


def _pages(body: bytes):
    pdf = pdfium.PdfDocument(body)
    pages = []
    for page in pdf:
        image = page.render(scale=1).to_pil().convert("L")
        text = page.get_textpage().get_text_range()
        pages.append((image, text))
    return pages


def _ink(image) -> float:
    """Share of pixels that are not (nearly) white."""
    histogram = image.histogram()  # 256 grey levels
    dark = sum(histogram[:200])
    return dark / (image.width * image.height)


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\ufffe", "").replace("\u00ad", ""))


def test_every_page_renders_with_content_and_the_text_is_there(report):
    pages = _pages(render.pdf_bytes(report))
    assert len(pages) >= 2
    for number, (image, _text) in enumerate(pages, start=1):
        assert image.width > 500 and image.height > 700  # A4 portrait at 72 dpi: 595 × 842
        assert _ink(image) > MIN_INK, f"page {number} is (nearly) blank"
    text = _flat(" ".join(t for _i, t in pages))
    for heading in ("Mål och måluppfyllelse 2024", "Nyckeltal för perioden", "Kostnad per insats",
                    "Budget mot utfall 2024", "Synpunkter från deltagare och arbetsgivare",
                    "Definitioner av indikatorerna"):
        assert heading in text, heading
    assert "Fler deltagare går vidare till arbete eller studier" in text  # a board goal
    assert _flat(suppression.note()) in text
    assert "Källa för utfallet: Arbetsförmedlingen, december 2024" in text
    assert "6 000 kr" in text.replace("\u00a0", " ")  # measure A's cost
    # 7 of the 8 closures in 2024 went to work (2 of 3, and the 5 of measure A): 87,5 %.
    assert "45,0 % 87,5 %" in text


def test_excel_opens_and_cost_and_survey_cells_are_numbers(report):
    book = load_workbook(io.BytesIO(render.xlsx_bytes(report)))
    cost = book["Kostnad per insats"]
    figures = [c for row in cost.iter_rows(min_row=5) for c in row[3:8] if c.value is not None]
    numbers = [c for c in figures if isinstance(c.value, int | float)]
    hidden = [c.value for c in figures if isinstance(c.value, str)]
    assert numbers and all(c.number_format in ("0", '#,##0 "kr"') for c in numbers)
    assert set(hidden) <= {"<5", "–", ".."}  # hidden cells carry only their marker
    surveys = book["Enkäter"]
    values = [row[6] for row in surveys.iter_rows(min_row=5) if row[5].value]
    # (a whole mean such as 4,0 reads back as the integer 4)
    assert values and all(isinstance(c.value, int | float) or c.value == "–" for c in values)
    assert any(isinstance(c.value, float) and c.number_format == "0.0%" for c in values)
