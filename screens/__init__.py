"""The counter TUI (Textual). Never imports models or SQLAlchemy: it calls station services in workers."""
