"""The self-service dialogue over the API: questions in, answers (or a case number) out."""

from rest_framework import serializers

from core.phones import PhoneSerializerField
from knowledgebase.dialogue import MAX_QUESTION, MAX_TURNS


class ContactSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50)
    phone = PhoneSerializerField()


class AskInputSerializer(serializers.Serializer):
    question = serializers.CharField(max_length=MAX_QUESTION, required=False, allow_blank=True)
    conversation = serializers.ListField(
        child=serializers.CharField(max_length=MAX_QUESTION),
        required=False,
        max_length=MAX_TURNS,
        help_text="The questions asked before, oldest first (the client keeps the conversation).",
    )
    region = serializers.CharField(required=False, allow_blank=True, help_text="A region code.")
    escalate = ContactSerializer(
        required=False, help_text="'This did not help': register a case and call me back."
    )


class AnswerSerializer(serializers.Serializer):
    article = serializers.IntegerField()
    title = serializers.CharField()
    answer = serializers.CharField()
    source = serializers.CharField()
    issuing_unit = serializers.CharField(
        help_text="Who issued the answer: an imported article's unit, else the owning department."
    )
    stale = serializers.BooleanField()
    demo = serializers.BooleanField(
        help_text="Written for the demo city (演示内容), not an official answer."
    )


class OtherSerializer(serializers.Serializer):
    article = serializers.IntegerField()
    title = serializers.CharField()
    stale = serializers.BooleanField()
    demo = serializers.BooleanField(help_text="Written for the demo city (演示内容).")


class AskOutputSerializer(serializers.Serializer):
    question = serializers.CharField()
    answer = AnswerSerializer(allow_null=True)
    others = OtherSerializer(many=True)
    case_number = serializers.CharField(allow_null=True)
