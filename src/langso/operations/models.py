"""Operations keeps no tables of its own.

This module exists because Django sends `post_migrate` only for apps with a models module, and the
step that installs the shipped content after every `migrate` (operations/content.py) listens for this
app's signal: being last in INSTALLED_APPS, it runs after every other app's handler (the change
triggers are back in place before the content's rows are written).
"""
