"""Work duplicates: normalisation, blocking, comparison, scores, bands and reasons."""
