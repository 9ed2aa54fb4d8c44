import base64
import io
import json
import os
import threading

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db import connection

from certificates import badges, selectors, services, signing
from certificates.models import Certificate, CertificateSettings, IssueRun, RunStatus
from certificates.pdf import build_certificate_pdf, verify_pdf
from marathon.exceptions import RuleViolation
from marathon.models import AuditEntry, Notification
from tests import factories
from tests.certificates.conftest import past_edition


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def issue(marathon, office, person=None):
    return services.issue_certificate(person=person or marathon["student"], edition=marathon["edition"], actor=office)


# --- canonical JSON and signatures -----------------------------------------------------------
def test_canonical_json_sorted_compact_utf8():
    assert signing.canonical_json({"b": [1, 2.5, None, True], "a": "Ü", "é": {"z": 1, "y": 2.0}}) == \
        '{"a":"Ü","b":[1,2.5,null,true],"é":{"y":2,"z":1}}'


def test_signature_round_trip_verifies(marathon, office):
    certificate = issue(marathon, office)
    assert signing.verify(certificate.canonical, certificate.signature, certificate.key_id) is True
    assert json.loads(certificate.canonical) == certificate.data
    assert selectors.verification(certificate)["status"] == "valid"


def test_signature_fails_when_a_field_changes(marathon, office):
    certificate = issue(marathon, office)
    altered = dict(certificate.data, participant={"name": "Someone Else", "university": ""})
    assert signing.verify(signing.canonical_json(altered), certificate.signature, certificate.key_id) is False
    Certificate.objects.filter(pk=certificate.pk).update(canonical=signing.canonical_json(altered))
    certificate.refresh_from_db()
    assert selectors.verification(certificate)["status"] == "invalid"


def test_key_rotation_old_certificates_still_verify(marathon, office, settings):
    old = issue(marathon, office)
    old_public = Ed25519PrivateKey.from_private_bytes(
        base64.b64decode(os.environ["CERTIFICATE_SIGNING_KEY"])).public_key()
    new_key = Ed25519PrivateKey.generate()
    settings.CERTIFICATE_SIGNING_KEY = new_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    settings.CERTIFICATE_VERIFY_KEYS = old_public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    new = issue(marathon, office, person=marathon["student2"])
    assert new.key_id != old.key_id
    assert selectors.verification(Certificate.objects.get(pk=old.pk))["status"] == "valid"
    assert selectors.verification(new)["status"] == "valid"
    settings.CERTIFICATE_VERIFY_KEYS = ""  # the old key forgotten: its certificates no longer verify
    assert selectors.verification(Certificate.objects.get(pk=old.pk))["status"] == "invalid"


def test_signing_without_key_and_debug_off_fails_clearly(settings):
    settings.CERTIFICATE_SIGNING_KEY, settings.DEBUG = "", False
    with pytest.raises(Exception, match="CERTIFICATE_SIGNING_KEY"):
        signing.sign("{}")


def test_deploy_check_reports_missing_key(settings):
    from certificates.checks import signing_key_configured

    settings.CERTIFICATE_SIGNING_KEY = ""
    assert [e.id for e in signing_key_configured(None)] == ["certificates.E001"]
    settings.CERTIFICATE_SIGNING_KEY = "not a key"
    assert [e.id for e in signing_key_configured(None)] == ["certificates.E002"]


# --- issuing ---------------------------------------------------------------------------------
def test_issue_certificate_numbers_audits_notifies_and_stores(marathon, office):
    certificate = issue(marathon, office)
    assert certificate.number == "SPM-2031-00001"
    assert len(certificate.code) >= 22  # ≥ 128 bits of token_urlsafe
    assert certificate.role == "team_lead"
    data = certificate.data
    assert data["participant"] == {"name": "Anna Müller", "university": "Graz University of Technology"}
    assert data["degree_level"] == "master"
    assert data["projects"][0]["title"] == "Hydrogen storage in porous metals"
    assert data["projects"][0]["result"] == {"rank": 1, "of": 2}
    assert "Санкт-Петербургский политехнический университет" in data["projects"][0]["universities"]
    assert [p["title"] for p in data["publications"]] == ["Porous metals for hydrogen"]
    assert [c["conference"] for c in data["conferences"]] == ["ICH2 2031"]
    assert [m["kind"] for m in data["mobility"]] == ["student_research"]
    assert "email" not in certificate.canonical and marathon["student"].email not in certificate.canonical
    assert AuditEntry.objects.filter(action="certificates.issued", object_id=str(certificate.pk)).count() == 1
    assert Notification.objects.filter(recipient=marathon["student"], subject__contains=certificate.number).count() == 1
    assert default_storage.exists(certificate.pdf.name)
    assert issue(marathon, office, person=marathon["expert"]).number == "SPM-2031-00002"


def test_issue_certificate_twice_is_refused(marathon, office):
    issue(marathon, office)
    with pytest.raises(RuleViolation):
        issue(marathon, office)
    assert Certificate.objects.count() == 1


