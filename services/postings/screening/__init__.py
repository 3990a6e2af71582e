"""The posting checker: discriminatory wording, unjustified requirements and pay under the minimum wage."""
