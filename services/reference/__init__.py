"""Public reference data both services share: occupations, counties, certificates."""
