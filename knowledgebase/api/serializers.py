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


class EscalationOfferSerializer(serializers.Serializer):
    offer = serializers.CharField(help_text="The offer to be called back, to show as it is.")
    fields = serializers.ListField(
        child=serializers.CharField(),
        help_text="What to send in `escalate` to accept it: `name` and `phone`.",
    )


class NoAnswerSerializer(serializers.Serializer):
    text = serializers.CharField(
        help_text="The sentence to show: the hotline does not know, how to reach a person."
    )
    escalation = EscalationOfferSerializer(
        help_text="POST again with `escalate` {name, phone} (and the conversation) to accept."
    )


class AskOutputSerializer(serializers.Serializer):
    question = serializers.CharField()
    answer = AnswerSerializer(
        allow_null=True, help_text="The best article's answer; null when none is relevant."
    )
    no_answer = NoAnswerSerializer(
        allow_null=True,
        help_text="Set when `answer` is null for a question: what the /ask/ page says then "
        "(in the request's language) and the call-back offer; null otherwise.",
    )
    others = OtherSerializer(many=True)
    case_number = serializers.CharField(allow_null=True)
