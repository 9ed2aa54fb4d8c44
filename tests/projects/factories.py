"""Helpers for project tests on top of tests/factories.py."""

from django.core.files.uploadedfile import SimpleUploadedFile

from projects.models import ProjectStatus
from tests.factories import EditionFactory, MembershipFactory, ProjectFactory, UserFactory

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def pdf(name="proposal.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def fake_pdf(name="proposal.pdf"):
    """Named .pdf, but really a PNG: the check looks at the content."""
    return SimpleUploadedFile(name, PNG_BYTES, content_type="application/pdf")


def submitted_project(**fields):
    return ProjectFactory(status=ProjectStatus.SUBMITTED, **fields)


def professor(**fields):
    return UserFactory(status="professor", **fields)


def student_in(team, **fields):
    return MembershipFactory(team=team, user=UserFactory(status="master", **fields)).user


__all__ = ["EditionFactory", "pdf", "fake_pdf", "submitted_project", "professor", "student_in"]
