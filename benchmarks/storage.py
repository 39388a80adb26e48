"""Rows and bytes stored for one minute of drawing on the page: every request stored (before issue 22) against
previews unstored and only the answer at the pen's lift stored (now).

The page's request schedule is replayed, not clicked: pointer moves at 60 Hz along the strokes of digits drawn
back to back (a 7 in two strokes, a 1, a 0, at DRAW_SPEED px/s, PEN_UP s between strokes, READ s to read the
answer before clearing), through the page's own throttle (frontend/src/throttle.js: the first move at once, then
at most one request each INTERVAL ms, trailing) and its pen-lift request (sent at once, throttle cancelled).
Each request posts the drawing as it stands then, exported as the page does (280x280 PNG), to the real app
(a throwaway database), and the predictions table is measured after.

    python -m benchmarks.storage        (make bench-storage)
"""
import math

from sqlalchemy import func, select

from app.recognition.drawings import draw_strokes
from app.storage.records import Prediction
from benchmarks.harness import serving_app
from tests.drawing import ONE, SEVEN, ZERO, data_uri

MINUTE = 60.0
EVENT_HZ = 60  # pointer moves per second
DRAW_SPEED = 350.0  # px per second along a stroke (a 280 px canvas)
PEN_UP = 0.3  # seconds between two strokes of a digit
READ = 1.5  # seconds to read the answer before clearing for the next digit
INTERVAL = 0.25  # the page's throttle (usePrediction's interval)
DIGITS = [SEVEN, ONE, ZERO]


def points_along(stroke, speed=DRAW_SPEED, hz=EVENT_HZ):
    """The pointer positions of one stroke, one per move event: (seconds since the stroke began, partial stroke)."""
    lengths = [math.dist(a, b) for a, b in zip(stroke, stroke[1:])]
    total = sum(lengths)
    events, steps = [], max(1, round(total / speed * hz))
    for step in range(1, steps + 1):
        travelled, done, point = total * step / steps, [stroke[0]], stroke[0]
        for (a, b), length in zip(zip(stroke, stroke[1:]), lengths):
            if travelled <= length:
                share = travelled / length if length else 1.0
                point = (a[0] + (b[0] - a[0]) * share, a[1] + (b[1] - a[1]) * share)
                break
            travelled -= length
            done.append(b)
        events.append((step / hz, done + [point]))
    return events


def page_events(seconds=MINUTE):
    """(time, "move" | "lift", strokes drawn so far) of one person drawing digits back to back for ``seconds``."""
    events, now, index = [], 0.0, 0
    while now < seconds:
        drawn = []
        for stroke in DIGITS[index % len(DIGITS)]:
            moves = points_along(stroke)
            for offset, partial in moves:
                events.append((now + offset, "move", drawn + [partial]))
            now += moves[-1][0]
            drawn = drawn + [stroke]
            events.append((now, "lift", drawn))
            now += PEN_UP
        now += READ
        index += 1
    return [event for event in events if event[0] < seconds]


def page_requests(events, interval=INTERVAL):
    """The requests the page sends for ``events``: (strokes, stored?) -- the throttle's leading and trailing calls
    for moves (previews), one at once for each lift (its pending trailing call cancelled)."""
    requests, last, pending = [], -math.inf, None  # pending: (due time, strokes) of the trailing call
    for time, kind, strokes in events:
        if pending is not None and pending[0] <= time:
            requests.append((pending[1], False))
            last, pending = pending[0], None
        if kind == "lift":
            pending = None
            requests.append((strokes, True))
        elif time - last >= interval:
            requests.append((strokes, False))
            last = time
        else:
            pending = (last + interval, strokes)  # the newest drawing, sent when the window ends
    if pending is not None:
        requests.append((pending[1], False))
    return requests


def stored_after(requests, previews_stored):
    """Send ``requests`` to a fresh app -> (requests, rows stored, bytes of images stored)."""
    app, _ = serving_app()
    client = app.test_client()
    for strokes, at_lift in requests:
        store = at_lift or previews_stored
        response = client.post("/api/predict" if store else "/api/predict?store=false",
                               json={"image": data_uri(draw_strokes(strokes))})
        assert response.status_code == 200, response.get_json()
    app.extensions["prediction_writer"].flush()
    with app.extensions["database"].Session() as session:
        rows, size = session.execute(select(func.count(), func.coalesce(func.sum(func.length(Prediction.image)), 0))
                                     .select_from(Prediction)).one()
    return len(requests), rows, size


def main():
    events = page_events()
    requests = page_requests(events)
    lifts = sum(1 for _, kind, _ in events if kind == "lift")
    print(f"One minute of drawing: {len(events)} pointer events, {lifts} pen lifts, {len(requests)} requests "
          f"(throttle {INTERVAL * 1000:.0f} ms, {DRAW_SPEED:.0f} px/s, digits 7 1 0 in turn)")
    print(f"{'':34} {'requests':>8} {'rows':>6} {'bytes of images':>16}")
    for name, previews_stored in (("before: every request stored", True), ("after: previews ?store=false", False)):
        sent, rows, size = stored_after(requests, previews_stored)
        print(f"{name:34} {sent:>8} {rows:>6} {size:>16,}")
    print("Rows of predictions without feedback are deleted after PREDICTION_RETENTION_DAYS (default 30).")


if __name__ == "__main__":
    main()
