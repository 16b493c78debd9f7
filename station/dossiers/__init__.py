"""Dossiers (一户一档): everything held about a household, gathered across features as plain records."""
