from typing import Any

from django import template

from tremplin.surveys.xlsform import rule_to_expression

register = template.Library()


@register.filter
def rule_text(rule: Any) -> str:
    """A skip-logic rule in XLSForm notation, for staff pages."""
    return rule_to_expression(rule, {})
