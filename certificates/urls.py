from django.urls import path

from . import views

app_name = "certificates"
urlpatterns = [
    path("certificates/", views.mine, name="mine"),
    path("certificates/<int:pk>/", views.detail, name="detail"),
    path("certificates/<int:pk>/download/", views.download, name="download"),
    path("certificates/<int:pk>/credential/", views.credential, name="credential"),
    path("certificates/<int:pk>/revoke/", views.revoke, name="revoke"),
    path("certificates/office/", views.office, name="office"),
    path("certificates/office/<int:year>/", views.edition_page, name="edition"),
    path("certificates/office/<int:year>/issue/", views.issue_one, name="issue_one"),
    path("certificates/office/<int:year>/runs/", views.start_run, name="start_run"),
    path("certificates/runs/<int:pk>/", views.run_detail, name="run"),
    path("certificates/runs/<int:pk>/status/", views.run_status, name="run_status"),
    path("certificates/runs/<int:pk>/resume/", views.run_resume, name="run_resume"),
    path("certificates/achievements/<int:year>/<slug:role>/", views.achievement, name="achievement"),
    path("verify/", views.verify_index, name="verify_index"),
    path("verify/<str:code>/", views.verify, name="verify"),
    path("portfolio/", views.portfolio, name="portfolio"),
    path("portfolio/visibility/", views.portfolio_visibility, name="portfolio_visibility"),
    path("portfolio/resume.json", views.portfolio_json, name="portfolio_json"),
    path("portfolio/portfolio.pdf", views.portfolio_pdf_view, name="portfolio_pdf"),
    path("portfolio/p/<str:slug>/", views.public_portfolio, name="public_portfolio"),
    path("portfolio/p/<str:slug>/resume.json", views.portfolio_json, name="public_portfolio_json"),
    path("portfolio/p/<str:slug>/portfolio.pdf", views.portfolio_pdf_view, name="public_portfolio_pdf"),
]
