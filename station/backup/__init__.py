"""Backups and restores: checked, sealed copies and an atomic swap back."""
