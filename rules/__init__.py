"""Rules are data: YAML files, one per rule, validated by schema.json. No Python here."""
