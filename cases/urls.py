"""The workbench pages for cases, under /cases/ (with the intake pages and the inbox of
hotline/workbench, which hotline/urls.py puts in the same "cases" namespace)."""

from django.urls import path

from cases.views import access, attachments, detail, export, intake, lists, transfers, workorder

app_name = "cases"

urlpatterns = [
    path("", lists.case_list, name="list"),
    path("callbacks/", lists.callback_queue, name="callbacks"),
    path("transfers/", transfers.transfer_list, name="transfers"),
    path("reviews/", lists.review_queue, name="reviews"),  # issue 14: reply review
    path("decisions/", lists.decision_queue, name="decisions"),
    path("export/", export.export_cases, name="export"),
    path("access-log/", access.access_log, name="access_log"),
    path("new/caller/", intake.caller_history, name="intake_caller"),
    path("new/regions/", intake.region_suggestions, name="intake_regions"),
    path("new/categories/", intake.category_suggestions, name="intake_categories"),
    path("<str:number>/", detail.case_detail, name="detail"),
    path("<str:number>/print/", workorder.print_case, name="print"),
    path("<str:number>/print.pdf", workorder.print_case_pdf, name="print_pdf"),
    path("<str:number>/reveal/", detail.reveal_citizen, name="reveal"),
    path("<str:number>/act/<str:name>/", detail.case_action, name="action"),
    path("<str:number>/act/<str:name>/form/", detail.action_form, name="action_form"),
    path("<str:number>/attachments/", attachments.upload_attachment, name="attach"),
    path("<str:number>/attachments/<int:pk>/", attachments.download_attachment, name="attachment"),
    path(
        "<str:number>/attachments/<int:pk>/thumbnail/",
        attachments.attachment_thumbnail,
        name="attachment_thumbnail",
    ),
]
