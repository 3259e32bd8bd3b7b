"""Serializers of the API: public fields only for anonymous readers (never a person's personal
data), and the proposal fields a host organisation sees on its own pages."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from khcn.directory.models import FieldOfScience, Organisation, Person, TaskForm
from khcn.public import search as public_search
from khcn.public import selectors as public_selectors
from khcn.research.models import Call, Proposal, Task


class NamedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class PublicTaskSerializer(serializers.ModelSerializer):
    form = serializers.CharField(source="form.name")
    field_code = serializers.CharField(source="field.code")
    field = serializers.CharField(source="field.name")
    status_label = serializers.CharField(source="get_status_display")
    host = serializers.SerializerMethodField()
    pi = serializers.SerializerMethodField()
    total_budget = serializers.IntegerField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Task
        fields = (
            "id", "code", "title", "form", "field_code", "field", "level", "plan_year", "status", "status_label",
            "host", "pi", "start", "end", "state_budget", "total_budget", "objectives", "url",
        )  # fmt: skip

    @extend_schema_field(NamedSerializer(allow_null=True))
    def get_host(self, task: Task) -> dict[str, Any] | None:
        return {"id": task.host.pk, "name": task.host.name} if task.host else None

    @extend_schema_field(NamedSerializer(allow_null=True))
    def get_pi(self, task: Task) -> dict[str, Any] | None:
        # A principal investigator is named only with their consent to a public profile.
        name = public_selectors.public_name(task.pi)
        return {"id": task.pi.pk, "name": name} if name and task.pi else None

    def get_url(self, task: Task) -> str:
        from django.urls import reverse

        return reverse("public:task-detail", args=[task.pk])


class PublicOrganisationSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display")
    public_task_count = serializers.IntegerField()

    class Meta:
        model = Organisation
        fields = ("id", "name", "short_name", "kind", "kind_label", "address", "website", "public_task_count")


class PublicPersonSerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.name", default="")
    field = serializers.CharField(source="field.name", default="")
    display_name = serializers.CharField()

    class Meta:
        model = Person
        # Never Person.PERSONAL_FIELDS (email, phone, birth year, ID number).
        fields = ("id", "full_name", "display_name", "academic_title", "degree", "position", "organisation", "field")


class PublicCertificateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    kind = serializers.CharField()
    designation = serializers.CharField()
    holder = serializers.SerializerMethodField()
    product = serializers.CharField()
    growing_area = serializers.CharField()
    issue_date = serializers.DateField()
    valid_until = serializers.DateField(allow_null=True)

    def get_holder(self, certificate: Any) -> str:
        return public_search.certificate_holder_name(certificate)


class PublicInitiativeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()
    unit = serializers.CharField(source="unit.name")
    field = serializers.CharField()
    year = serializers.IntegerField()
    recognised_on = serializers.DateField(allow_null=True)


class PublicLegalDocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    kind = serializers.CharField()
    form = serializers.CharField()
    issue_date = serializers.DateField()
    issuer = serializers.CharField(source="issuer.name")
    subject = serializers.CharField()
    expired = serializers.BooleanField()
    url = serializers.CharField(source="get_public_url")


class PublicArticleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    summary = serializers.CharField()
    topic = serializers.CharField()
    published_at = serializers.DateTimeField()
    url = serializers.CharField(source="get_public_url")


class SearchHitSerializer(serializers.Serializer):
    kind = serializers.CharField(source="entry.kind")
    kind_label = serializers.CharField()
    object_id = serializers.IntegerField(source="entry.object_id")
    title = serializers.CharField(source="entry.title")
    summary = serializers.CharField(source="entry.summary")
    title_highlighted = serializers.CharField(source="title_html", help_text="HTML, đã escape; từ khớp trong <mark>")
    summary_highlighted = serializers.CharField(source="summary_html")
    year = serializers.IntegerField(source="entry.year", allow_null=True)
    url = serializers.CharField(source="entry.url")
    score = serializers.FloatField()


class SearchResultsSerializer(serializers.Serializer):
    query = serializers.CharField()
    total = serializers.IntegerField()
    by_kind = serializers.DictField(child=serializers.IntegerField())
    fuzzy = serializers.BooleanField()
    results = SearchHitSerializer(many=True, source="hits")


# --- Proposals (authenticated) --------------------------------------------------------------------------


class ProposalSerializer(serializers.ModelSerializer):
    call: serializers.PrimaryKeyRelatedField = serializers.PrimaryKeyRelatedField(read_only=True)
    call_year = serializers.IntegerField(source="call.year", read_only=True)
    proposer_org = NamedSerializer(read_only=True)
    field = serializers.CharField(source="field.code", read_only=True)
    task_form = serializers.CharField(source="task_form.code", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Proposal
        fields = (
            "id", "code", "call", "call_year", "title", "urgency", "objectives", "expected_results",
            "estimated_budget", "estimated_duration_months", "application_place", "source", "proposer_org",
            "field", "task_form", "status", "status_label", "received_on", "channel",
        )  # fmt: skip
        read_only_fields = fields


class ProposalSubmitSerializer(serializers.Serializer):
    """What a proposal submission carries; the service (research.services.proposal_submit)
    decides the proposer, the day received and the rules."""

    call: serializers.PrimaryKeyRelatedField = serializers.PrimaryKeyRelatedField(queryset=Call.objects.active())
    title = serializers.CharField(max_length=500)
    urgency = serializers.CharField()
    objectives = serializers.CharField()
    expected_results = serializers.CharField()
    estimated_budget = serializers.IntegerField(min_value=0)
    estimated_duration_months = serializers.IntegerField(min_value=1)
    application_place = serializers.CharField()
    field = serializers.SlugRelatedField(slug_field="code", queryset=FieldOfScience.objects.filter(is_active=True))
    task_form = serializers.SlugRelatedField(slug_field="code", queryset=TaskForm.objects.filter(is_active=True))
    proposer_org = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.active(), required=False, allow_null=True,
        help_text="Chỉ cán bộ Sở nhập phiếu giấy; tổ chức chủ trì luôn đề xuất cho chính mình.",
    )  # fmt: skip
