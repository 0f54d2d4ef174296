"""Data quality: expectations as valid-row predicates with warn / drop / fail actions."""
