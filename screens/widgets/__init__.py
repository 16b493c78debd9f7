"""Widgets and dialogs every screen shares: tables with a cursor, forms that ask before losing
input, the person picker, reveals, and printing from any screen."""
