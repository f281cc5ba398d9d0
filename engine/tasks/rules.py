"""Co-signing (会签 all sign, 或签 any one signs, 票签 a vote): the rules of a multi-instance task.

- Each signer signs once: one person may complete only one instance of one activation of a
  multi-instance task (two handlers on site are two people; a vote counts people, not clicks).
- Each signature is on the record: who and when (the record entry), the instance, the signer's choice and
  opinion text, read from the form fields the element names (``sanxiang.choice``, ``sanxiang.opinion``)
  or, without them, the defaults of its role.

A legal review signed by several reviewers counts every signer: ``engine.review.rules.joint_conclusion``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from engine.kernel.json_types import JsonObject, JsonValue

CHOICE_PROPERTY, OPINION_PROPERTY = "sanxiang.choice", "sanxiang.opinion"
ROLE_FIELDS: dict[str, tuple[str, str]] = {  # role -> (choice field, opinion field)
    "legal-review": ("reviewConclusion", "reviewOpinion"),
    "on-site": ("inspectionResult", "findings"),
    "coordination": ("coordinationDecision", "minutes"),
    "decision": ("decision", "decisionText"),
}
DEFAULT_FIELDS = ("vote", "opinion")
MAX_OPINION = 2000


def signature_fields(properties: Mapping[str, str], role: str | None) -> tuple[str, str]:
    """The form fields holding a signer's choice and opinion on this element."""
    choice, opinion = ROLE_FIELDS.get(role or "", DEFAULT_FIELDS)
    return properties.get(CHOICE_PROPERTY) or choice, properties.get(OPINION_PROPERTY) or opinion


def signature(fields: tuple[str, str], data: Mapping[str, JsonValue]) -> JsonObject:
    """The choice and opinion a signer submitted (null when the form has no such field)."""
    choice, opinion = (data.get(name) for name in fields)
    text = opinion if isinstance(opinion, str) else (None if opinion is None else str(opinion))
    return {"choice": choice, "opinion": text[:MAX_OPINION] if text is not None else None}


def ends_activation(payload: Mapping[str, JsonValue]) -> bool:
    """Whether a completion's record entry finished its step for the case: an ordinary task always, an
    instance of a multi-instance task only when its activation ended with it (the last signature, or the
    one that met the completion condition). What a decision, an acceptance or a delivery sets in motion —
    deadlines, the decision webhook — happens once, then."""
    sign = payload.get("signature")
    return not isinstance(sign, Mapping) or sign.get("last") is not False


def has_signed(signers: Iterable[str], user: str) -> bool:
    """Whether ``user`` already signed this activation (each signer signs once)."""
    return user in set(signers)
