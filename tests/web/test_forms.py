import datetime

import lxml.html
from django import forms
from django.template import Context, Template
from django.utils import translation

from pontio.web.forms import GovukDateInput, GovukFormRenderer
from tests.base import PontioTestCase

CHOICES = [("ctf", "Common transfer file"), ("generic", "Other file")]


class EveryWidgetForm(forms.Form):
    name = forms.CharField(help_text="As on the school's records")
    email = forms.EmailField()
    password = forms.CharField(widget=forms.PasswordInput)
    count = forms.IntegerField()
    la = forms.ChoiceField(choices=CHOICES)
    kind = forms.ChoiceField(choices=CHOICES, widget=forms.RadioSelect)
    agree = forms.BooleanField(help_text="You must agree")
    kinds = forms.MultipleChoiceField(
        choices=CHOICES, widget=forms.CheckboxSelectMultiple
    )
    reason = forms.CharField(widget=forms.Textarea)
    file = forms.FileField()
    sent_on = forms.DateField()
    born_on = forms.DateField(widget=GovukDateInput, help_text="For example, 27 3 2016")
    town = forms.CharField(required=False)
    code = forms.CharField(widget=forms.HiddenInput)


VISIBLE = [name for name in EveryWidgetForm.base_fields if name != "code"]
REQUIRED = [name for name in VISIBLE if name != "town"]


def parse(html: str) -> lxml.html.HtmlElement:
    return lxml.html.fragment_fromstring(html, create_parent="div")


def one(root: lxml.html.HtmlElement, xpath: str) -> lxml.html.HtmlElement:
    found = root.xpath(xpath)
    assert len(found) == 1, f"{len(found)} matches for {xpath}"
    return found[0]


def classes(element: lxml.html.HtmlElement) -> list[str]:
    return element.get("class", "").split()


def group(root: lxml.html.HtmlElement, name: str) -> lxml.html.HtmlElement:
    """The outer form group holding the field ``name``."""
    return one(
        root,
        f"./div[contains(@class, 'govuk-form-group')]"
        f"[.//*[@name='{name}' or starts-with(@name, '{name}_')]]",
    )


