"""The morning dispatch at a 零工驿站: check-ins, today's board, an optimal assignment, swaps, booking."""
