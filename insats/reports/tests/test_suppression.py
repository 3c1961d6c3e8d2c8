from hypothesis import given, settings
from hypothesis import strategies as st

from insats.reports import suppression


def test_small_counts_are_hidden_and_zero_too():
    total, cells = suppression.suppress_group({"K": 12, "M": 3, "X": 4}, 19, limit=5)
    assert not total.suppressed and total.value == 19
    assert cells["M"].suppressed and cells["X"].suppressed and not cells["K"].suppressed
    _total, cells = suppression.suppress_group({"K": 12, "M": 3, "X": 0}, 15, limit=5)
    assert cells["X"].suppressed  # zero is a small count too


def test_an_empty_hidden_cell_protects_nothing():
    """K 12, M 3, X 0: were X (often known to be empty) counted as M's partner, 15 − 12 would
    give M. So K is hidden too, and every hidden cell reads the same."""
    total, cells = suppression.suppress_group({"K": 12, "M": 3, "X": 0}, 15, limit=5)
    assert total.value == 15 and all(c.suppressed and c.secondary for c in cells.values())
    # Costs: an unused measure (no participants) does not protect a small one.
    total, cells = suppression.based_group(
        {"A": 10000, "B": 1400, "Idle": 0}, {"A": 10, "B": 2, "Idle": 0}, 11400, 12, limit=5
    )
    assert total.value == 11400 and cells["A"].suppressed and cells["B"].suppressed


def test_secondary_suppression_hides_the_next_smallest():
    total, cells = suppression.suppress_group({"K": 20, "M": 9, "X": 2}, 31, limit=5)
    assert cells["X"].suppressed and cells["M"].suppressed and not cells["K"].suppressed
    # The same marker for both: "<5" beside ".." would tell 2 + 9 = 11 apart.
    assert cells["X"].secondary and cells["M"].secondary


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
        # total − shown cells = the sum of the hidden ones; with a single hidden cell that is
        # not known to be empty, that sum would be its value.
        assert len([k for k in hidden if counts[k]]) != 1
        # Hidden cells of one group are not told apart ("<5" beside "..").
        assert len({cells[k].secondary for k in hidden}) <= 1
    else:
        # Without the total nothing is subtracted; the total is only hidden when it is small
        # (or would expose a lone hidden cell).
        assert total_value < 5 or len(cells) == 1


def test_based_group_hides_small_bases_and_the_next_smallest_figure():
    # Costs of three measures (9 000 in all) with their participants; B rests on 3 persons.
    total, cells = suppression.based_group(
        {"A": 6000, "B": 1000, "C": 2000}, {"A": 6, "B": 3, "C": 5}, 9000, 14, limit=5
    )
    assert not total.suppressed and total.value == 9000
    assert cells["A"].value == 6000
    assert cells["B"].suppressed and cells["C"].suppressed  # else 9 000 − 6 000 − 2 000 = B
    assert cells["B"].secondary and cells["C"].secondary  # one marker for both


def test_based_group_small_total_and_lone_cell():
    total, cells = suppression.based_group({"A": 500}, {"A": 2}, 500, 2, limit=5)
    assert total.suppressed and not total.secondary and cells["A"].suppressed
    # One hidden figure and nothing else shown: the total would be that figure.
    total, cells = suppression.based_group({"A": 500}, {"A": 2}, 500, 6, limit=5)
    assert total.suppressed and total.secondary


def test_subtotal_hidden_when_it_reveals_a_single_hidden_cell():
    shown, hidden = suppression.Cell(10), suppression.Cell(None, suppressed=True)
    assert suppression.subtotal_cell(30, 9, [shown, hidden], [shown], limit=5).suppressed
    assert suppression.subtotal_cell(30, 9, [shown], [hidden, shown], limit=5).suppressed
    assert suppression.subtotal_cell(30, 9, [hidden, hidden], [shown], limit=5).value == 30
    assert suppression.subtotal_cell(30, 4, [shown], [shown], limit=5).suppressed  # base 4


def test_surveys_use_the_same_threshold(settings):
    from insats.surveys import services as surveys

    settings.INSATS_SUPPRESSION_THRESHOLD = 3
    assert surveys.min_cell() == suppression.threshold() == 3
    cells = [surveys.Cell("unit", 1, "A", counts={4: 3}), surveys.Cell("unit", 2, "B",
                                                                          counts={5: 2})]
    surveys.suppress(cells, partition=False)
    assert [c.suppressed for c in cells] == [False, True]  # 3 answers shown, 2 hidden
    settings.INSATS_SUPPRESSION_THRESHOLD = 5
    surveys.suppress(cells, partition=False)
    assert [c.suppressed for c in cells] == [True, True]


def test_a_cell_hidden_to_protect_another_is_not_called_small():
    from insats.reports import render

    _total, cells = suppression.suppress_group({"K": 20, "M": 9, "X": 2}, 31, limit=5)
    # Neither is called "<5": 9 is not small, and telling them apart would give both away.
    assert render.value_text(cells["X"], "integer") == ".."
    assert render.value_text(cells["M"], "integer") == ".."
    _total, cells = suppression.suppress_group({"K": 20, "M": 2, "X": 3}, 25, limit=5)
    assert render.value_text(cells["M"], "integer") == "<5"  # two small cells protect each other
    assert render.value_text(suppression.based_cell(0.5, 4), "percent") == "–"
    secondary = suppression.Cell(None, suppressed=True, secondary=True)
    assert render.value_text(secondary, "amount") == ".."
    assert ".." in suppression.note()
