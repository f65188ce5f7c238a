"""Permissions that belong to no table of their own."""

from __future__ import annotations

from django.db import models


class ImprovementAccess(models.Model):
    """Holds the app's screen and export permissions (no table)."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("view_review", "Can view the improvement page and download the management review"),
            ("export_complaints", "Can export complaints and download audit dossiers"),
        ]

    def __str__(self) -> str:
        return "improvement"
