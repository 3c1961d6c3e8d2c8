from hypothesis import given, settings
from hypothesis import strategies as st

from insats.reports import suppression


def test_small_counts_are_hidden_and_zero_too():
    total, cells = suppression.suppress_group({"K": 12, "M": 3, "X": 0}, 15, limit=5)
    assert not total.suppressed and total.value == 15
    assert cells["M"].suppressed and cells["X"].suppressed and not cells["K"].suppressed


def test_secondary_suppression_hides_the_next_smallest():
    total, cells = suppression.suppress_group({"K": 20, "M": 9, "X": 2}, 31, limit=5)
    assert cells["X"].suppressed and not cells["X"].secondary
    assert cells["M"].suppressed and cells["M"].secondary
    assert not cells["K"].suppressed


def test_small_total_hides_everything():
    total, cells = suppression.suppress_group({"K": 2, "M": 1}, 3, limit=5)
    assert total.suppressed and all(c.suppressed for c in cells.values())


def test_based_cell():
    assert suppression.based_cell(0.5, 4, limit=5).suppressed
    assert suppression.based_cell(0.5, 5, limit=5).value == 0.5
    assert suppression.based_cell(0.5, None, limit=5).suppressed


def test_note_names_the_threshold(settings):
    settings.INSATS_SUPPRESSION_THRESHOLD = 3
    assert "<3" in suppression.note()


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=6))
def test_no_hidden_value_can_be_recovered_by_subtraction(values):
    counts = {f"g{i}": v for i, v in enumerate(values)}
    total_value = sum(values)
    total, cells = suppression.suppress_group(counts, total_value, limit=5)
    hidden = [k for k, c in cells.items() if c.suppressed]
    # Every count under the limit is hidden, and shown cells carry their true value.
    assert all(cells[k].suppressed for k, v in counts.items() if v < 5)
    assert all(cells[k].value == v for k, v in counts.items() if not cells[k].suppressed)
    if not total.suppressed:
        # total − shown cells = the sum of the hidden ones; with a single hidden cell that sum
        # would be its value.
        assert len(hidden) != 1
    else:
        # Without the total nothing is subtracted; the total is only hidden when it is small
        # (or would expose a lone hidden cell).
        assert total_value < 5 or len(cells) == 1
