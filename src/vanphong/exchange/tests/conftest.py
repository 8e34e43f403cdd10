"""The exchange tests use the drafting fixtures: a document drafted, signed and sent."""

from vanphong.drafting.tests.conftest import (  # noqa: F401
    authority,
    clerk,
    issue_credential,
    letter_type,
    make_draft,
    member,
    office_chief,
    outsider,
    secretary,
    specialist,
    terms,
    tree,
    trusted,
)
