"""xcheck: the 1+X pilot self-inspection bot."""

import os

# Opt in now to PTB's coming behaviour (RetryAfter.retry_after as a timedelta); must precede importing telegram.
os.environ.setdefault("PTB_TIMEDELTA", "1")
