"""Documentation of the special forms and derived forms (shown by ``(doc if)``)."""

SPECIAL_DOCS: dict[str, str] = {}
