"""xcheck: the 1+X pilot self-inspection bot."""
