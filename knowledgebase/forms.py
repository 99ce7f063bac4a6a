"""The editors' article form: content fields, phrasings one per line."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.models import Category
from departments.models import Region
from knowledgebase.models import Article


class ArticleForm(forms.ModelForm):
    """Draft or revise an article; the service checks who may and what is valid."""

    questions = forms.CharField(
        label=_("Other phrasings (one per line)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    category = forms.ModelChoiceField(
        Category.objects.filter(level=3).order_by("code"), required=False, label=_("Category")
    )
    regions = forms.ModelMultipleChoiceField(
        Region.objects.filter(level__lte=Region.Level.DISTRICT).order_by("code"),
        required=False,
        label=_("Applies in (none: everywhere)"),
    )

    class Meta:
        model = Article
        fields = [
            "title",
            "questions",
            "answer",
            "kind",
            "category",
            "regions",
            "policy_document",
            "effective_date",
            "review_by",
        ]
        widgets = {
            "effective_date": forms.DateInput(attrs={"type": "date"}),
            "review_by": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["questions"] = "\n".join(self.instance.questions)

    def clean_questions(self) -> list[str]:
        return [
            line.strip() for line in self.cleaned_data["questions"].splitlines() if line.strip()
        ]

    def content(self) -> dict:
        """The cleaned fields, as the services take them."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
