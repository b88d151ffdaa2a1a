"""metro: metrology standards and calibration traceability for a provincial metrology bureau."""

__version__ = "0.1.0"
