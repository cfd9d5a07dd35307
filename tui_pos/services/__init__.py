"""Use cases and business rules. Plain Python: never imports Textual."""
