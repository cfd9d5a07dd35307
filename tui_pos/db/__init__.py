"""The model layer: peewee models, exact fields, connection and migrations."""
