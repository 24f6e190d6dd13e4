"""GOV.UK Design System markup for every Django form, from one place.

``settings.FORM_RENDERER`` names :class:`GovukFormRenderer`, so ``{{ form }}`` and
``{{ form.field.as_field_group }}`` give GOV.UK form groups: label (or legend),
hint from ``help_text``, error message, and the component classes on the widget.
The error summary is the partial ``web/_error_summary.html``, which every form
page includes at the top of its main content.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates
from django.utils.translation import pgettext_lazy

# Widget class, its GOV.UK class and error modifier ("" when it has none). The
# first match wins, so subclasses come before their parents (CheckboxSelectMultiple
# is a RadioSelect; CheckboxInput and FileInput are Inputs).
_WIDGET_CLASSES: tuple[tuple[type[forms.Widget], str, str], ...] = (
    (forms.CheckboxSelectMultiple, "govuk-checkboxes__input", ""),
    (forms.RadioSelect, "govuk-radios__input", ""),
    (forms.CheckboxInput, "govuk-checkboxes__input", ""),
    (forms.FileInput, "govuk-file-upload", "govuk-file-upload--error"),
    (forms.Textarea, "govuk-textarea", "govuk-textarea--error"),
    (forms.SelectDateWidget, "govuk-select", "govuk-select--error"),
    (forms.Select, "govuk-select", "govuk-select--error"),
    (forms.widgets.Input, "govuk-input", "govuk-input--error"),
)


class GovukDateInput(forms.MultiWidget):
    """The GOV.UK date input: day, month and year boxes, for a ``DateField``.

    The three boxes become one ``YYYY-MM-DD`` value, so the field's own parsing
    reports an impossible date ("31 February") as an invalid one.
    """

    template_name = "web/forms/date_input.html"
    use_fieldset = True
    PARTS = ("day", "month", "year")

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        boxes: dict[str, forms.Widget | type[forms.Widget]] = {
            part: forms.TextInput(attrs={"inputmode": "numeric"}) for part in self.PARTS
        }
        super().__init__(boxes, attrs)

    def decompress(self, value: Any) -> list[str | None]:
        if isinstance(value, datetime.date):
            return [str(value.day), str(value.month), str(value.year)]
        if isinstance(value, str) and value.count("-") == 2:
            year, month, day = value.split("-")
            return [day, month, year]
        return [None, None, None]

    # One string, not MultiWidget's list: the DateField parses it.
    def value_from_datadict(self, data: Any, files: Any, name: str) -> str:  # type: ignore[override]
        day, month, year = (
            (value or "").strip()
            for value in super().value_from_datadict(data, files, name)
        )
        if not (day or month or year):
            return ""
        return f"{year}-{month}-{day}"

    def get_context(
        self, name: str, value: Any, attrs: dict[str, Any] | None
    ) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        labels = (
            pgettext_lazy("date", "Day"),
            pgettext_lazy("date", "Month"),
            pgettext_lazy("date", "Year"),
        )
        for part, label, subwidget in zip(
            self.PARTS, labels, context["widget"]["subwidgets"], strict=True
        ):
            width = "govuk-input--width-4" if part == "year" else "govuk-input--width-2"
            attrs = subwidget["attrs"]
            attrs["class"] = f"{attrs.get('class', '')} {width}".strip()
            subwidget["label"] = label
        return context


class GovukBoundField(BoundField):
    """A bound field that knows its GOV.UK component and classes."""

    @property
    def govuk_kind(self) -> str:
        """Which GOV.UK pattern draws this field: the field template switches on it."""
        widget = self.field.widget
        if widget.is_hidden:
            return "hidden"
        if isinstance(widget, forms.CheckboxSelectMultiple):
            return "checkboxes"
        if isinstance(widget, forms.RadioSelect):
            return "radios"
        if isinstance(widget, forms.CheckboxInput):
            return "checkbox"
        if isinstance(widget, GovukDateInput):
            return "date"
        if self.use_fieldset:
            return "fieldset"
        return "input"

    @property
    def anchor_id(self) -> str:
        """The id the error summary links to: the field, or its first box or option."""
        widget = self.field.widget
        auto_id = widget.attrs.get("id") or self.auto_id
        # Radios, checkboxes and multi-widgets label no single element: their
        # first option or box (Django numbers them from 0) takes the focus.
        return widget.id_for_label(auto_id) or f"{auto_id}_0"

    def build_widget_attrs(
        self, attrs: dict[str, Any], widget: forms.Widget | None = None
    ) -> dict[str, Any]:
        widget = widget or self.field.widget
        attrs = super().build_widget_attrs(attrs, widget)
        # The widget's own classes would be replaced by these: keep them too.
        given = str(attrs.get("class") or widget.attrs.get("class") or "")
        attrs["class"] = " ".join(filter(None, [*self._govuk_classes(widget), given]))
        if not attrs["class"]:
            del attrs["class"]
        return attrs

    def _govuk_classes(self, widget: forms.Widget) -> list[str]:
        if widget.is_hidden:
            return []
        if isinstance(widget, GovukDateInput):
            return ["govuk-input", "govuk-date-input__input"] + (
                ["govuk-input--error"] if self.errors else []
            )
        for widget_class, css_class, error_class in _WIDGET_CLASSES:
            if isinstance(widget, widget_class):
                return [css_class] + (
                    [error_class] if self.errors and error_class else []
                )
        return []


class GovukFormRenderer(DjangoTemplates):
    """Render forms and fields with GOV.UK Design System markup."""

    form_template_name = "web/forms/form.html"
    field_template_name = "web/forms/field.html"
    bound_field_class = GovukBoundField
