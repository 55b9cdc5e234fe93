"""Form errors with the rule that raised them: a ValidationError coded with a rule id of
lumbung.rules is shown as "message (rule id)", so the owner reads the rule and the field."""

from __future__ import annotations

from django import template

from lumbung import rules

register = template.Library()


@register.filter
def rule_errors(errors) -> list[dict]:
    """``field.errors`` (or ``form.non_field_errors``) as [{"message", "rule"}]."""
    out = []
    for error in errors.as_data() if hasattr(errors, "as_data") else []:
        code = getattr(error, "code", None)
        for message in error.messages:
            out.append({"message": message, "rule": code if code in rules.BY_ID else None})
    return out
