"""Moving a node of a tree (a region, a department, a category) with everything below it.

Scopes, routing rules and filters all match on path prefixes, so a move rewrites the paths
(and depths, where a tree keeps them) of the whole subtree in one statement, in the same
transaction as the new parent. The in-process caches of this process forget the tree through
the moved node's `post_save`; every other process learns of the move through the "tree"
generation (`core.generations`), which the gazetteer's and the rule set's versions include.
"""

from django.db import transaction
from django.db.models import F, Max, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from core import generations
from core.errors import ApplicationError
from core.tree import TREE_GENERATION, TreeNode, path_under


class TreeMoveRefused(ApplicationError):
    """The move would break the tree: a node under itself, or deeper than the tree allows."""

    code = "tree_move_refused"
    status_code = 400


def ensure_can_move(node: TreeNode, *, new_parent: TreeNode | None) -> None:
    """Raise TreeMoveRefused unless `node` may move under `new_parent` (None: a root)."""
    if new_parent is None:
        return
    if new_parent.is_inside(node):
        raise TreeMoveRefused(
            _("“%(node)s” cannot move under “%(parent)s”, which lies inside it.")
            % {"node": node, "parent": new_parent},
            field="parent",
        )
    if node.max_depth is not None:
        model = type(node)
        subtree = model.objects.subtree(node)
        deepest = subtree.aggregate(deepest=Max(node.depth_field))["deepest"]
        moved_by = node.depth_under(new_parent) - getattr(node, node.depth_field)
        if deepest + moved_by > node.max_depth:
            raise TreeMoveRefused(
                _("Under “%(parent)s”, “%(node)s” would reach deeper than %(max)d levels.")
                % {"node": node, "parent": new_parent, "max": node.max_depth},
                field="parent",
            )


@transaction.atomic
def move_node(node: TreeNode, *, new_parent: TreeNode | None) -> TreeNode:
    """Put `node` under `new_parent`, rewriting the paths (and depths) of its whole subtree."""
    model = type(node)
    node = model.objects.select_for_update().get(pk=node.pk)
    if new_parent is not None:
        new_parent = model.objects.get(pk=new_parent.pk)
    if node.parent_id == (new_parent.pk if new_parent else None):
        return node
    ensure_can_move(node, new_parent=new_parent)
    old_path, new_path = node.path, path_under(new_parent, node.code)
    below = model.objects.filter(path__startswith=old_path).exclude(pk=node.pk)
    changes = {"path": Concat(Value(new_path), Substr("path", len(old_path) + 1))}
    node.parent, node.path = new_parent, new_path
    fields = ["parent", "path"]
    if node.depth_field:
        moved_by = node.depth_under(new_parent) - getattr(node, node.depth_field)
        changes[node.depth_field] = F(node.depth_field) + moved_by
        setattr(node, node.depth_field, getattr(node, node.depth_field) + moved_by)
        fields.append(node.depth_field)
    # The node first, in one row, so that its parent and depth agree for the constraints.
    node.save(update_fields=fields)  # post_save: the caches of this process forget the tree
    below.update(**changes)
    generations.bump(TREE_GENERATION)
    return node
