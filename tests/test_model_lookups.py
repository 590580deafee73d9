"""Lookups on the model that rules and front ends ask for each workload."""

from __future__ import annotations

from cwlint.model import Location, LogGroup, Model
from cwlint.terraform.values import TfRef
from cwlint.values import Unknown, concat


def group(model: Model, group_id: str, name: object) -> LogGroup:
    made = LogGroup(group_id, Location("main.tf", 1, group_id), name)  # type: ignore[arg-type]
    model.log_groups[group_id] = made
    return made


def test_the_first_log_group_of_a_name_in_input_order() -> None:
    model = Model("main.tf")
    first = group(model, "a", "/app/orders")
    group(model, "b", "/app/orders")
    other = group(model, "c", "/app/billing")
    assert model.log_group_named("/app/orders") is first
    assert model.log_group_named("/app/billing") is other
    assert model.log_group_named("/app/Orders") is None  # names are case-sensitive


def test_a_partly_known_name_matches_only_the_same_pieces() -> None:
    model = Model("main.tf")
    env = Unknown("var.env is not set")
    partial = group(model, "a", concat(["/app/", env, "/orders"]))
    reference = group(model, "b", TfRef("known after apply", "random_pet.this", "id"))
    assert model.log_group_named(concat(["/app/", env, "/orders"])) is partial
    assert model.log_group_named(concat(["/app/", Unknown("other"), "/orders"])) is None
    assert model.log_group_named(TfRef("known after apply", "random_pet.this", "id")) \
        is reference
    assert model.log_group_named(Unknown("known after apply")) is None  # not a TfRef


def test_a_log_group_added_after_a_lookup_is_found() -> None:
    model = Model("main.tf")
    group(model, "a", "/app/orders")
    assert model.log_group_named("/app/billing") is None
    added = group(model, "b", "/app/billing")
    assert model.log_group_named("/app/billing") is added
