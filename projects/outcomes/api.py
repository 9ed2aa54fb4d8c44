"""Outcome API: list/detail with project and year filters, and POST calling the services."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response

from marathon.api_support import ErrorSerializer

from . import selectors, serializers, services

FILTER_PARAMETERS = [
    OpenApiParameter("project", int, description="Only outcomes of this project."),
    OpenApiParameter("year", int, description="Only outcomes of this year."),
]


class OutcomeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    selector = None
    input_serializer_class = None
    update_serializer_class = None
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        if self.action != "list":
            return type(self).selector()
        query = serializers.OutcomeListQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return type(self).selector(project_id=query.validated_data.get("project"),
                                   year=query.validated_data.get("year"))

    def create(self, request):
        data = self.input_serializer_class(data=request.data)
        data.is_valid(raise_exception=True)
        created = self.perform_service(dict(data.validated_data))
        output = self.get_serializer(self.get_queryset().get(pk=created.pk))
        return Response(output.data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        outcome = self.get_object()
        data = self.update_serializer_class(outcome, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        self.perform_update(outcome, {**self.current_values(outcome), **data.validated_data})
        return Response(self.get_serializer(self.get_queryset().get(pk=outcome.pk)).data)

    @extend_schema(responses={204: None, 403: ErrorSerializer, 404: ErrorSerializer})
    def destroy(self, request, pk=None):
        services.delete_outcome(outcome=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(parameters=FILTER_PARAMETERS),
    create=extend_schema(request=serializers.PublicationInputSerializer,
                         responses={201: serializers.PublicationSerializer, 400: ErrorSerializer,
                                    403: ErrorSerializer, 409: ErrorSerializer}),
    partial_update=extend_schema(request=serializers.PublicationUpdateSerializer,
                                 responses={200: serializers.PublicationSerializer, 400: ErrorSerializer,
                                            403: ErrorSerializer, 404: ErrorSerializer}),
)
class PublicationViewSet(OutcomeViewSet):
    serializer_class = serializers.PublicationSerializer
    input_serializer_class = serializers.PublicationInputSerializer
    update_serializer_class = serializers.PublicationUpdateSerializer
    selector = staticmethod(selectors.publication_list)

    def perform_service(self, data):
        authors = [services.AuthorInput(**author) for author in data.pop("authors")]
        return services.record_publication(actor=self.request.user, authors=authors, **data)

    def current_values(self, outcome):
        return {name: getattr(outcome, name) for name in ("title", "venue", "type", "year", "doi")}

    def perform_update(self, outcome, data):
        authors = data.pop("authors", None)
        if authors is not None:
            authors = [services.AuthorInput(**author) for author in authors]
        services.update_publication(publication=outcome, actor=self.request.user, authors=authors,
                                    **data)


@extend_schema_view(
    list=extend_schema(parameters=FILTER_PARAMETERS),
    create=extend_schema(request=serializers.GrantApplicationInputSerializer,
                         responses={201: serializers.GrantApplicationSerializer, 400: ErrorSerializer,
                                    403: ErrorSerializer, 409: ErrorSerializer}),
    partial_update=extend_schema(request=serializers.GrantApplicationUpdateSerializer,
                                 responses={200: serializers.GrantApplicationSerializer, 400: ErrorSerializer,
                                            403: ErrorSerializer, 404: ErrorSerializer}),
)
class GrantApplicationViewSet(OutcomeViewSet):
    serializer_class = serializers.GrantApplicationSerializer
    input_serializer_class = serializers.GrantApplicationInputSerializer
    update_serializer_class = serializers.GrantApplicationUpdateSerializer
    selector = staticmethod(selectors.grant_application_list)

    def perform_service(self, data):
        return services.record_grant_application(actor=self.request.user, **data)

    def current_values(self, outcome):
        values = {name: getattr(outcome, name) for name in
                  ("programme", "funder", "title", "submitted_on", "amount", "currency", "status")}
        return {**values, "applicants": list(outcome.applicants.all())}

    def perform_update(self, outcome, data):
        services.update_grant_application(grant=outcome, actor=self.request.user, **data)


@extend_schema_view(
    list=extend_schema(parameters=FILTER_PARAMETERS),
    create=extend_schema(request=serializers.ConferenceInputSerializer,
                         responses={201: serializers.ConferenceSerializer, 400: ErrorSerializer,
                                    403: ErrorSerializer, 409: ErrorSerializer}),
    partial_update=extend_schema(request=serializers.ConferenceUpdateSerializer,
                                 responses={200: serializers.ConferenceSerializer, 400: ErrorSerializer,
                                            403: ErrorSerializer, 404: ErrorSerializer}),
)
class ConferenceViewSet(OutcomeViewSet):
    serializer_class = serializers.ConferenceSerializer
    input_serializer_class = serializers.ConferenceInputSerializer
    update_serializer_class = serializers.ConferenceUpdateSerializer
    selector = staticmethod(selectors.conference_list)

    def perform_service(self, data):
        return services.record_conference_participation(actor=self.request.user, **data)

    def current_values(self, outcome):
        values = {name: getattr(outcome, name) for name in
                  ("conference", "city", "start_date", "end_date", "contribution_title",
                   "other_presenters", "is_international")}
        return {**values, "country": outcome.country.code,
                "presenters": list(outcome.presenters.all())}

    def perform_update(self, outcome, data):
        services.update_conference_participation(participation=outcome, actor=self.request.user,
                                                 **data)