def test_issue_certificate_by_non_office_is_refused(marathon, professor):
    with pytest.raises(PermissionDenied):
        issue(marathon, professor)


def test_issue_certificate_before_results_published_is_refused(office):
    edition = past_edition(2032)
    team = factories.approved_project_with_team(edition=edition).team
    with pytest.raises(RuleViolation):
        services.issue_certificate(person=team.project.proposer, edition=edition, actor=office)


def test_issue_certificate_for_non_participant_is_refused(marathon, office, outsider):
    with pytest.raises(RuleViolation):
        issue(marathon, office, person=outsider)


def test_result_band_and_workload_per_edition_setting(marathon, office):
    services.update_settings(edition=marathon["edition"], actor=office,
                             data={"result_display": "band", "workload_hours": 120, "ects": 4})
    data = issue(marathon, office).data
    assert data["projects"][0]["result"] == {"band": "top_50", "of": 2}
    assert data["workload"] == {"hours": 120, "ects": "4"}


def test_roles_supervisor_and_expert(marathon, office):
    assert issue(marathon, office, person=marathon["supervisor"]).role == "supervisor"
    assert issue(marathon, office, person=marathon["expert"]).role == "expert"


def test_revoked_certificate_verifies_as_revoked(marathon, office):
    certificate = issue(marathon, office)
    services.revoke_certificate(certificate=certificate, actor=office, reason="Issued by mistake")
    result = selectors.verification(selectors.certificate_by_code(certificate.code))
    assert result["status"] == "revoked" and result["revoked_reason"] == "Issued by mistake"
    assert AuditEntry.objects.filter(action="certificates.revoked").count() == 1
    with pytest.raises(RuleViolation):
        services.revoke_certificate(certificate=certificate, actor=office, reason="again")


def test_revoke_needs_reason_and_office(marathon, office):
    certificate = issue(marathon, office)
    with pytest.raises(PermissionDenied):
        services.revoke_certificate(certificate=certificate, actor=marathon["student"], reason="mine")
    with pytest.raises(Exception, match="reason"):
        services.revoke_certificate(certificate=certificate, actor=office, reason="  ")
    assert Certificate.objects.get(pk=certificate.pk).status == "issued"


# --- bulk ------------------------------------------------------------------------------------
def test_bulk_issue_issues_everyone_once(marathon, office, settings, django_capture_on_commit_callbacks):
    settings.CERTIFICATE_BATCH_SIZE = 2
    with django_capture_on_commit_callbacks(execute=True):  # eager Celery: the run happens now
        run = services.start_bulk_issue(edition=marathon["edition"], actor=office)
    run.refresh_from_db()
    people = set(Certificate.objects.values_list("person_id", flat=True))
    # two teams' supervisors, two students, the expert
    assert run.status == RunStatus.DONE and run.total == 5 and run.issued == 5 and run.processed == 5
    assert len(people) == 5
    assert sorted(Certificate.objects.values_list("sequence", flat=True)) == [1, 2, 3, 4, 5]
    assert not Certificate.objects.filter(pdf="").exists()
    services.run_issue(run_id=run.pk)
    assert Certificate.objects.count() == 5


def test_bulk_issue_skips_people_already_issued(marathon, office, django_capture_on_commit_callbacks):
    issue(marathon, office)
    with django_capture_on_commit_callbacks(execute=True):
        run = services.start_bulk_issue(edition=marathon["edition"], actor=office)
    run.refresh_from_db()
    assert run.issued == 4 and Certificate.objects.count() == 5


@pytest.mark.django_db(transaction=True)
def test_concurrent_bulk_runs_issue_each_once(settings, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    settings.CERTIFICATE_BATCH_SIZE = 3
    settings.MEDIA_ROOT = tmp_path
    office = factories.UserFactory(is_staff=True, status="researcher")
    edition = past_edition(2033)
    teams = [factories.approved_project_with_team(edition=edition).team for _ in range(3)]
    for team in teams:
        for _ in range(3):
            factories.MembershipFactory(team=team)
    from tests.certificates.conftest import publish
    publish(edition, teams)
    CertificateSettings.objects.create(edition=edition)
    runs = [IssueRun.objects.create(edition=edition, started_by=office, total=12) for _ in range(3)]
    errors = []

    def work(run):
        try:
            services.run_issue(run_id=run.pk)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(run,)) for run in runs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Certificate.objects.filter(edition=edition).count() == 12
    assert sorted(Certificate.objects.values_list("sequence", flat=True)) == list(range(1, 13))


