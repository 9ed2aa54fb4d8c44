from django.urls import include, path

from . import views

app_name = "teams"
urlpatterns = [
    path("", views.team_list, name="list"),
    path("", include("teams.allocation.urls")),
    path("mine/", views.my_team, name="mine"),
    path("requests/", views.my_requests, name="my_requests"),
    path("<int:pk>/", views.team_detail, name="detail"),
    path("<int:pk>/join/", views.join, name="join"),
    path("<int:pk>/leave/", views.leave, name="leave"),
    path("<int:pk>/students/", views.student_search, name="student_search"),
    path("<int:pk>/invite/", views.invite, name="invite"),
    path("<int:pk>/members/add/", views.member_add, name="member_add"),
    path("members/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path("members/<int:pk>/lead/", views.lead_appoint, name="lead_appoint"),
    path("members/<int:pk>/lead/demote/", views.lead_demote, name="lead_demote"),
    path("requests/<int:pk>/accept/", views.request_accept, name="request_accept"),
    path("requests/<int:pk>/decline/", views.request_decline, name="request_decline"),
    path("requests/<int:pk>/withdraw/", views.request_withdraw, name="request_withdraw"),
    path("invitations/<int:pk>/accept/", views.invitation_accept, name="invitation_accept"),
    path("invitations/<int:pk>/decline/", views.invitation_decline, name="invitation_decline"),
    path("invitations/<int:pk>/cancel/", views.invitation_cancel, name="invitation_cancel"),
]
