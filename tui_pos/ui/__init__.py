"""The screens and widgets layer: Textual only, calling services."""
