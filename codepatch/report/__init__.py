"""Report writers: text, JSON and SARIF."""
