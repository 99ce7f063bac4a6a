"""API routes for cases, assignments, extensions, supervision orders and categories."""

from rest_framework.routers import SimpleRouter

from cases.api import handling, transfers, views

router = SimpleRouter()
router.register("cases", views.CaseViewSet, basename="case")
router.register("assignments", handling.AssignmentViewSet, basename="assignment")
router.register("extensions", handling.ExtensionViewSet, basename="extension")
router.register("supervisions", handling.SupervisionViewSet, basename="supervision")
router.register("transfers", transfers.TransferViewSet, basename="transfer")
router.register("categories", views.CategoryViewSet, basename="category")
router.register("consultations", handling.ConsultationViewSet, basename="consultation")

urlpatterns = router.urls
