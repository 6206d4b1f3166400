"""The venue-label engine: fingerprints, decorations, acronyms, ISO 4, suggestions."""
