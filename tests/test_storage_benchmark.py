"""benchmarks.storage replays the page's request schedule: its throttle and its pen-lift requests."""
from benchmarks.storage import page_events, page_requests, points_along


def test_the_throttle_sends_the_first_move_at_once_then_one_per_interval_trailing():
    events = [(0.0, "move", "a"), (0.1, "move", "b"), (0.2, "move", "c"), (0.3, "move", "d"), (0.6, "move", "e")]
    assert page_requests(events, interval=0.25) == [("a", False), ("c", False), ("d", False), ("e", False)]


def test_a_lift_is_sent_at_once_stored_and_cancels_the_trailing_preview():
    events = [(0.0, "move", "a"), (0.1, "move", "b"), (0.15, "lift", "B"), (0.5, "move", "c")]
    assert page_requests(events, interval=0.25) == [("a", False), ("B", True), ("c", False)]


def test_a_minute_of_drawing_has_one_stored_request_per_stroke():
    events = page_events()
    requests = page_requests(events)
    assert max(time for time, _, _ in events) < 60
    assert sum(stored for _, stored in requests) == sum(kind == "lift" for _, kind, _ in events) > 10
    assert len(requests) > 3 * sum(stored for _, stored in requests)


def test_points_along_a_stroke_end_at_its_end():
    moves = points_along([(0, 0), (35, 0), (35, 35)], speed=350, hz=60)
    assert len(moves) == 12 and moves[-1][1][-1] == (35, 35) and moves[0][1][0] == (0, 0)
