from django.urls import path

from tremplin.learning import network_views as views

app_name = "network_learning"

# Pages under /<lang>/network/learning/ (network administrators only).
urlpatterns = [
    path("", views.network_learning_home, name="course_list"),
    path("new/", views.course_new, name="course_new"),
    path("import/", views.course_import, name="course_import"),
    path("<int:course_id>/", views.course_edit, name="course_edit"),
    path("<int:course_id>/export/", views.course_export, name="course_export"),
    path("<int:course_id>/modules/new/", views.module_new, name="module_new"),
    path("modules/<int:module_id>/", views.module_edit, name="module_edit"),
    path("modules/<int:module_id>/lessons/new/", views.lesson_new, name="lesson_new"),
    path("lessons/<int:lesson_id>/", views.lesson_edit, name="lesson_edit"),
    path("lessons/<int:lesson_id>/delete/", views.lesson_delete, name="lesson_delete"),
    path("lessons/<int:lesson_id>/questions/", views.question_new, name="question_new"),
    path("questions/<int:question_id>/delete/", views.question_delete, name="question_delete"),
]
