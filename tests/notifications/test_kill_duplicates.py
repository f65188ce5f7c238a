"""The one limit of "exactly once", measured with real processes: a worker
killed after the provider accepted an e-mail and before the row was marked
sent. The notice is sent again after the lease, with the same Message-ID
(bench/kill_send.py; docs/notifications.md has the figure at 240 notices)."""

from bench.kill_send import measure
from tests.live_server import migrated_database


def test_a_worker_killed_after_the_provider_accepted_resends_with_the_same_message_id(tmp_path):
    result = measure(notices=12, kill_every=4, workers=2, database=migrated_database(tmp_path))
    print(result)

    assert result.kills == 3
    assert result.rows_sent == 12
    # What is left: one more copy per kill in the window...
    assert result.deliveries == 12 + result.kills
    # ...each carrying its original's Message-ID, so it de-duplicates.
    assert result.distinct_message_ids == 12
    assert result.duplicated_message_ids == result.kills
