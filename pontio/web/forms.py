from django.forms.renderers import DjangoTemplates


class GovukFormRenderer(DjangoTemplates):
    pass
