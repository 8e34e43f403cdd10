"""Summing up the organization tree in the database: the pieces any statistic of a
subtree uses (the membership statistics, the report forms' numbers).

The tree is a materialized path (django-treebeard, `steplen` characters a level), so
the child subtree a row belongs to is the first `(node.depth + 1) * steplen`
characters of its organization's path. Grouping by that prefix sums every child's
whole subtree in one `GROUP BY`, whatever the number of organizations below; a row
of the node itself keeps the node's own (shorter) path as its key."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.db.models.functions import Substr

from vanphong.core.models import Organization


def child_key(node: Organization, path_field: str = "organization__path") -> Substr:
    """An expression giving, for a row under `node` (reached through `path_field`),
    the path of the child of `node` whose subtree holds it (or the node's own path for
    a row of the node itself)."""
    return Substr(path_field, 1, (node.depth + 1) * Organization.steplen)


def in_subtree(node: Organization, path_field: str = "organization__path") -> Q:
    """Rows of `node` and everything below it: one indexed prefix range."""
    return Q(**{f"{path_field}__startswith": node.path})


def children(node: Organization) -> QuerySet[Organization]:
    """The units right under `node`, in the tree's order."""
    return (
        Organization.objects.filter(path__startswith=node.path, depth=node.depth + 1)
        .select_related("kind")
        .order_by("path")
    )


def ancestor_paths(node: Organization) -> list[str]:
    """The paths of `node`'s ancestors and of `node` itself, from the root down."""
    step = Organization.steplen
    return [node.path[: step * level] for level in range(1, node.depth + 1)]
