"""The compliance rule engine: text in, findings out. Pure Python, no Django."""
