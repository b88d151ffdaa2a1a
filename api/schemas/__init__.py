"""HTTP shapes (pydantic 2), one module per resource: what requests carry and answers hold."""
