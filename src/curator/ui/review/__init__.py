"""The Duplicates screen: the review queue and the side-by-side comparison."""
