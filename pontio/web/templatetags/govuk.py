"""Template tags for GOV.UK Design System pages."""

from __future__ import annotations

from django import template
from django.forms.boundfield import BoundField
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag
def govuk_field(field: BoundField, *, heading: bool = False) -> SafeString:
    """Render a field as a GOV.UK form group; ``heading=True`` makes its label the h1.

    On a question page (one question per page) the question is the page heading:
    ``{% govuk_field form.reason heading=True %}``.
    """
    context = {**field.get_context(), "heading": heading}
    return field.render(context=context)
