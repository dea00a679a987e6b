"""apply stage."""
