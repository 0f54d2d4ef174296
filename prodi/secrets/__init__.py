"""Secret references in config strings, the providers that resolve them, and redaction."""
