"""The walk through an outline: where a report stands, one input applied, rules and rates."""
