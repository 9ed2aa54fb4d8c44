from django.urls import path

from . import views

app_name = "projects"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("new/", views.propose, name="propose"),
    path("mine/", views.mine, name="mine"),
    path("review/", views.review, name="review"),
    path("co-supervisors/", views.co_supervisor_search, name="co_supervisor_search"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/delete/", views.delete, name="delete"),
    path("<int:pk>/approve/", views.approve, name="approve"),
    path("<int:pk>/reject/", views.reject, name="reject"),
    path("<int:pk>/activate/", views.activate, name="activate"),
    path("<int:pk>/complete/", views.complete, name="complete"),
    path("<int:pk>/attachments/", views.upload, name="upload"),
    path("attachments/<int:pk>/", views.download, name="download"),
]
