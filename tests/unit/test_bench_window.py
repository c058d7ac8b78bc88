"""The benchmark harness's measured window and its tail figures (bench/load.py): no timing asserted."""

from __future__ import annotations

import gc

from bench.load import HARNESS_GC_NO_FULL, HARNESS_GC_YOUNG, HarnessGC, Stats, measured_window, tail
from bench.standin import StandIn


def test_quiet_window_holds_full_collections_and_restores_the_collector() -> None:
    before = gc.get_threshold()
    frozen_before = gc.get_freeze_count()
    with measured_window() as log:
        assert gc.get_threshold() == (HARNESS_GC_YOUNG, before[1], HARNESS_GC_NO_FULL)
        assert gc.get_freeze_count() > frozen_before  # what was alive is frozen out of the window's collections
        gc.collect(2)  # asked for explicitly, a full collection still runs and is recorded
        gc.collect(0)
    assert (len(log.full), len(log.young)) == (1, 1)
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
    assert set(log.figures()) == {
        "harness_young",
        "harness_young_ms",
        "harness_young_max_ms",
        "harness_full",
        "harness_full_ms",
        "harness_full_max_ms",
    }


def test_free_window_leaves_the_collector_alone_and_records_it() -> None:
    before = gc.get_threshold()
    with measured_window(quiet=False) as log:
        assert gc.get_threshold() == before
        gc.collect(1)
    assert (len(log.full), len(log.young)) == (0, 1)
    assert gc.get_threshold() == before


def test_tail_sorts_every_sample_into_the_opening_burst_or_the_rest() -> None:
    # 100 samples, so that the slowest 1% is exactly one: three from the opening burst (one of them, the
    # slowest of all, sent in the first second), 97 from the rest of the walk (one answered before the burst's
    # last reply).
    # The burst's samples are recorded in pairs, each user's /menu then /help: sample 98 is a third /menu.
    latencies = [0.9, 0.5] + [0.1] * 96 + [0.4, 0.2]
    stats = Stats(latencies=latencies, sent=[0.0, 0.0, 0.2] + [2.0] * 95 + [0.5, 3.0], opening=[0, 1, 98], first=0.0)
    assert tail(stats) == {
        "opening_samples": 3,
        "opening_p50": 0.5,
        "opening_p99": 0.9,
        "opening_max": 0.9,
        "menu_p99": 0.9,
        "help_p99": 0.5,
        "opening_drained": 0.9,
        "rest_before_drained": 1,  # sample 2, answered at 0.3, before the burst's last reply at 0.9
        "rest_p99": 0.2,
        "rest_max": 0.2,
        "slowest": 1,
        "slowest_opening": 1,
        "slowest_first_second": 1,
    }


def test_samples_waiting_through_a_full_collection_are_counted() -> None:
    # Four samples (sent at, latency) around a pause from 1.0 to 1.2: the slowest (1% of four is one) spans
    # it, one is sent during it, one is answered before it and one is sent after it.
    stats = Stats(latencies=[0.5, 0.3, 0.2, 0.1], sent=[0.9, 1.1, 0.1, 1.5])
    log = HarnessGC(full=[(1.0, 1.2)])
    figures = log.figures(stats)
    assert (figures["samples_during_full"], figures["slowest_during_full"]) == (2, 1)
    assert round(figures["harness_full_ms"]) == round(figures["harness_full_max_ms"]) == 200


async def test_stand_in_hands_out_pending_updates_from_the_offset_in_batches() -> None:
    standin = StandIn()
    ids = [standin.send_text(7, str(n)) for n in range(5)]
    assert [u["update_id"] for u in await standin._m_getUpdates({"limit": 2})] == ids[:2]
    # Confirming the first two by asking from the third: they are gone for good, as on Telegram.
    assert [u["update_id"] for u in await standin._m_getUpdates({"offset": ids[2]})] == ids[2:]
    assert [u["update_id"] for u in await standin._m_getUpdates({})] == ids[2:]
    assert await standin._m_getUpdates({"offset": ids[-1] + 1}) == []