def text(element: lxml.html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


class FormRendererTests(PontioTestCase):
    def setUp(self):
        self.blank = EveryWidgetForm()
        self.root = parse(str(self.blank))
        self.bound = EveryWidgetForm(data={"email": "not an e-mail", "count": "x"})
        self.bound.is_valid()
        self.error_root = parse(str(self.bound))

    def test_forms_use_the_govuk_renderer(self):
        self.assertIsInstance(self.blank.renderer, GovukFormRenderer)

    def test_every_visible_field_is_one_form_group(self):
        groups = self.root.xpath("./div[@class='govuk-form-group']")
        self.assertEqual(len(groups), len(VISIBLE))
        for name in VISIBLE:
            with self.subTest(name=name):
                group(self.root, name)

    def test_text_inputs_have_a_label_and_the_input_class(self):
        for name, kind in [
            ("name", "text"),
            ("email", "email"),
            ("password", "password"),
            ("count", "number"),
            ("sent_on", "text"),
            ("town", "text"),
        ]:
            with self.subTest(name=name):
                form_group = group(self.root, name)
                label = one(form_group, "./label")
                self.assertEqual(classes(label), ["govuk-label"])
                self.assertEqual(label.get("for"), f"id_{name}")
                field = one(form_group, f".//input[@id='id_{name}']")
                self.assertEqual(field.get("type"), kind)
                self.assertEqual(classes(field), ["govuk-input"])

    def test_help_text_is_a_hint_the_input_points_to(self):
        form_group = group(self.root, "name")
        hint = one(form_group, "./div[@class='govuk-hint']")
        self.assertEqual(hint.get("id"), "id_name_helptext")
        field = one(form_group, ".//input")
        self.assertEqual(field.get("aria-describedby"), "id_name_helptext")

    def test_a_select_has_the_select_class(self):
        select = one(group(self.root, "la"), "./select")
        self.assertEqual(classes(select), ["govuk-select"])
        self.assertEqual(len(select.xpath("./option")), 2)

    def test_radios_are_a_fieldset_of_govuk_radios(self):
        fieldset = one(group(self.root, "kind"), "./fieldset")
        self.assertEqual(classes(fieldset), ["govuk-fieldset"])
        self.assertEqual(
            text(one(fieldset, "./legend[@class='govuk-fieldset__legend']")), "Kind"
        )
        radios = one(fieldset, "./div[@class='govuk-radios']")
        self.assertEqual(radios.get("data-module"), "govuk-radios")
        items = radios.xpath("./div[@class='govuk-radios__item']")
        self.assertEqual(len(items), 2)
        for index, item in enumerate(items):
            field = one(item, "./input")
            self.assertEqual(
                (field.get("type"), classes(field), field.get("id")),
                ("radio", ["govuk-radios__input"], f"id_kind_{index}"),
            )
            label = one(item, "./label")
            self.assertEqual(classes(label), ["govuk-label", "govuk-radios__label"])
            self.assertEqual(label.get("for"), f"id_kind_{index}")

    def test_checkboxes_are_a_fieldset_of_govuk_checkboxes(self):
        fieldset = one(group(self.root, "kinds"), "./fieldset")
        boxes = one(fieldset, "./div[@class='govuk-checkboxes']")
        self.assertEqual(boxes.get("data-module"), "govuk-checkboxes")
        items = boxes.xpath("./div[@class='govuk-checkboxes__item']")
        self.assertEqual(len(items), 2)
        field = one(items[1], "./input")
        self.assertEqual(classes(field), ["govuk-checkboxes__input"])
        self.assertEqual(one(items[1], "./label").get("for"), field.get("id"))

    def test_a_single_checkbox_has_its_label_beside_it(self):
        item = one(group(self.root, "agree"), ".//div[@class='govuk-checkboxes__item']")
        field = one(item, "./input")
        self.assertEqual(classes(field), ["govuk-checkboxes__input"])
        self.assertEqual(field.get("aria-describedby"), "id_agree_helptext")
        self.assertEqual(one(item, "./label").get("for"), "id_agree")
        hint = one(item, "./div[@id='id_agree_helptext']")
        self.assertEqual(classes(hint), ["govuk-hint", "govuk-checkboxes__hint"])

    def test_a_textarea_has_the_textarea_class(self):
        textarea = one(group(self.root, "reason"), "./textarea")
        self.assertEqual(classes(textarea), ["govuk-textarea"])

    def test_a_file_input_has_the_file_upload_class(self):
        field = one(group(self.root, "file"), "./input")
        self.assertEqual(field.get("type"), "file")
        self.assertEqual(classes(field), ["govuk-file-upload"])

    def test_a_date_is_three_labelled_boxes_in_a_group(self):
        fieldset = one(group(self.root, "born_on"), "./fieldset")
        self.assertEqual(fieldset.get("role"), "group")
        self.assertEqual(fieldset.get("aria-describedby"), "id_born_on_helptext")
        date = one(fieldset, "./div[@class='govuk-date-input']")
        items = date.xpath("./div[@class='govuk-date-input__item']")
        for index, (part, width) in enumerate([("day", 2), ("month", 2), ("year", 4)]):
            with self.subTest(part=part):
                box = one(items[index], ".//input")
                self.assertEqual(box.get("name"), f"born_on_{part}")
                self.assertEqual(box.get("inputmode"), "numeric")
                self.assertEqual(
                    classes(box),
                    [
                        "govuk-input",
                        "govuk-date-input__input",
                        f"govuk-input--width-{width}",
                    ],
                )
                label = one(items[index], ".//label")
                self.assertEqual(label.get("for"), box.get("id"))
                self.assertTrue(text(label))

    def test_optional_fields_say_so_and_required_ones_do_not(self):
        self.assertRegex(
            text(one(group(self.root, "town"), "./label")), r"^Town \(.+\)$"
        )
        self.assertEqual(text(one(group(self.root, "name"), "./label")), "Name")

    def test_hidden_fields_are_rendered_bare(self):
        hidden = one(self.root, "./input[@type='hidden']")
        self.assertEqual(hidden.get("name"), "code")
        self.assertIsNone(hidden.get("class"))

    def test_every_field_in_error_is_marked_with_its_message(self):
        self.assertEqual(set(self.bound.errors), {*REQUIRED, "code"})
        for name in REQUIRED:
            with self.subTest(name=name):
                form_group = group(self.error_root, name)
                self.assertEqual(
                    classes(form_group), ["govuk-form-group", "govuk-form-group--error"]
                )
                message = one(form_group, f".//p[@id='id_{name}_error']")
                self.assertEqual(classes(message), ["govuk-error-message"])
                prefix = one(message, "./span[@class='govuk-visually-hidden']")
                self.assertTrue(text(prefix))
                self.assertIn(str(self.bound.errors[name][0]), text(message))
        self.assertEqual(classes(group(self.error_root, "town")), ["govuk-form-group"])

    def test_inputs_in_error_carry_the_error_classes_and_point_to_the_message(self):
        expected = {
            "name": ["govuk-input", "govuk-input--error"],
            "email": ["govuk-input", "govuk-input--error"],
            "password": ["govuk-input", "govuk-input--error"],
            "count": ["govuk-input", "govuk-input--error"],
            "la": ["govuk-select", "govuk-select--error"],
            "reason": ["govuk-textarea", "govuk-textarea--error"],
            "file": ["govuk-file-upload", "govuk-file-upload--error"],
            "sent_on": ["govuk-input", "govuk-input--error"],
        }
        for name, css in expected.items():
            with self.subTest(name=name):
                field = one(self.error_root, f".//*[@name='{name}']")
                self.assertEqual(classes(field), css)
                self.assertEqual(field.get("aria-invalid"), "true")
                self.assertIn(f"id_{name}_error", field.get("aria-describedby"))
        self.assertEqual(
            one(self.error_root, ".//input[@name='name']").get("aria-describedby"),
            "id_name_helptext id_name_error",
        )
        for name in ["kind", "kinds", "born_on"]:
            with self.subTest(name=name):
                fieldset = one(group(self.error_root, name), "./fieldset")
                self.assertIn(f"id_{name}_error", fieldset.get("aria-describedby"))
        year = one(self.error_root, ".//input[@name='born_on_year']")
        self.assertIn("govuk-input--error", classes(year))

    def test_the_error_prefix_is_rendered_in_welsh_too(self):
        with translation.override("cy"):
            root = parse(str(self.bound))
        prefixes = root.xpath(".//p[@class='govuk-error-message']/span")
        self.assertEqual(len(prefixes), len(REQUIRED))

    def test_a_typed_value_comes_back_escaped(self):
        form = EveryWidgetForm(data={"name": '"><script>alert(1)</script>'})
        html = str(form["name"].as_field_group())
        self.assertNotIn("<script>", html)
        field = one(parse(html), ".//input")
        self.assertEqual(field.get("value"), '"><script>alert(1)</script>')

    def test_a_label_with_markup_is_escaped(self):
        form = EveryWidgetForm()
        form.fields["name"].label = "<b>Name</b>"
        self.assertNotIn("<b>", str(form["name"].as_field_group()))

    def test_a_field_can_be_the_page_heading(self):
        template = Template(
            "{% load govuk %}{% govuk_field form.reason heading=True %}"
        )
        root = parse(template.render(Context({"form": self.blank})))
        label = one(root, ".//h1[@class='govuk-label-wrapper']/label")
        self.assertEqual(classes(label), ["govuk-label", "govuk-label--l"])
        radios = Template("{% load govuk %}{% govuk_field form.kind heading=True %}")
        root = parse(radios.render(Context({"form": self.blank})))
        one(root, ".//legend[contains(@class, 'govuk-fieldset__legend--l')]/h1")


class ErrorSummaryTests(PontioTestCase):
    def render(self, form: forms.Form) -> str:
        template = Template('{% include "web/_error_summary.html" with form=form %}')
        return template.render(Context({"form": form}))

    def test_a_blank_or_valid_form_has_no_summary(self):
        self.assertEqual(self.render(EveryWidgetForm()).strip(), "")

    def test_the_summary_links_each_error_to_its_field(self):
        form = EveryWidgetForm(data={})
        form.is_valid()
        form.add_error(None, forms.ValidationError("whole form", code="whole"))
        root = parse(self.render(form))
        summary = one(root, "./div[@class='govuk-error-summary']")
        self.assertEqual(summary.get("data-module"), "govuk-error-summary")
        one(summary, "./div[@role='alert']/h2[@class='govuk-error-summary__title']")
        items = summary.xpath(".//ul[contains(@class, 'govuk-error-summary__list')]/li")
        self.assertEqual(text(items[0]), "whole form")
        links = [item.xpath("./a/@href") for item in items[1:]]
        expected = [[f"#{form[name].anchor_id}"] for name in REQUIRED]
        # The hidden field's error is listed last, with nothing to link to.
        self.assertEqual(links, [*expected, []])
        self.assertEqual(expected[5], ["#id_kind_0"])
        self.assertEqual(expected[-1], ["#id_born_on_0"])

    def test_every_link_leads_to_an_element_of_the_form(self):
        form = EveryWidgetForm(data={})
        root = parse(str(form))
        for name in REQUIRED:
            with self.subTest(name=name):
                one(root, f".//*[@id='{form[name].anchor_id}']")


class DateInputTests(PontioTestCase):
    def form(self, **parts: str) -> EveryWidgetForm:
        return EveryWidgetForm(data={f"born_on_{p}": v for p, v in parts.items()})

    def code_of_error(self, form: forms.Form) -> str:
        return form.errors.as_data()["born_on"][0].code

    def test_three_boxes_make_a_date(self):
        form = self.form(day="27", month="3", year="2016")
        form.is_valid()
        self.assertEqual(form.cleaned_data["born_on"], datetime.date(2016, 3, 27))

    def test_an_impossible_date_is_invalid(self):
        self.assertEqual(
            self.code_of_error(self.form(day="31", month="2", year="2016")), "invalid"
        )

    def test_a_missing_part_is_invalid_and_what_was_typed_stays(self):
        form = self.form(day="31", month="", year="2016")
        self.assertEqual(self.code_of_error(form), "invalid")
        root = parse(str(form["born_on"].as_field_group()))
        self.assertEqual(one(root, ".//input[@name='born_on_day']").get("value"), "31")
        self.assertEqual(
            one(root, ".//input[@name='born_on_year']").get("value"), "2016"
        )

    def test_hostile_input_is_refused_as_invalid(self):
        for day in ["1-2", "<b>", "9" * 50, "٣", "\x00", "1; DROP TABLE"]:
            with self.subTest(day=day):
                form = self.form(day=day, month="1", year="2016")
                self.assertEqual(self.code_of_error(form), "invalid")
                self.assertNotIn("<b>", str(form["born_on"].as_field_group()))

    def test_empty_boxes_are_a_missing_value(self):
        self.assertEqual(
            self.code_of_error(self.form(day=" ", month="", year="")), "required"
        )

    def test_an_initial_date_fills_the_boxes(self):
        form = EveryWidgetForm(initial={"born_on": datetime.date(2016, 3, 7)})
        root = parse(str(form["born_on"].as_field_group()))
        values = [box.get("value") for box in root.xpath(".//input")]
        self.assertEqual(values, ["7", "3", "2016"])