# --- PDF -------------------------------------------------------------------------------------
def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_pdf_text_shows_fields_in_english_and_russian(marathon, office):
    certificate = issue(marathon, office)
    text = " ".join(pdf_text(services.pdf_bytes(certificate)).split())
    for expected in ["Certificate of participation", "Сертификат участника", "Anna Müller",
                     "Hydrogen storage in porous metals", "Санкт-Петербургский политехнический университет",
                     "student team lead", "руководитель студенческой команды", "rank 1 of 2 projects",
                     "Porous metals for hydrogen", "ICH2 2031", certificate.number, certificate.key_id]:
        assert expected in text, expected
    assert marathon["student"].email not in text


def test_pdf_qr_code_decodes_to_verify_url(marathon, office, settings):
    import zxingcpp
    from pypdf import PdfReader

    certificate = issue(marathon, office)
    image = PdfReader(io.BytesIO(services.pdf_bytes(certificate))).pages[0].images[0].image
    decoded = [result.text for result in zxingcpp.read_barcodes(image)]
    assert decoded == [f"{settings.SITE_URL}/verify/{certificate.code}/"]


def test_verify_pdf_accepts_the_issued_pdf(marathon, office):
    certificate = issue(marathon, office)
    check = verify_pdf(services.pdf_bytes(certificate))
    assert check.status == "valid" and check.code == certificate.code


def test_verify_pdf_rejects_altered_printed_data(marathon, office):
    certificate = issue(marathon, office)
    altered = dict(certificate.data,
                   participant={"name": "Mallory Forger", "university": "Graz University of Technology"})
    # The printed text says another name, the attached signed data are the original ones.
    forged = build_certificate_pdf(canonical=signing.canonical_json(altered), signature=certificate.signature,
                                   key_id=certificate.key_id)
    assert verify_pdf(forged).status == "invalid"
    # The forged file above carries (unsigned) altered data; now attach the original signed data.
    payload = json.dumps({"canonical": certificate.canonical, "signature": certificate.signature,
                          "key_id": certificate.key_id})
    swapped = _with_attachment(forged, payload)
    check = verify_pdf(swapped)
    assert check.status == "invalid" and "printed text" in check.reasons[0]


def _with_attachment(content: bytes, payload: str) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(content)))
    writer._root_object.pop("/Names", None)
    writer.add_attachment("certificate.json", payload.encode())
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_verify_pdf_rejects_garbage_and_foreign_pdfs():
    assert verify_pdf(b"not a pdf").status == "invalid"
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    assert verify_pdf(bytes(pdf.output())).status == "invalid"


# --- Open Badges -----------------------------------------------------------------------------
def test_open_badge_credential_proof_verifies_and_fails_when_changed(marathon, office):
    certificate = issue(marathon, office)
    credential = badges.signed_credential(certificate)
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["proof"]["cryptosuite"] == "eddsa-jcs-2022"
    assert credential["proof"]["proofValue"].startswith("z")
    assert credential["credentialSubject"]["name"] == "Anna Müller"
    assert badges.verify_credential(credential) is True
    credential["credentialSubject"]["name"] = "Someone Else"
    assert badges.verify_credential(credential) is False


def test_open_badge_signed_by_foreign_key_does_not_verify(marathon, office, settings):
    certificate = issue(marathon, office)
    settings.CERTIFICATE_SIGNING_KEY = base64.b64encode(os.urandom(32)).decode()
    foreign = badges.signed_credential(certificate)
    settings.CERTIFICATE_SIGNING_KEY = os.environ["CERTIFICATE_SIGNING_KEY"]
    assert badges.verify_credential(foreign) is False


# --- portfolio -------------------------------------------------------------------------------
def test_portfolio_private_by_default_and_toggle_audited(marathon):
    student = marathon["student"]
    portfolio = services.portfolio_of(student)
    assert portfolio.is_public is False
    services.set_portfolio_public(user=student, actor=student, public=True)
    assert services.portfolio_of(student).is_public is True
    assert AuditEntry.objects.filter(action="certificates.portfolio_visibility").count() == 1
    with pytest.raises(PermissionDenied):
        services.set_portfolio_public(user=student, actor=marathon["student2"], public=False)


def test_development_key_generated_under_var_when_debug(settings, tmp_path, monkeypatch):
    monkeypatch.setattr(signing, "DEV_KEY_PATH", tmp_path / "var" / "dev-key.pem")
    settings.CERTIFICATE_SIGNING_KEY, settings.DEBUG = "", True
    signature, key_id = signing.sign("{}")
    assert (tmp_path / "var" / "dev-key.pem").exists()
    assert signing.verify("{}", signature, key_id) is True
    assert signing.sign("{}")[1] == key_id  # the same key next time


def test_signing_key_read_from_file(settings, tmp_path):
    key = Ed25519PrivateKey.generate()
    path = tmp_path / "key.pem"
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    settings.CERTIFICATE_SIGNING_KEY, settings.CERTIFICATE_SIGNING_KEY_FILE = "", str(path)
    signature, key_id = signing.sign('{"a":1}')
    assert key_id == signing.key_id_of(key.public_key())
    assert signing.verify('{"a":1}', signature, key_id) is True
