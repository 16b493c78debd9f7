"""Exporting to workbooks: masked by default, unmasked only for a role with a reason."""
