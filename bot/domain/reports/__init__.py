"""Reports: their life (review, submit, return, accept, versions), evidence and file types."""
