"""Trees kept as materialized paths: regions, departments and categories are all one shape.

A node's `path` is the codes from the root down to it, each followed by "/", so a subtree is one
indexed `LIKE 'prefix%'` (`path__startswith`). The path is computed when a node is created
(`Model.objects.create_node(...)`) and rewritten for a whole subtree when a node moves (the
`move_node` service in departments.tree); `save()` does nothing clever, so a plain
`objects.create()` would leave the path empty: use `create_node`.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

# Announced (core.generations) when a subtree moves, so every process rebuilds its trees.
TREE_GENERATION = "tree"


def path_under(parent: "TreeNode | None", code: str) -> str:
    """The path of a node with `code` placed under `parent` (None: a root)."""
    return (parent.path if parent is not None else "") + f"{code}/"


class TreeQuerySet(models.QuerySet):
    """Subtree queries on a materialized path, and the creation of nodes with their path."""

    def subtree(self, node: "TreeNode"):
        """The node and everything below it."""
        return self.filter(path__startswith=node.path)

    def create_node(self, **fields) -> "TreeNode":
        """Create a node, its path computed from its parent and code (and its depth, if kept)."""
        node = place(self.model(**fields))
        node.save(force_insert=True, using=self.db)
        return node


def place(node: "TreeNode") -> "TreeNode":
    """Give a node not saved yet the path (and the depth, unless set) its parent implies."""
    node.path = path_under(node.parent, node.code)
    if node.depth_field and getattr(node, node.depth_field) is None:
        setattr(node, node.depth_field, node.depth_under(node.parent))
    return node


class TreeNode(models.Model):
    """A node of a tree: its parent and its materialized path (codes from the root)."""

    # The field keeping the node's depth (1 for a root), rewritten on a move; None: not kept.
    depth_field: str | None = None
    # The deepest a node may lie (the depth field's own constraint), None: no limit.
    max_depth: int | None = None

    parent = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    path = models.CharField(_("path"), max_length=255, db_index=True, editable=False)

    objects = TreeQuerySet.as_manager()

    class Meta:
        abstract = True

    def depth_under(self, parent: "TreeNode | None") -> int:
        """The depth this node would have under `parent` (1 for a root)."""
        return 1 if parent is None else getattr(parent, self.depth_field) + 1

    def is_inside(self, other: "TreeNode") -> bool:
        """This node is `other` or lies below it."""
        return self.path.startswith(other.path)
