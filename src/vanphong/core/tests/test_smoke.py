from vanphong.core import audit
from vanphong.core.permissions import Action, can


def test_it_builds_the_tree_with_an_intact_audit_chain(tree, clerk):
    assert can(clerk, Action.REGISTER, tree.city)
    assert not can(clerk, Action.REGISTER, tree.other_province)
    assert list(audit.verify()) == []
