"""The Venues screen: venues with their labels, and the suggestions panel."""
