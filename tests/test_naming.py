"""The name an operation gets when the table doesn't name it (together/_naming.py): one
rule from its method and path, the rule the table's own names mostly follow."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from together import _namespaces
from together._naming import reproduced, roots, rule_name
from together._table import NAMES

# What the rule gives for the table's own operations, each named from all the others: the
# count may rise (a better rule, or table names that follow it), never drop.
REPRODUCED = 78


@pytest.mark.parametrize(
    ("key", "name"),
    [
        ("GET /fine-tunes/{id}/metrics", "fine_tuning.list_metrics"),
        ("GET /widgets", "widgets.list"),
        ("POST /widgets", "widgets.create"),
        ("GET /widgets/{id}", "widgets.retrieve"),
        ("PATCH /widgets/{id}", "widgets.update"),
        ("DELETE /widgets/{id}", "widgets.delete"),
        ("POST /batches/{id}/pause", "batches.pause"),
        ("GET /evaluation/{id}/report", "evaluation.report"),
        ("GET /endpoints/{endpointId}/replicas", "endpoints.list_replicas"),
        ("GET /fine-tunes/{id}/checkpoints/{checkpoint_id}", "fine_tuning.retrieve_checkpoint"),
        ("DELETE /deployments/secrets/{id}/versions/{v}", "deployments.secrets.delete_version"),
        ("GET /compute/clusters/storage/volumes/{volume_id}/usage", "clusters.storage.usage"),
    ],
)
def test_an_operation_is_named_from_its_method_and_path(key: str, name: str) -> None:
    assert rule_name(key, NAMES) == name


def test_a_namespace_root_is_the_path_most_of_its_operations_start_with() -> None:
    found = roots(NAMES)
    assert found["fine_tuning"] == ("fine-tunes",)  # not /finetune/download, its odd one
    assert found["clusters"] == ("compute", "clusters")
    assert found["clusters.storage"] == ("compute", "clusters", "storage", "volumes")
    assert found["queue"] == ("queue",)


def test_a_status_is_one_thing_metrics_are_several() -> None:
    assert rule_name("GET /evaluation/{id}/status", {}) == "evaluation.status"
    assert rule_name("GET /evaluation/{id}/metrics", {}) == "evaluation.list_metrics"


def test_the_rule_gives_most_of_the_table_s_own_names(capsys: pytest.CaptureFixture[str]) -> None:
    same, differ = reproduced(NAMES)
    with capsys.disabled():
        print(f"\nnaming rule: {same} of the table's {len(NAMES)} names")
    assert same + len(differ) == len(NAMES)
    assert same >= REPRODUCED, "\n".join(differ)
    assert same * 4 >= len(NAMES) * 3


@pytest.fixture
def table_without() -> Iterator[dict[str, tuple[str, ...]]]:
    """The table, to take names out of for one test (layouts made from it are forgotten)."""
    saved = dict(NAMES)

    def forget() -> None:
        _namespaces.layout.cache_clear()
        _namespaces._roots.cache_clear()

    forget()
    yield NAMES
    NAMES.clear()
    NAMES.update(saved)
    forget()


def test_an_operation_the_table_drops_gets_the_rule_s_name(
    table_without: dict[str, tuple[str, ...]],
) -> None:
    del table_without["GET /fine-tunes/{id}/events"]
    entry = _namespaces.layout()["fine_tuning"]["list_events"]
    assert entry.info.key == "GET /fine-tunes/{id}/events"


def test_a_rule_s_name_the_table_gives_another_operation_falls_back_to_the_module_s(
    table_without: dict[str, tuple[str, ...]],
) -> None:
    del table_without["GET /fine-tunes/{id}/events"]
    table_without["GET /fine-tunes/{id}/checkpoints"] = ("fine_tuning.list_events",)
    methods = _namespaces.layout()["fine_tuning"]
    assert methods["list_events"].info.key == "GET /fine-tunes/{id}/checkpoints"
    assert methods["get_fine_tunes_id_events"].info.key == "GET /fine-tunes/{id}/events"
