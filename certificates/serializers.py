from rest_framework import serializers

from .models import Certificate, IssueRun


class VerificationSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["valid", "revoked", "invalid"])
    number = serializers.CharField()
    data = serializers.JSONField()
    canonical = serializers.CharField(help_text="The signed text: RFC 8785 canonical JSON of `data`.")
    signature = serializers.CharField(help_text="Ed25519 signature of `canonical`, base64url.")
    key_id = serializers.CharField()
    signature_valid = serializers.BooleanField()
    revoked_reason = serializers.CharField(allow_blank=True)
    revoked_at = serializers.DateTimeField(allow_null=True)


class PublicKeySerializer(serializers.Serializer):
    key_id = serializers.CharField()
    type = serializers.CharField()
    public_key_pem = serializers.CharField()
    public_key_multibase = serializers.CharField()
    controller = serializers.CharField()
    current = serializers.BooleanField()


class CertificateSerializer(serializers.ModelSerializer):
    edition = serializers.IntegerField(source="edition.year")
    person = serializers.CharField(source="person.full_name")
    verify_url = serializers.CharField(source="data.verify_url")
    role = serializers.CharField(help_text="student, team_lead, supervisor, expert or visiting_professor")
    status = serializers.CharField(help_text="issued or revoked")

    class Meta:
        model = Certificate
        fields = ["id", "number", "edition", "person", "role", "status", "issued_at", "verify_url"]


class IssueInputSerializer(serializers.Serializer):
    edition = serializers.IntegerField(help_text="The edition's year.")
    person = serializers.IntegerField(help_text="The person's user id.")


class IssueRunInputSerializer(serializers.Serializer):
    edition = serializers.IntegerField(help_text="The edition's year.")


class IssueRunSerializer(serializers.ModelSerializer):
    edition = serializers.IntegerField(source="edition.year")
    status = serializers.CharField(help_text="pending, running, done or failed")

    class Meta:
        model = IssueRun
        fields = ["id", "edition", "status", "total", "processed", "issued", "percent"]


class RevokeInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)
