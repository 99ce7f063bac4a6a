"""The workbench pages for cases: lists, intake, the case page and its actions."""
