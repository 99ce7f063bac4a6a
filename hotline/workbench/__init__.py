"""The agents' intake workbench: the new-case form with the knowledge, routing and duplicate
suggestions beside it. On the center's floor because it brings cases, routing and the knowledge
base together."""
