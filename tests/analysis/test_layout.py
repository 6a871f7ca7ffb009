"""Unit tests of the pure layout model (birnn_lint.layout)."""

from birnn_lint import layout as lay
from birnn_lint.layout import WILD, Problem, Size

L, H, B = Size.of("L#1"), Size.of("H#1"), Size.of("B")


def state(directions=2, layers=L):
    return lay.state_layout(layers, directions, H, 1)


def kinds(layout):
    return [[f.kind for f in lay.live(axis)] for axis in layout.axes]


def test_reshape_with_unknown_sizes_reports_only_a_sure_batch_mix():
    # view(batch, hidden * hidden_factor) with hidden_factor unknown: the leading batch
    # size alone shows the mix; the same sizes after moving the batch first do not.
    assert lay.reshape_partly_known(state(), [B, None]).kind == "batch-mix"
    assert lay.reshape_partly_known(state(), [None, Size(2) * H]).kind == "batch-mix"
    moved = lay.transpose(state(), 0, 1)
    assert lay.reshape_partly_known(moved, [B, None]) is None
    # one layer, one direction: nothing precedes the batch
    assert lay.reshape_partly_known(state(1, Size(1)), [B, None]) is None
    # unknown and -1 side by side read as one -1; known sizes between them are absorbed
    assert lay.reshape_partly_known(state(), [B, None, WILD]).kind == "batch-mix"
    assert lay.reshape_partly_known(state(), [B, None, Size(2), WILD]).kind == "batch-mix"
    # a direction/layer order problem needs every size: not reported from a partial view
    assert lay.reshape_partly_known(state(), [Size(2), L, None]) is None
    # a literal that may be the batch size proves nothing
    assert lay.reshape_partly_known(state(), [Size(3), None]) is None
    assert lay.reshape_partly_known(state(), [B, H]) is None  # nothing unknown


def test_state_and_output_layouts():
    assert kinds(state()) == [["layer", "direction"], ["batch"], ["hidden"]]
    out = lay.output_layout(2, H, True, 1)
    assert kinds(out) == [["batch"], ["time"], ["direction", "hidden"]]


def test_last_row_is_backward_of_last_layer():
    result = lay.index(state(), [-1])
    assert result.fixed_value(lay.DIR) == 1 and result.fixed_value(lay.LAYER) == "last"
    assert kinds(result) == [["batch"], ["hidden"]]
    assert lay.index(state(), [-2]).fixed_value(lay.DIR) == 0


def test_step_two_slices_pick_one_direction():
    forward = lay.index(state(), [lay.Slice(None, None, 2)])
    backward = lay.index(state(), [lay.Slice(Size(1), None, 2)])
    assert forward.fixed_value(lay.DIR) == 0 and backward.fixed_value(lay.DIR) == 1
    assert kinds(forward) == [["layer"], ["batch"], ["hidden"]]


def test_slice_by_num_layers_is_an_order_problem():
    assert isinstance(lay.index(state(), [lay.Slice(None, L)]), Problem)
    # with one direction, h[:num_layers] is every row: nothing to say
    assert not isinstance(lay.index(state(1), [lay.Slice(None, L)]), Problem)


def test_view_layers_then_directions_is_fine():
    result = lay.reshape(state(), [L, Size(2), B, H])
    assert kinds(result) == [["layer"], ["direction"], ["batch"], ["hidden"]]


def test_view_directions_then_layers_is_flagged():
    problem = lay.reshape(state(), [Size(2), L, B, H])
    assert problem == Problem("direction-layer-order", at=0)


def test_single_layer_direction_split_is_harmless():
    assert isinstance(lay.reshape(state(layers=Size(1)), [Size(2), Size(1), B, H]), lay.Layout)


def test_view_batch_first_without_moving_batch_mixes():
    assert lay.reshape(state(), [B, WILD]).kind == "batch-mix"
    assert lay.reshape(state(), [WILD, Size(2) * H]).kind == "batch-mix"
    moved = lay.transpose(state(), 0, 1)
    assert isinstance(lay.reshape(moved, [B, WILD]), lay.Layout)


def test_unidirectional_single_layer_view_is_fine():
    assert isinstance(lay.reshape(state(1, Size(1)), [B, WILD]), lay.Layout)


def test_literal_batch_size_proves_nothing():
    assert lay.reshape(state(layers=Size(1)), [Size(2), Size(3), H]) is None


def test_output_hidden_direction_split():
    out = lay.output_layout(2, H, False, 1)
    assert lay.reshape(out, [Size.of("T"), B, H, Size(2)]).kind == "hidden-direction-order"
    assert isinstance(lay.reshape(out, [Size.of("T"), B, Size(2), H]), lay.Layout)


def test_cat_of_both_directions_restores_a_direction_factor():
    fwd, bwd = lay.index(state(), [-2]), lay.index(state(), [-1])
    joined = lay.concatenate([fwd, bwd], 1)
    assert kinds(joined) == [["batch"], ["direction", "hidden"]]
    backward_first = lay.concatenate([bwd, fwd], 1)
    assert backward_first.axes[1][0].reversed
    stacked_on_batch = lay.concatenate([fwd, bwd], 0)
    assert lay.reshape(stacked_on_batch, [Size(1), B, Size(2) * H]).kind == "batch-mix"


def test_unbind_and_chunk_split_directions():
    one_layer = state(layers=Size(1))
    parts = lay.unbind(one_layer, 0)
    assert [p.fixed_value(lay.DIR) for p in parts] == [0, 1]
    halves = lay.split_directions(lay.output_layout(2, H, False, 1), -1, 2)
    assert [h.fixed_value(lay.DIR) for h in halves] == [0, 1]


def test_moves_and_reductions():
    s = state()
    assert kinds(lay.permute(s, [1, 0, 2]))[0] == ["batch"]
    assert kinds(lay.movedim(s, 1, 0))[0] == ["batch"]
    assert kinds(lay.reduce(s, 0)) == [["batch"], ["hidden"]]
    assert lay.reduce(s, 1) is None  # summing over the batch: lost
    assert kinds(lay.select_along(s, 1)) == kinds(s)
    assert lay.select_along(s, 0) is None


def test_substitute_directions_for_the_else_branch():
    single = lay.substitute_directions(state(), 1, 1)
    assert kinds(single)[0] == ["layer"]


def test_a_batch_mix_after_a_wildcard_is_read_in_memory_order():
    # (T, B) viewed as (-1, 2 * B): each row holds (step, sample) pairs, step-major.
    steps_by_samples = lay.reduce(lay.output_layout(2, H, False, 1), 2)
    assert lay.reshape(steps_by_samples, [WILD, Size(2) * B]).kind == "batch-mix"
    # (B, T) viewed as (-1, 2 * T): two samples' steps in each row.
    samples_by_steps = lay.transpose(steps_by_samples, 0, 1)
    assert lay.reshape(samples_by_steps, [WILD, Size(2) * Size.of("T")]).kind == "batch-mix"
    # (B, T) viewed as (-1, T): one sample a row.
    assert isinstance(lay.reshape(samples_by_steps, [WILD, Size.of("T")]), lay.Layout)


def test_rows_that_split_each_sample_are_no_batch_mix():
    per_sample = lay.transpose(state(), 0, 1)  # (B, L x 2, H)
    assert not isinstance(lay.reshape(per_sample, [Size(3) * B, WILD]), lay.Problem)
