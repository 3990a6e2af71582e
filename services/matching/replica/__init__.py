"""The posting replica: the postings service's change feed applied, exactly once, to matching's database."""
