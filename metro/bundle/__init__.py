"""The province bundle: a folder of CSV files (DESIGN.md "Data contract"), loaded and exported."""
